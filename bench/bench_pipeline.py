"""Benchmark of the analysis pipeline on realistic inputs made from the real fixtures.

    .venv/bin/python bench/bench_pipeline.py            # single face 640×360, five faces 1280×720
    .venv/bin/python bench/bench_pipeline.py --hour     # + one hour of 640×360 (peak RSS)
    .venv/bin/python bench/bench_pipeline.py --minutes 10

Inputs are built with PyAV into a temporary folder (or --workdir, reused if present):
- single-face: WolfgangLanger_Pexels.mp4 (a real talking head, 472 frames) continued
  with its first frames again, 600 frames at 640×360;
- five faces: multi_face.jpg centred in a 1280×720 frame, slowly zooming and panning
  (so the tracker and the ROI propagation have real work), 300 frames;
- long: WolfgangLanger_Pexels.mp4 looped for the requested duration.
Prints frames/s for decode only and for the full pipeline (wall clock, including process
start-up), and peak RSS of the parent and of the largest worker.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from affectweb.analysis.assets import assets_dir  # noqa: E402
from affectweb.analysis.media import iter_frames  # noqa: E402
from affectweb.analysis.pipeline import analyze  # noqa: E402
from affectweb.analysis.types import AnalysisOptions  # noqa: E402


class Encoder:
    """Streams RGB frames into an H.264 MP4 (never holds the video in memory)."""

    def __init__(self, path: Path, width: int, height: int, fps: int = 30, preset: str = "veryfast") -> None:
        self.container = av.open(str(path), "w")
        self.stream = self.container.add_stream("libx264", rate=Fraction(fps))
        self.stream.width, self.stream.height, self.stream.pix_fmt = width, height, "yuv420p"
        self.stream.options = {"preset": preset, "crf": "23"}

    def add(self, rgb: np.ndarray) -> None:
        for packet in self.stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
            self.container.mux(packet)

    def close(self) -> None:
        for packet in self.stream.encode():
            self.container.mux(packet)
        self.container.close()


def looped_talking_head(path: Path, frames: int) -> Path:
    if path.exists():
        return path
    source = assets_dir() / "fixtures" / "WolfgangLanger_Pexels.mp4"
    # ultrafast: an hour (108,000 frames) must encode in minutes on 2 cores
    enc, n = Encoder(path.with_suffix(".part.mp4"), 640, 360, preset="ultrafast" if frames > 10_000 else "veryfast"), 0
    while n < frames:
        with av.open(str(source)) as container:
            for frame in container.decode(video=0):
                enc.add(frame.to_ndarray(format="rgb24"))
                n += 1
                if n >= frames:
                    break
    enc.close()
    path.with_suffix(".part.mp4").rename(path)
    return path


def five_faces(path: Path, frames: int = 300) -> Path:
    if path.exists():
        return path
    with av.open(str(assets_dir() / "fixtures" / "multi_face.jpg")) as container:
        photo = next(container.decode(video=0)).to_ndarray(format="rgb24")
    enc = Encoder(path.with_suffix(".part.mp4"), 1280, 720)
    h, w = photo.shape[:2]
    for i in range(frames):
        phase = i / frames * 2 * np.pi
        scale = 1.0 + 0.08 * np.sin(phase)  # gentle zoom
        dx, dy = 60 * np.sin(phase), 25 * np.sin(2 * phase)  # gentle pan
        m = cv2.getRotationMatrix2D((w / 2, h / 2), 2 * np.sin(phase), scale)
        m[:, 2] += ((1280 - w) / 2 + dx, (720 - h) / 2 + dy)
        enc.add(cv2.warpAffine(photo, m, (1280, 720), borderMode=cv2.BORDER_REFLECT))
    enc.close()
    path.with_suffix(".part.mp4").rename(path)
    return path


def decode_fps(path: Path) -> tuple[int, float]:
    start, n = time.perf_counter(), 0
    for _ in iter_frames(path):
        n += 1
    return n, n / (time.perf_counter() - start)


def pipeline_fps(path: Path, **options) -> tuple[int, float, int]:
    start = time.perf_counter()
    result = analyze(path, AnalysisOptions(**options))
    elapsed = time.perf_counter() - start
    return len(result.times), len(result.times) / elapsed, len(result.tracks)


class RssSampler(threading.Thread):
    """Polls /proc for this process and all its descendants (pool workers are children of
    the forkserver, so RUSAGE_CHILDREN never sees them): peak RSS of the largest worker
    and peak of the sum over all processes."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.worker_peak = 0.0
        self.total_peak = 0.0
        self._done = threading.Event()

    @staticmethod
    def _rss_by_pid() -> dict[int, tuple[int, float]]:
        out = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    status = Path(f"/proc/{entry}/status").read_text()
                except OSError:
                    continue
                fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
                rss = float(fields.get("VmRSS", "0 kB").split()[0]) / 1024
                out[int(entry)] = (int(fields.get("PPid", "0")), rss)
        return out

    def run(self) -> None:
        me = os.getpid()
        while not self._done.wait(0.25):
            procs = self._rss_by_pid()
            family, changed = {me}, True
            while changed:
                kids = {pid for pid, (ppid, _) in procs.items() if ppid in family} - family
                family |= kids
                changed = bool(kids)
            workers = [procs[p][1] for p in family - {me} if p in procs]
            self.worker_peak = max([self.worker_peak, *workers])
            self.total_peak = max(self.total_peak, sum(procs[p][1] for p in family if p in procs))

    def stop(self) -> None:
        self._done.set()
        self.join()


def cpu_ms_per_frame(path: Path, **options) -> float:
    """CPU time (all threads) per frame in this process with one worker: the cost that
    does not depend on what else the machine is running."""
    start = time.process_time()
    result = analyze(path, AnalysisOptions(workers=1, **options))
    return (time.process_time() - start) * 1000 / len(result.times)


def report(label: str, path: Path, cpu: bool = True, **options) -> None:
    n, dfps = decode_fps(path) if cpu else (0, float("nan"))
    sampler = RssSampler()
    sampler.start()
    n, pfps, faces = pipeline_fps(path, **options)
    sampler.stop()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    line = (f"{label:<26} {n:>7} frames  decode {dfps:6.0f} f/s  pipeline {pfps:6.1f} f/s  tracks {faces}  "
            f"peak RSS parent {own:.0f} MB, worker {sampler.worker_peak:.0f} MB, all {sampler.total_peak:.0f} MB")
    if cpu:
        line += f"  CPU {cpu_ms_per_frame(path, **options):.1f} ms/frame"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hour", action="store_true", help="also analyse one hour of 640×360 video")
    parser.add_argument("--minutes", type=float, default=0.0, help="also analyse this many minutes")
    parser.add_argument("--only-long", action="store_true", help="skip the short clips")
    parser.add_argument("--workdir", type=Path, default=None, help="where to build (and reuse) inputs")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="affectweb-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"cpus {os.cpu_count()}, inputs in {workdir}", flush=True)
    if not args.only_long:
        single = looped_talking_head(workdir / "single_640x360_600.mp4", 600)
        group = five_faces(workdir / "five_faces_1280x720_300.mp4")
        start = time.perf_counter()
        pipeline_fps(single)  # first pool: starts the forkserver, imports MediaPipe once
        print(f"cold start (forkserver + first pool): whole 600-frame run {time.perf_counter() - start:.1f} s")
        report("single face 640x360", single)
        report("single face 640x360 fast", single, quality="fast")
        report("five faces 1280x720", group)
        report("five faces 1280x720 fast", group, quality="fast")
    minutes = 60.0 if args.hour else args.minutes
    if minutes:
        long = looped_talking_head(workdir / f"long_640x360_{minutes:g}min.mp4", int(minutes * 60 * 30))
        report(f"{minutes:g} min 640x360", long, cpu=False)


if __name__ == "__main__":
    main()
