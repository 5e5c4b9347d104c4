"""Chart data: per-face curves of one metric, downsampled for the browser."""

from __future__ import annotations

import numpy as np
from tsdownsample import MinMaxLTTBDownsampler

from affectweb.dashboard.models import FaceTrack, face_colour

MAX_POINTS = 2000  # per face and view: plenty for a screen-wide chart


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


def face_series(
    track: FaceTrack, metric: str, start: float | None = None, end: float | None = None,
    max_points: int = MAX_POINTS,
) -> dict:
    arrays = track.arrays()
    times = arrays["times"]
    values = arrays[metric] if metric in arrays.files else np.empty(0, np.float32)
    if len(values):
        lo = 0 if start is None else int(np.searchsorted(times, start, "left"))
        hi = len(times) if end is None else int(np.searchsorted(times, end, "right"))
        # One point either side of the window, so the curve reaches the chart's edges.
        lo, hi = max(0, lo - 1), min(len(times), hi + 1)
        times, values = times[lo:hi], values[lo:hi]
        if len(times) > max_points:
            keep = MinMaxLTTBDownsampler().downsample(times, np.nan_to_num(values), n_out=max_points)
            times, values = times[keep], values[keep]
        times, values = _break_gaps(times, values)
    return {"face_id": track.face_id, "colour": face_colour(track.position),
            "x": _round(times, 3), "y": _round(values, 2)}


def media_series(media_id: int, metric: str, start: float | None = None, end: float | None = None) -> list[dict]:
    tracks = FaceTrack.objects.filter(media_id=media_id).only("face_id", "position", "data")
    return [face_series(t, metric, start, end) for t in tracks]
