"""Analysed media built from known curves, through the real ingestion."""

from __future__ import annotations

import json

from affectweb.research.models import Alignment, Annotation
from affectweb.protocols.affectiva import SESSION_V0
from tests.dashboard.helpers import ingest_bytes
from tests.factories import MediaFactory


def analysed(study, joy, seconds: float = 10.0, fps: int = 10, faces: int = 1, offset: float = 0.0,
             annotations: dict | None = None, name: str = "clip.mp4"):
    """A done media whose face f shows joy(t, f) at media time t (constant if a number)."""
    fn = joy if callable(joy) else (lambda t, f: float(joy))
    frames = []
    for i in range(int(seconds * fps)):
        t = round(i / fps, 3)
        frames.append({"time": t, "faces": {str(f): {"joy": fn(t, f), "valence": 10.0 * f, "engagement": 50.0,
                                                     "face box x": 1.0, "face box y": 2.0, "face box width": 30.0,
                                                     "face box height": 40.0}
                                            for f in range(faces)}})
    media = MediaFactory(study=study, name=name, duration=seconds)
    ingest_bytes(media, json.dumps({"content_type": SESSION_V0, "frames": frames}).encode())
    media.refresh_from_db()
    if offset:
        Alignment.objects.create(media=media, offset=offset)
    for k, v in (annotations or {}).items():
        Annotation.objects.create(media=media, key=k, value=v)
    return media
