"""Face thumbnails: each face cropped from the frame where it is largest."""

from __future__ import annotations

import io
import logging

import numpy as np
from PIL import Image

from affectweb.analysis.media import iter_frames
from affectweb.analysis.types import MediaError
from affectweb.dashboard.models import FaceTrack, Media

SIZE = 96  # pixels, square
MARGIN = 0.25  # of the box, on each side: the whole head, not just the features
BOX = ("face box x", "face box y", "face box width", "face box height")
log = logging.getLogger(__name__)


def _largest(track: FaceTrack) -> tuple[float, np.ndarray] | None:
    """(time, box) of the frame where the face is largest, or None without boxes."""
    arrays = track.arrays()
    if not all(k in arrays.files for k in BOX):
        return None
    boxes = np.column_stack([arrays[k] for k in BOX]).astype(np.float64)
    area = np.nan_to_num(boxes[:, 2] * boxes[:, 3], nan=-1.0)
    best = int(np.argmax(area))
    return (float(arrays["times"][best]), boxes[best]) if area[best] > 0 else None


def _frame_at(path: str, kind: str, t: float) -> np.ndarray | None:
    """The displayed frame nearest to `t` (rotation applied, as the boxes are)."""
    window = (None, None) if kind == "image" else (t - 0.05, t + 0.05)
    frames = [(abs(pts - t), rgb) for _, pts, rgb in iter_frames(path, start=window[0], end=window[1])]
    return min(frames, key=lambda f: f[0])[1] if frames else None


def _crop(rgb: np.ndarray, box: np.ndarray) -> bytes:
    x, y, w, h = box
    side = max(w, h) * (1 + 2 * MARGIN)
    cx, cy = x + w / 2, y + h / 2
    height, width = rgb.shape[:2]
    left, top = int(max(0, cx - side / 2)), int(max(0, cy - side / 2))
    right, bottom = int(min(width, cx + side / 2)), int(min(height, cy + side / 2))
    image = Image.fromarray(rgb[top:bottom, left:right]).resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def make_thumbnails(media: Media) -> int:
    """Store a thumbnail on every face that has boxes; return how many were made."""
    made = 0
    for track in FaceTrack.objects.filter(media=media).only("id", "data"):
        best = _largest(track)
        if best is None:
            continue
        try:
            rgb = _frame_at(media.file.path, media.kind, best[0])
        except MediaError as e:  # the file changed or decodes differently: no picture
            log.warning("no thumbnail for media %s: %s", media.pk, e)
            return made
        if rgb is not None:
            FaceTrack.objects.filter(pk=track.pk).update(thumbnail=_crop(rgb, best[1]))
            made += 1
    return made
