"""Is the participant's face in view? One camera snapshot, the analysis's own detector.

The participant page sends a small JPEG every second or two before the film starts, so
a face out of frame or in the dark is fixed before anything is recorded. The detector is
loaded once per process, on first use, and used by one request at a time (a LiteRT
interpreter is not safe to share between threads).
"""

from __future__ import annotations

import io
import threading

import numpy as np
from PIL import Image, UnidentifiedImageError

from affectweb.analysis.detector import FaceDetector

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 1920 * 1080
_lock = threading.Lock()
_detector: FaceDetector | None = None


class SnapshotError(ValueError):
    """Not a picture we check; the message is for the page."""


def faces_in(jpeg: bytes) -> int:
    global _detector
    if not jpeg or len(jpeg) > MAX_BYTES:
        raise SnapshotError("The snapshot is empty or too large.")
    try:
        image = Image.open(io.BytesIO(jpeg))
        if image.width * image.height > MAX_PIXELS:  # read from the header, before decoding
            raise SnapshotError("The snapshot is too large.")
        rgb = np.asarray(image.convert("RGB"))
    except (UnidentifiedImageError, OSError) as e:
        raise SnapshotError("The snapshot is not a picture.") from e
    with _lock:
        if _detector is None:
            _detector = FaceDetector()
        return len(_detector(rgb))
