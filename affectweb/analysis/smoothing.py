"""Temporal smoothing of a track's metrics.

Zero-phase: a centred Gaussian, so a smile peaking at 3.2 s still peaks at 3.2 s (a
causal filter such as an exponential moving average would delay it). The width is set in
seconds and converted with the track's own frame rate, so 24 and 60 fps videos are smoothed
alike. A track is split at gaps (missing frames) and each run smoothed alone: values are
never blended across a time when the face was not seen. Edges use normalised convolution
(the kernel is renormalised over the samples that exist) instead of zero padding, which
would drag the first and last values towards 0.
"""

from __future__ import annotations

import numpy as np

SIGMA_SECONDS = 0.1


def gaussian_kernel(sigma_frames: float) -> np.ndarray:
    radius = max(1, int(round(3 * sigma_frames)))
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    k = np.exp(-0.5 * (x / sigma_frames) ** 2)
    return k / k.sum()


def smooth_run(values: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Centred, edge-normalised convolution of one contiguous run."""
    if len(values) < 2:
        return values
    # "full" then the centred slice: unlike mode="same", also right for runs shorter
    # than the kernel.
    r, n = len(kernel) // 2, len(values)
    num = np.convolve(values.astype(np.float64), kernel)[r : r + n]
    den = np.convolve(np.ones(n), kernel)[r : r + n]
    return (num / den).astype(values.dtype)


def runs(frame_indices: np.ndarray) -> list[slice]:
    """Slices of consecutive frame indices (a gap starts a new run)."""
    breaks = np.flatnonzero(np.diff(frame_indices) != 1) + 1
    bounds = [0, *breaks.tolist(), len(frame_indices)]
    return [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]


def smooth_track(frame_indices: np.ndarray, times: np.ndarray, metrics: dict[str, np.ndarray],
                 sigma_seconds: float = SIGMA_SECONDS) -> dict[str, np.ndarray]:
    """Smooth every metric array (aligned with `frame_indices`); `times` are the session's
    frame times. Returns new arrays; tracks too short or too coarse are left as they are."""
    if len(frame_indices) < 3:
        return metrics
    dt = float(np.median(np.diff(times[frame_indices])))
    if dt <= 0:
        return metrics
    sigma_frames = sigma_seconds / dt
    if sigma_frames < 0.5:  # sampled coarser than the smoothing window: nothing to do
        return metrics
    kernel = gaussian_kernel(sigma_frames)
    out = {}
    for name, values in metrics.items():
        smoothed = values.copy()
        for run in runs(frame_indices):
            smoothed[run] = smooth_run(values[run], kernel)
        out[name] = smoothed
    return out
