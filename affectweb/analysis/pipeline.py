"""`analyze(path)`: media file → `SessionResult`.

Shape of the work:
1. `probe` validates the file; `plan_frames` demuxes it (no decoding) to fix which frames
   are analysed and their indices.
2. The plan is cut into time segments. A `multiprocessing` pool (forkserver/spawn: no
   forked copies of threads or model state; each worker loads the models once) measures
   every face in its segments and returns compact float32 rows per frame.
3. The parent consumes segments in order and runs the tracker over all frames
   sequentially, so face ids are stable across segment seams.
4. Per track: metrics from the packed rows (vectorised), then zero-lag smoothing.

Memory stays flat in video length: no decoded frame outlives its iteration, and a track
is a growable float32 matrix (62 values per face per frame).

Speed: the full-range detector runs every `DETECT_EVERY_S` seconds or when a face is lost;
in between each face is cropped around its previous landmarks (MediaPipe's own tracking
idea), which is what makes 60+ frames/s possible for one face on 2 cores.
"""

from __future__ import annotations

import atexit
import multiprocessing as mp
import threading
import os
from dataclasses import dataclass

import numpy as np

from .emotions import all_metrics
from .media import FramePlan, decode_slice, plan_frames, probe
from .smoothing import smooth_track
from .tracking import Tracker, box_iou
from .types import AnalysisOptions, MediaError, MediaInfo, ProgressCallback, SessionResult, Track
from .vocabulary import CONFIGURATION, METRICS

DETECT_EVERY_S = {"full": 0.2, "fast": 0.5}
CROP_SIZE = {"full": 256, "fast": 192}
# "fast" (the engine's sdk-metrics job) measures faces on every other frame only; the
# frames in between get the mean of their two measured neighbours (same track). Faces
# move little in 1/30 s, and the output still has one entry per frame.
MEASURE_EVERY = {"full": 1, "fast": 2}
MIN_FRAMES_FOR_POOL = 150  # below this, starting processes costs more than it saves
SEGMENT_FRAMES = (48, 1800)  # bounds on frames per segment
DUPLICATE_IOU = 0.5  # two crops that converged on the same face
WHOLE_FRAME_FACES = 4  # faces the whole-frame VIDEO-mode landmarker follows at most
MIN_TRACK_FRAMES = 3


@dataclass
class SegmentTask:
    path: str
    pts: np.ndarray
    first_index: int
    rotation: int
    time_base: float
    start_pts: int
    detect_every: int
    max_faces: int
    measure_every: int = 1
    video: bool = True


@dataclass
class SegmentResult:
    """Faces of one segment: frame `indices[i]` has `counts[i]` rows in `rows`."""

    indices: np.ndarray  # int32
    counts: np.ndarray  # int16
    rows: np.ndarray  # float32 (sum(counts), OBS_WIDTH)
    decoded: int
    warnings: list[str]


class FaceAnalyser:
    """The per-process models: full-range detector + crop landmarker."""

    def __init__(self, quality: str = "full") -> None:
        from .detector import FaceDetector
        from .landmarks import Landmarker

        self.detector = FaceDetector()
        self.landmarker = Landmarker(crop_size=CROP_SIZE.get(quality, 256))

    def run(self, task: SegmentTask) -> SegmentResult:
        """Measure every face of every planned frame of one segment.

        Two sources of faces, so the common case is cheap and small faces are not lost:
        - in videos, the landmarker in VIDEO mode on the whole frame (`FrameTracker`),
          which follows near, large faces from frame to frame;
        - the full-range detector every `detect_every` frames (or when a face was lost),
          whose extra faces are measured on crops and then followed by cropping around
          their previous landmarks.
        If the whole-frame pass sees nothing while the detector finds faces, it is
        switched off for the rest of the segment (faces too small for it)."""
        from .landmarks import OBS_WIDTH, FrameTracker

        warnings: list[str] = []
        indices, counts, rows = [], [], []
        crop_boxes: list[tuple[float, float, float, float]] = []  # faces followed by crops
        whole = FrameTracker(min(task.max_faces, WHOLE_FRAME_FACES)) if task.video else None
        since_detect = 10**9
        decoded = 0
        had_faces = False
        try:
            for index, _time, rgb in decode_slice(task.path, task.pts, task.first_index, task.rotation,
                                                  task.time_base, task.start_pts, warnings):
                decoded += 1
                if had_faces and index % task.measure_every:
                    continue  # filled in by interpolation (see MEASURE_EVERY)
                found = [obs.pack() for obs in whole.measure(rgb)] if whole else []
                rois = [b for b in crop_boxes if all(box_iou(b, f[:4]) < 0.3 for f in found)]
                if not (found or rois) or since_detect >= task.detect_every:
                    since_detect = 0
                    known = [tuple(f[:4]) for f in found] + rois
                    detections = [(d.x, d.y, d.w, d.h) for d in self.detector(rgb)]
                    # Known faces are better cropped from their landmarks; add new ones only.
                    rois += [d for d in detections if all(box_iou(d, k) < 0.3 for k in known)]
                    if whole and detections and not found:
                        whole.close()
                        whole = None
                since_detect += 1
                crop_boxes = []
                for roi in rois:
                    obs = self.landmarker.measure(rgb, roi)
                    if obs is None:
                        since_detect = task.detect_every  # a face was lost: look again next frame
                        continue
                    if all(box_iou(obs.box, f[:4]) < DUPLICATE_IOU for f in found):
                        found.append(obs.pack())
                        crop_boxes.append(obs.box)
                if len(found) > task.max_faces:  # keep the largest faces
                    found = sorted(found, key=lambda r: -r[2] * r[3])[: task.max_faces]
                had_faces = bool(found)
                if found:
                    indices.append(index)
                    counts.append(len(found))
                    rows.extend(found)
        finally:
            if whole:
                whole.close()
        return SegmentResult(
            np.asarray(indices, dtype=np.int32),
            np.asarray(counts, dtype=np.int16),
            np.asarray(rows, dtype=np.float32).reshape(-1, OBS_WIDTH),
            decoded,
            warnings,
        )


# One analyser per process (per quality): loading the models takes ~0.3 s.
_ANALYSERS: dict[str, FaceAnalyser] = {}


def _analyser(quality: str) -> FaceAnalyser:
    if quality not in _ANALYSERS:
        _ANALYSERS[quality] = FaceAnalyser(quality)
        _close_at_exit(_ANALYSERS[quality].landmarker.close)
    return _ANALYSERS[quality]


def _close_at_exit(close) -> None:
    """Close MediaPipe's graph before its dispatcher thread pool shuts down; left to
    `__del__` at interpreter exit, it prints a spurious traceback. Thread-shutdown hooks
    run before plain `atexit` ones and in reverse order, so ours precedes MediaPipe's."""
    register = getattr(threading, "_register_atexit", atexit.register)
    try:
        register(close)
    except RuntimeError:  # already shutting down
        pass


def _worker_init(quality: str) -> None:
    _analyser(quality)


def _worker_run(args: tuple[str, SegmentTask]) -> SegmentResult:
    quality, task = args
    return _analyser(quality).run(task)


def _segments(n: int, workers: int) -> list[tuple[int, int]]:
    """Cut n frames into segments: several per worker (balance), bounded in size
    (progress granularity and memory of a result in flight)."""
    size = int(np.clip(n // max(1, workers * 4), *SEGMENT_FRAMES))
    return [(lo, min(n, lo + size)) for lo in range(0, n, size)]


# Imported once by the forkserver, so each worker forks with them loaded instead of
# importing MediaPipe itself (seconds saved per pool; the server lives as long as the
# process, e.g. a whole engine worker).
PRELOAD = ["affectweb.analysis.pipeline", "affectweb.analysis.detector", "affectweb.analysis.landmarks",
           "mediapipe.tasks.python.vision", "ai_edge_litert.interpreter"]


def _pool_context():
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return mp.get_context("spawn")


def analyze(path: str | os.PathLike, options: AnalysisOptions = AnalysisOptions(),
            progress: ProgressCallback | None = None) -> SessionResult:
    """Analyse every (or every sampled) frame of `path`. Raises `MediaError` for bad input;
    a partly corrupt video gives a partial result with `warnings`."""
    path = os.fspath(path)
    info = probe(path)
    plan = plan_frames(path, info, options.sample_fps if info.kind == "video" else None)
    n = len(plan.times)
    fps = 1.0 / float(np.median(np.diff(plan.times))) if n > 1 else (info.fps or 30.0)
    max_faces = 1 if options.single_face else max(1, options.max_faces)
    detect_every = max(1, int(round(DETECT_EVERY_S.get(options.quality, 0.2) * fps)))
    workers = max(1, options.workers or os.cpu_count() or 1)
    segments = _segments(n, workers)
    tasks = [
        SegmentTask(path, plan.pts[lo:hi], lo, info.rotation, plan.time_base, plan.start_pts, detect_every,
                    max_faces, MEASURE_EVERY.get(options.quality, 1), info.kind == "video")
        for lo, hi in segments
    ]
    warnings = list(plan.warnings)
    tracker = Tracker()
    done = 0
    decoded = 0
    if progress:
        progress(0.0)
    for result in _run_tasks(tasks, options.quality, workers if n >= MIN_FRAMES_FOR_POOL else 1):
        start = 0
        for index, count in zip(result.indices.tolist(), result.counts.tolist()):
            tracker.update(index, float(plan.times[index]), result.rows[start : start + count])
            start += count
        decoded += result.decoded
        warnings.extend(w for w in result.warnings if w not in warnings)
        done += 1
        if progress:
            progress(done / len(tasks))
    if n and decoded == 0:
        raise MediaError(f"{os.path.basename(path)}: no frame could be decoded")
    tracks = _finish_tracks(tracker, plan, info, options)
    return SessionResult(info, plan.times.astype(np.float64), tracks, dict(CONFIGURATION), warnings)


def _run_tasks(tasks: list[SegmentTask], quality: str, workers: int):
    if workers <= 1 or len(tasks) <= 1:
        analyser = _analyser(quality)
        for task in tasks:
            yield analyser.run(task)
        return
    with _pool_context().Pool(min(workers, len(tasks)), initializer=_worker_init, initargs=(quality,)) as pool:
        yield from pool.imap(_worker_run, [(quality, t) for t in tasks])


def fill_single_gaps(indices: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Insert the mean of both neighbours wherever exactly one frame is missing."""
    gaps = np.flatnonzero(np.diff(indices) == 2)
    if len(gaps) == 0:
        return indices, rows
    mid_rows = (rows[gaps] + rows[gaps + 1]) / 2
    return (np.insert(indices, gaps + 1, indices[gaps] + 1),
            np.insert(rows, gaps + 1, mid_rows, axis=0))


def _finish_tracks(tracker: Tracker, plan: FramePlan, info: MediaInfo, options: AnalysisOptions) -> list[Track]:
    """Metrics and smoothing per track. In a video, a "face" seen in fewer than
    `MIN_TRACK_FRAMES` frames is a detector false positive (a texture that looked like a
    face for an instant), not a person: it is dropped and ids are renumbered in order."""
    tracks = []
    for state in tracker.tracks:
        indices, rows = state.indices.array(), state.rows.array()
        if info.kind == "video" and len(indices) < min(MIN_TRACK_FRAMES, len(plan.times)):
            continue
        if MEASURE_EVERY.get(options.quality, 1) > 1:
            indices, rows = fill_single_gaps(indices, rows)
        metrics = all_metrics(rows)
        if info.kind == "video":
            metrics = smooth_track(indices, plan.times, metrics)
        tracks.append(Track(str(len(tracks)), indices, {name: metrics[name] for name in METRICS}))
    return tracks
