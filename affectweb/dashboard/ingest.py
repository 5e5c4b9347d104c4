"""Store a provider's result document as per-face tracks, atomically and idempotently.

The formats are read by `affectweb.clients.results`; this module keeps the raw document
(gzip-compressed, for provenance) and replaces the media's `FaceTrack` rows in one
transaction, so a media never shows half a result.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from affectweb.clients.results import FaceData, parse
from affectweb.dashboard.metrics import EXPRESSIVE_THRESHOLD, SUMMARISED
from affectweb.dashboard.models import FaceTrack, Media, pack_arrays
from affectweb.dashboard.series import overview
from affectweb.protocols.affectiva import EMOTIONS

CHUNK = 1 << 20


def summarize(face: FaceData) -> dict:
    """Per-metric mean, peak and time of peak, and the share of frames with a strong emotion."""
    summary: dict = {}
    for name in SUMMARISED:
        values = face.metrics.get(name)
        if values is None or np.isnan(values).all():
            continue
        peak = int(np.nanargmax(values))
        summary[name] = {"mean": round(float(np.nanmean(values)), 2), "peak": round(float(values[peak]), 2),
                         "peak_time": round(float(face.times[peak]), 3)}
    emotions = [face.metrics[e] for e in EMOTIONS if e in face.metrics]
    if emotions:
        strongest = np.nan_to_num(np.vstack(emotions), nan=0.0).max(axis=0)
        summary["expressive"] = round(float(np.mean(strongest > EXPRESSIVE_THRESHOLD)), 4)
    return summary


def pack(face: FaceData) -> tuple[bytes, bytes]:
    """The face's full track, and its chart overview."""
    track = pack_arrays({"times": face.times, "frames": face.frames, **face.metrics})
    return track, pack_arrays(overview(face.times, face.metrics))


@contextmanager
def plain_file(path: Path) -> Iterator[Path]:
    """The document as a plain file: stored results are gzip-compressed, downloads are not."""
    with open(path, "rb") as fh:
        compressed = fh.read(2) == b"\x1f\x8b"
    if not compressed:
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
        with gzip.open(path, "rb") as src:
            shutil.copyfileobj(src, tmp, CHUNK)
        tmp.flush()
        yield Path(tmp.name)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _store_raw(media_id: int, path: Path, digest: str) -> str:
    # Named by content, so a crash between writing it and committing leaves the row
    # pointing at the previous, intact file. Level 1: provenance, not archival; it
    # runs in a thread beside the parser (zlib releases the GIL).
    name = f"results/{media_id}/{digest[:20]}.gz"
    if not default_storage.exists(name):
        with tempfile.TemporaryFile() as tmp:
            with open(path, "rb") as src, gzip.GzipFile(fileobj=tmp, mode="wb", compresslevel=1, mtime=0) as gz:
                shutil.copyfileobj(src, gz, CHUNK)
            tmp.seek(0)
            name = default_storage.save(name, File(tmp))
    return name


def ingest(media: Media, path: Path, content_type: str) -> bool:
    """Replace the media's results with this document. False when it was already in."""
    with plain_file(path) as plain:
        digest = _sha256(plain)
        if media.result_sha256 == digest and media.status == Media.Status.DONE:
            return False
        with ThreadPoolExecutor(1) as pool:
            stored = pool.submit(_store_raw, media.pk, plain, digest)
            with open(plain, encoding="utf-8-sig", errors="replace") as fh:
                parsed = parse(fh, content_type)
            name = stored.result()
    with ThreadPoolExecutor() as pool:  # deflate releases the GIL: faces pack in parallel
        packed = list(pool.map(pack, parsed.faces))
    tracks = [
        FaceTrack(media_id=media.pk, face_id=f.face_id, position=i, frame_count=len(f.frames),
                  start=float(f.times[0]), end=float(f.times[-1]), data=data, overview=view,
                  summary=summarize(f))
        for i, (f, (data, view)) in enumerate(zip(parsed.faces, packed))
    ]
    metric_names = list(dict.fromkeys(n for f in parsed.faces for n in f.metrics))
    face_frames = len(np.unique(np.concatenate([f.frames for f in parsed.faces]))) if parsed.faces else 0
    with transaction.atomic():
        previous = Media.objects.select_for_update().values_list("result_file", flat=True).get(pk=media.pk)
        FaceTrack.objects.filter(media_id=media.pk).delete()
        FaceTrack.objects.bulk_create(tracks)
        Media.objects.filter(pk=media.pk).update(
            result_file=name, result_type=content_type, result_sha256=digest, frame_count=parsed.frame_count,
            face_frames=face_frames, metric_names=metric_names, status=Media.Status.DONE, progress=1.0, error="",
            failures=0,
        )
        if previous and previous != name:
            transaction.on_commit(lambda: default_storage.delete(previous))
    media.refresh_from_db()
    return True


def reingest(media: Media) -> bool:
    """Rebuild the tracks from the stored raw document (after a parser change)."""
    Media.objects.filter(pk=media.pk).update(result_sha256="")
    media.result_sha256 = ""
    return ingest(media, Path(media.result_file.path), media.result_type)
