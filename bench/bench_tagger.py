"""Tagger benchmarks: images per second at 224×224, stills end to end, a 10-minute video.

Prints the figures that docs/performance.md ("Tagging") records. The video is made with
PyAV from the real fixtures (640×360, 25 fps) once and kept in the temp directory.
Usage: .venv/bin/python bench/bench_tagger.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from affectweb.analysis.assets import assets_dir  # noqa: E402
from affectweb.tagging.classifier import BATCH_SIZE, Classifier, preprocess  # noqa: E402
from affectweb.tagging.faces import FaceTags  # noqa: E402
from affectweb.tagging.media import Limits, open_media  # noqa: E402
from affectweb.tagging.tagger import Tagger  # noqa: E402

THREADS = 2
VIDEO_SECONDS, VIDEO_FPS = 600, 25
FIXTURES = assets_dir() / "fixtures"


class Clock:
    """Wall time and this process's CPU time: on a shared machine the second says what
    the work costs, the first what a client waited."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def ten_minute_video() -> Path:
    path = Path(tempfile.gettempdir()) / f"affectweb-bench-{VIDEO_SECONDS}s-640x360.mp4"
    if path.exists():
        return path
    frames = []
    for name in ("WolfgangLanger_Pexels.mp4", "single_face.mp4"):
        with av.open(str(FIXTURES / name)) as source:
            frames += [f.to_ndarray(format="rgb24") for f in source.decode(video=0)]
    partial = path.with_suffix(".part.mp4")
    with av.open(str(partial), mode="w") as out:
        stream = out.add_stream("libx264", rate=VIDEO_FPS, options={"preset": "veryfast", "g": "250"})
        stream.width, stream.height, stream.pix_fmt = 640, 360, "yuv420p"
        stream.time_base = Fraction(1, VIDEO_FPS)
        for i in range(VIDEO_SECONDS * VIDEO_FPS):  # the fixtures' frames, looped
            frame = av.VideoFrame.from_ndarray(frames[i % len(frames)], format="rgb24")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    partial.replace(path)
    return path


def main() -> None:
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.1f}, onnxruntime threads: {THREADS}")
    classifier = Classifier(THREADS)
    rng = np.random.default_rng(0)
    batch = rng.integers(0, 256, (BATCH_SIZE, 224, 224, 3), dtype=np.uint8)
    classifier.run(batch)  # warm-up
    rounds = 12
    with Clock() as c:
        for _ in range(rounds):
            classifier.run(batch)
    n = rounds * BATCH_SIZE
    print(f"classifier, 224×224 batches of {BATCH_SIZE}: {n / c.wall:.0f} images/s "
          f"({n / c.cpu:.0f} per CPU-second)")

    tagger = Tagger(classifier, FaceTags())
    stills = [(FIXTURES / name).read_bytes() for name in ("single_face.jpg", "multi_face.jpg")] * 32
    tagger.tag_stills([open_media(stills[0], Limits())])  # loads the face detector
    with Clock() as c:
        tagger.tag_stills([open_media(data, Limits()) for data in stills])
    print(f"stills end to end (JPEG decode, crop, classify, face tags), {len(stills)} photos of "
          f"~600×600 and 1000×667: {len(stills) / c.wall:.0f} images/s ({len(stills) / c.cpu:.0f} per CPU-second)")
    with Clock() as c:
        [preprocess(open_media(data, Limits()).rgb) for data in stills]
    print(f"  of which decoding and cropping: {1000 * c.wall / len(stills):.1f} ms an image")

    path = ten_minute_video()
    data = path.read_bytes()
    with Clock() as c:
        result = tagger.tag_video(open_media(data, Limits(max_video_seconds=VIDEO_SECONDS + 1)))
    print(f"video {VIDEO_SECONDS} s 640×360 at {VIDEO_FPS} fps ({len(data) / 1e6:.0f} MB): "
          f"{len(result.timestamps)} segments in {c.wall:.1f} s ({c.cpu:.1f} CPU-s)")
    with Clock() as c:
        segments = sum(1 for _ in open_media(data, Limits(max_video_seconds=VIDEO_SECONDS + 1)).segments())
    print(f"  of which decoding alone: {c.wall:.1f} s for {segments} sampled frames")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
