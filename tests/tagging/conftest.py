"""Fixtures of the tagger tests: the converted model (built by `make assets`) and media
the tests make from the real fixtures with PyAV."""

from __future__ import annotations

import io
from fractions import Fraction

import av
import numpy as np
import pytest

from affectweb.tagging.classifier import MODEL, Classifier
from affectweb.tagging.faces import FaceTags
from affectweb.tagging.tagger import Tagger


@pytest.fixture(scope="session")
def classifier(assets_dir) -> Classifier:
    if not (assets_dir / MODEL).is_file():
        pytest.fail(f"no {MODEL} in {assets_dir}: run `make assets` (scripts/build_tagger.py)")
    return Classifier(threads=2)


@pytest.fixture(scope="session")
def tagger(classifier) -> Tagger:
    return Tagger(classifier, FaceTags())


def encode_video(frames: list[np.ndarray], fps: int = 10, fmt: str = "mp4") -> bytes:
    """RGB frames → an H.264 MP4 (or an animated GIF) in memory."""
    out = io.BytesIO()
    with av.open(out, mode="w", format=fmt) as container:
        h, w = frames[0].shape[:2]
        stream = container.add_stream("libx264" if fmt == "mp4" else "gif", rate=fps)
        stream.width, stream.height = w, h
        stream.pix_fmt = "yuv420p" if fmt == "mp4" else "rgb8"
        stream.time_base = Fraction(1, fps)
        for i, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = i
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return out.getvalue()


def encode_image(rgb: np.ndarray, codec: str) -> bytes:
    """One RGB frame as PNG, JPEG (mjpeg) or still GIF bytes, with PyAV."""
    fmt = {"png": "image2pipe", "mjpeg": "image2pipe", "gif": "gif"}[codec]
    out = io.BytesIO()
    with av.open(out, mode="w", format=fmt) as container:
        stream = container.add_stream(codec, rate=1)
        stream.width, stream.height = rgb.shape[1], rgb.shape[0]
        stream.pix_fmt = {"png": "rgb24", "mjpeg": "yuvj420p", "gif": "rgb8"}[codec]
        container.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        container.mux(stream.encode())
    return out.getvalue()


def orange_disc() -> np.ndarray:
    """An orange disc on a light background: the model calls it a ping-pong ball or an orange."""
    import cv2

    img = np.full((448, 448, 3), 240, np.uint8)
    cv2.circle(img, (224, 224), 150, (255, 140, 0), -1)
    return img
