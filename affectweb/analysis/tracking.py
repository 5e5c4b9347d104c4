"""Face tracking: stable string ids ("0", "1", ...) in order of appearance.

Runs in the parent process over all frames in order, so ids do not depend on how the
video was split between workers. Matching is greedy on a score mixing box overlap (IoU)
and centre distance relative to face size: a face moving fast or turning its head still
overlaps or stays close to where it was. A track survives a detection drop-out of up to
`max_gap` seconds. After that it goes dormant; a face reappearing later at a similar
place, size and colour (hue/saturation histogram) takes its id back, so a person who
looks away or leaves the picture briefly keeps one id; a genuinely new face gets a new id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .landmarks import HIST_OFFSET


class _Growable:
    """An append-only float32/int32 array that doubles its capacity: no per-frame objects."""

    def __init__(self, width: int | None, dtype) -> None:
        shape = (64,) if width is None else (64, width)
        self.data = np.empty(shape, dtype=dtype)
        self.n = 0

    def append(self, value) -> None:
        if self.n == len(self.data):
            self.data = np.concatenate([self.data, np.empty_like(self.data)])
        self.data[self.n] = value
        self.n += 1

    def array(self) -> np.ndarray:
        return self.data[: self.n].copy()


@dataclass
class TrackState:
    face_id: str
    box: np.ndarray  # x, y, w, h of the last observation
    last_time: float
    histogram: np.ndarray
    indices: _Growable = field(default_factory=lambda: _Growable(None, np.int32))
    rows: _Growable = field(default_factory=lambda: _Growable(HIST_OFFSET, np.float32))


def box_iou(a, b) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def _closeness(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """(IoU, centre distance / face size, size ratio ≥ 1) of two boxes."""
    size = max(a[2], a[3], b[2], b[3], 1e-6)
    dist = float(np.hypot(a[0] + a[2] / 2 - b[0] - b[2] / 2, a[1] + a[3] / 2 - b[1] - b[3] / 2)) / size
    ratio = max(a[2], b[2]) / max(min(a[2], b[2]), 1e-6)
    return box_iou(a, b), dist, ratio


class Tracker:
    def __init__(self, max_gap: float = 1.0, reid_histogram: float = 0.6) -> None:
        self.max_gap = max_gap
        self.reid_histogram = reid_histogram
        self.tracks: list[TrackState] = []

    def update(self, index: int, time: float, rows: np.ndarray) -> list[str]:
        """Assign ids to the packed observations `rows` of frame `index`; returns them."""
        ids: list[str | None] = [None] * len(rows)
        active = [t for t in self.tracks if time - t.last_time <= self.max_gap]
        dormant = [t for t in self.tracks if time - t.last_time > self.max_gap]
        pairs = []
        for ti, track in enumerate(active):
            for oi, row in enumerate(rows):
                iou, dist, ratio = _closeness(track.box, row[:4])
                if (iou > 0.1 or dist < 0.75) and ratio < 2.0:
                    pairs.append((iou + max(0.0, 1.0 - dist), ti, oi, active))
        for oi, row in enumerate(rows):
            for ti, track in enumerate(dormant):
                iou, dist, ratio = _closeness(track.box, row[:4])
                sim = float(np.minimum(track.histogram, row[HIST_OFFSET:]).sum())  # histogram intersection
                if dist < 1.0 and ratio < 1.6 and sim > self.reid_histogram:
                    pairs.append((sim - 1.0, ti, oi, dormant))  # always ranks below active matches
        used: set[int] = set()
        for _, ti, oi, pool in sorted(pairs, key=lambda p: -p[0]):
            track = pool[ti]
            if ids[oi] is None and id(track) not in used:
                used.add(id(track))
                ids[oi] = track.face_id
                self._extend(track, index, time, rows[oi])
        for oi, row in enumerate(rows):
            if ids[oi] is None:
                track = TrackState(str(len(self.tracks)), row[:4].copy(), time, row[HIST_OFFSET:].copy())
                self.tracks.append(track)
                ids[oi] = track.face_id
                self._extend(track, index, time, row)
        return ids  # type: ignore[return-value]

    @staticmethod
    def _extend(track: TrackState, index: int, time: float, row: np.ndarray) -> None:
        track.box = row[:4].copy()
        track.last_time = time
        # Slowly updated appearance: robust to one odd frame.
        track.histogram = 0.9 * track.histogram + 0.1 * row[HIST_OFFSET:]
        track.indices.append(index)
        track.rows.append(row[:HIST_OFFSET])
