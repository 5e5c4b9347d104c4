"""Chart data: per-face curves of one metric, downsampled for the browser."""

from __future__ import annotations

import numpy as np
from tsdownsample import MinMaxLTTBDownsampler

from affectweb.dashboard.metrics import FACE_BOX
from affectweb.dashboard.models import FaceTrack, face_colour

MAX_POINTS = 2000  # per face and view: plenty for a screen-wide chart
BOX_RATE = 10.0  # face boxes a second for the player's overlay: smooth enough, a few kB a minute


def _round(values: np.ndarray, digits: int) -> list:
    # Rounded floats keep the JSON small; NaN (a frame without this metric) becomes null.
    return [None if v != v else v for v in np.round(values.astype(np.float64), digits).tolist()]


def _break_gaps(times: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Insert a null where the face was away, so the curve does not bridge its absence."""
    if len(times) < 3:
        return times, values
    steps = np.diff(times)
    gaps = np.flatnonzero(steps > max(1.0, 10 * float(np.median(steps)))) + 1
    if not len(gaps):
        return times, values
    middles = (times[gaps - 1] + times[gaps]) / 2
    return np.insert(times, gaps, middles), np.insert(values.astype(np.float32), gaps, np.nan)


def _downsample(times: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(times) <= MAX_POINTS:
        return times, values
    keep = MinMaxLTTBDownsampler().downsample(times, np.nan_to_num(values), n_out=MAX_POINTS)
    return times[keep], values[keep]


def overview(times: np.ndarray, metrics: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every metric's whole-media curve, downsampled once at ingestion."""
    out = {}
    for name, values in metrics.items():
        x, y = _downsample(times, values)
        out[f"{name}.x"], out[f"{name}.y"] = x.astype(np.float32), y
    return out


def face_series(track: FaceTrack, metric: str, start: float | None = None, end: float | None = None) -> dict:
    if start is None and end is None:
        arrays = track.overview_arrays()
        found = f"{metric}.x" in arrays.files
        times, values = (arrays[f"{metric}.x"], arrays[f"{metric}.y"]) if found else (np.empty(0),) * 2
    else:
        arrays = track.arrays()
        times = arrays["times"]
        values = arrays[metric] if metric in arrays.files else np.empty(0, np.float32)
        lo = 0 if start is None else int(np.searchsorted(times, start, "left"))
        hi = len(times) if end is None else int(np.searchsorted(times, end, "right"))
        # One point either side of the window, so the curve reaches the chart's edges.
        lo, hi = max(0, lo - 1), min(len(times), hi + 1)
        times, values = _downsample(times[lo:hi], values[lo:hi])
    if len(values):
        times, values = _break_gaps(times, values)
    else:  # the face never had this metric: no curve
        times = values = np.empty(0)
    return {"face_id": track.face_id, "colour": face_colour(track.position),
            "x": _round(times, 3), "y": _round(values, 2)}


def media_series(media_id: int, metric: str, start: float | None = None, end: float | None = None) -> list[dict]:
    blob = "overview" if start is None and end is None else "data"
    tracks = FaceTrack.objects.filter(media_id=media_id).only("face_id", "position", blob)
    return [face_series(t, metric, start, end) for t in tracks]


def face_boxes(track: FaceTrack) -> dict:
    """Where the face is in the displayed frame (pixels) at most BOX_RATE times a second;
    the overlay draws the latest box not older than a gap (the face was away)."""
    arrays = track.arrays()
    times = arrays["times"]
    if not all(k in arrays.files for k in FACE_BOX) or not len(times):
        keep = np.empty(0, dtype=np.int64)
    else:
        ticks = np.floor(times * BOX_RATE + 1e-6)
        keep = np.flatnonzero(np.concatenate([[True], ticks[1:] != ticks[:-1]]))
    out = {"face_id": track.face_id, "colour": face_colour(track.position), "t": _round(times[keep], 3)}
    for key, name in zip(("x", "y", "w", "h"), FACE_BOX):
        out[key] = _round(arrays[name][keep], 1) if len(keep) else []
    return out


def media_boxes(media_id: int) -> list[dict]:
    return [face_boxes(t) for t in FaceTrack.objects.filter(media_id=media_id).only("face_id", "position", "data")]
