"""Study-level statistics on the stimulus timeline: plain numpy, no Django.

A participant is one media: its faces' tracks (media seconds, values) are shifted by the
media's offset onto the stimulus timeline (stimulus time = media time + offset) and
resampled on a common grid t_k = k·step. A participant's value at t_k is the mean over
its faces present there; the study's curve is the mean over participants, with a 95 %
t interval on those per-participant values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

DEFAULT_STEP = 0.1  # 10 Hz
MAX_POINTS = 6000  # grid points of one study view: longer stimuli get a coarser step
MAX_GAP = 0.5  # seconds: a face unseen for longer leaves a hole, not an interpolated bridge

# Two-sided 95 % quantiles of Student's t for 1–30 degrees of freedom.
_T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
         2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
         2.052, 2.048, 2.045, 2.042]
_Z975 = 1.959964


def t975(df: np.ndarray) -> np.ndarray:
    """Student's t 0.975 quantile for each df (NaN where df < 1).

    Exact (3 decimals) up to 30; beyond, the Cornish–Fisher expansion, good to 1e-4."""
    df = np.asarray(df, dtype=np.float64)
    out = np.full(df.shape, np.nan)
    small = (df >= 1) & (df <= 30)
    out[small] = np.take(_T975, df[small].astype(int) - 1)
    big = df > 30
    z, d = _Z975, df[big]
    out[big] = (z + (z**3 + z) / (4 * d) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * d**2)
                + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * d**3))
    return out


def grid_step(duration: float, step: float = DEFAULT_STEP) -> float:
    """10 Hz, or coarser so that a long stimulus stays within MAX_POINTS."""
    if duration / step <= MAX_POINTS:
        return step
    return math.ceil(duration / MAX_POINTS * 10) / 10


def grid(duration: float, step: float) -> np.ndarray:
    return np.arange(int(math.floor(duration / step + 1e-9)) + 1) * step


def resample_face(times: np.ndarray, values: np.ndarray, offset: float, step: float, n: int,
                  max_gap: float = MAX_GAP) -> np.ndarray:
    """One face on the grid (NaN where absent): bin means, interpolation for empty bins
    (a face analysed at fewer frames a second than the grid) up to `max_gap` from a sample."""
    out = np.full(n, np.nan, dtype=np.float64)
    times = np.asarray(times, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    keep = ~np.isnan(values)
    times, values = times[keep] + offset, values[keep]
    if not len(times):
        return out
    k = np.rint(times / step).astype(np.int64)
    inside = (k >= 0) & (k < n)
    if inside.any():
        sums = np.bincount(k[inside], weights=values[inside], minlength=n)
        counts = np.bincount(k[inside], minlength=n)
        binned = counts > 0
        out[binned] = sums[binned] / counts[binned]
    lo = max(0, int(math.ceil(times[0] / step - 1e-9)))
    hi = min(n, int(math.floor(times[-1] / step + 1e-9)) + 1)
    if hi > lo:
        t = np.arange(lo, hi) * step
        empty = np.isnan(out[lo:hi])
        if empty.any():
            j = np.searchsorted(times, t[empty])
            before = times[np.clip(j - 1, 0, len(times) - 1)]
            after = times[np.clip(j, 0, len(times) - 1)]
            near = (after - before) <= max_gap
            fill = np.interp(t[empty], times, values)
            idx = np.flatnonzero(empty)[near]
            out[lo + idx] = fill[near]
    return out


def resample_participant(tracks: list[tuple[np.ndarray, np.ndarray]], offset: float, step: float,
                         n: int) -> tuple[np.ndarray, np.ndarray]:
    """A participant's curve (mean over its faces present, NaN where none) and face count."""
    if not tracks:
        return np.full(n, np.nan, dtype=np.float32), np.zeros(n, dtype=np.uint8)
    faces = np.vstack([resample_face(t, v, offset, step, n) for t, v in tracks])
    present = ~np.isnan(faces)
    count = present.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, np.nansum(faces, axis=0) / np.maximum(count, 1), np.nan)
    return mean.astype(np.float32), np.minimum(count, 255).astype(np.uint8)


@dataclass
class Aggregate:
    mean: np.ndarray  # over participants present, NaN where none
    low: np.ndarray  # 95 % band (NaN where fewer than two participants)
    high: np.ndarray
    n: np.ndarray  # participants contributing


def aggregate(matrix: np.ndarray) -> Aggregate:
    """Mean and 95 % t interval across the rows (participants) of a P×T matrix."""
    m = np.asarray(matrix, dtype=np.float64)
    if m.ndim != 2 or m.shape[0] == 0:
        t = m.shape[-1] if m.ndim == 2 else 0
        empty = np.full(t, np.nan)
        return Aggregate(empty, empty.copy(), empty.copy(), np.zeros(t, dtype=np.int64))
    present = ~np.isnan(m)
    n = present.sum(axis=0)
    filled = np.where(present, m, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = filled.sum(axis=0) / n
        dev = np.where(present, m - mean, 0.0)
        sd = np.sqrt((dev**2).sum(axis=0) / (n - 1))
        half = t975(n - 1) * sd / np.sqrt(n)
    mean[n == 0] = np.nan
    half[n < 2] = np.nan
    return Aggregate(mean, mean - half, mean + half, n)


def group_rows(labels: list[str]) -> dict[str, np.ndarray]:
    """Row indexes per label, labels sorted (the empty label, "no value", last)."""
    order = sorted(set(labels), key=lambda s: (s == "", s))
    arr = np.asarray(labels, dtype=object)
    return {label: np.flatnonzero(arr == label) for label in order}


def extremes(times: np.ndarray, values: np.ndarray, count: int = 5, separation: float = 2.0,
             dips: bool = False) -> list[tuple[float, float]]:
    """The `count` highest local maxima (lowest minima with `dips`), at least `separation`
    seconds apart, as (time, value) in time order. Plateaus count once (their first point)."""
    v = np.asarray(values, dtype=np.float64)
    if dips:
        v = -v
    t = np.asarray(times, dtype=np.float64)
    ok = ~np.isnan(v)
    if ok.sum() == 0:
        return []
    w = np.where(ok, v, -np.inf)
    left = np.concatenate([[-np.inf], w[:-1]])
    # Next *different* value on the right, so a plateau's first point is a candidate.
    right = np.concatenate([w[1:], [-np.inf]])
    eq = right == w
    if eq.any():
        nxt = w.copy()
        for i in range(len(w) - 2, -1, -1):  # rare in real data; kept simple
            nxt[i] = nxt[i + 1] if w[i + 1] == w[i] else w[i + 1]
        nxt[-1] = -np.inf
        right = nxt
    cand = np.flatnonzero(ok & (w > left) & (w > right))
    if not len(cand):
        cand = np.array([int(np.nanargmax(np.where(ok, v, np.nan)))])
    cand = cand[np.argsort(-w[cand], kind="stable")]
    chosen: list[int] = []
    for i in cand:
        if all(abs(t[i] - t[j]) >= separation for j in chosen):
            chosen.append(int(i))
            if len(chosen) == count:
                break
    chosen.sort()
    sign = -1.0 if dips else 1.0
    return [(float(t[i]), float(sign * w[i])) for i in chosen]


@dataclass
class RangeSummary:
    mean: float  # mean over participants of each one's mean within the range
    low: float
    high: float
    n: int


def range_summary(matrix: np.ndarray, times: np.ndarray, start: float, end: float) -> RangeSummary:
    """One range of the stimulus: each participant's mean inside [start, end], then their
    mean and 95 % interval. A point marker (start == end) takes the nearest grid point."""
    times = np.asarray(times)
    if end <= start:
        sel = np.array([int(np.argmin(np.abs(times - start)))]) if len(times) else np.array([], int)
    else:
        sel = np.flatnonzero((times >= start - 1e-9) & (times <= end + 1e-9))
    m = np.asarray(matrix, dtype=np.float64)
    if m.ndim != 2 or not len(sel) or not m.shape[0]:
        return RangeSummary(math.nan, math.nan, math.nan, 0)
    part = m[:, sel]
    present = ~np.isnan(part)
    count = present.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        per = np.where(present, part, 0.0).sum(axis=1) / count  # NaN for a participant absent throughout
    agg = aggregate(per[:, None])
    return RangeSummary(float(agg.mean[0]), float(agg.low[0]), float(agg.high[0]), int(agg.n[0]))


MIN_BAND_N = 3  # below this many participants an interval says nothing useful: none is drawn


def honest(a: Aggregate, low: float | None = None, high: float | None = None,
           min_n: int = MIN_BAND_N) -> Aggregate:
    """The aggregate as it may be shown: no interval where fewer than `min_n` participants
    contribute, and intervals clipped to the metric's range (joy cannot go below 0)."""
    few = a.n < min_n
    lo = np.where(few, np.nan, a.low)
    hi = np.where(few, np.nan, a.high)
    lo = np.clip(lo, low if low is not None else -np.inf, high if high is not None else np.inf)
    hi = np.clip(hi, low if low is not None else -np.inf, high if high is not None else np.inf)
    return Aggregate(a.mean, lo, hi, a.n)


def share_above(matrix: np.ndarray, threshold: float) -> np.ndarray:
    """Per column, the percentage of participants present whose value is above `threshold`
    (NaN where nobody is present)."""
    m = np.asarray(matrix, dtype=np.float64)
    if m.ndim != 2 or m.shape[0] == 0:
        return np.full(m.shape[-1] if m.ndim == 2 else 0, np.nan)
    present = ~np.isnan(m)
    n = present.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        above = (np.where(present, m, -np.inf) > threshold).sum(axis=0)
        return np.where(n > 0, 100.0 * above / n, np.nan)


def thin(times: np.ndarray, matrix: np.ndarray, most: int) -> tuple[np.ndarray, np.ndarray]:
    """At most `most` columns: means over consecutive blocks of columns (NaN-aware), each
    block at its first time. For drawing many participants at once, never for statistics."""
    m = np.asarray(matrix, dtype=np.float64)
    columns = m.shape[1] if m.ndim == 2 else 0
    if columns <= most:
        return np.asarray(times), m
    size = math.ceil(columns / most)
    pad = (-columns) % size
    padded = np.pad(m, ((0, 0), (0, pad)), constant_values=np.nan).reshape(m.shape[0], -1, size)
    present = ~np.isnan(padded)
    count = present.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(count > 0, np.where(present, padded, 0.0).sum(axis=2) / count, np.nan)
    return np.asarray(times)[::size], means
