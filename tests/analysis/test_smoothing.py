"""Zero-lag temporal smoothing."""

from __future__ import annotations

import numpy as np

from affectweb.analysis.smoothing import runs, smooth_track


def test_it_keeps_a_peak_at_the_same_time():
    times = np.arange(300) / 30.0
    values = np.exp(-0.5 * ((times - 4.0) / 0.15) ** 2).astype(np.float32) * 100
    values += np.random.default_rng(1).normal(0, 3, 300).astype(np.float32)  # flicker
    smoothed = smooth_track(np.arange(300, dtype=np.int32), times, {"joy": values})["joy"]
    assert times[int(np.argmax(smoothed))] == 4.0
    assert np.abs(np.diff(smoothed)).mean() < np.abs(np.diff(values)).mean() / 2


def test_it_does_not_blend_across_a_gap():
    indices = np.array([0, 1, 2, 3, 4, 40, 41, 42, 43, 44], dtype=np.int32)
    values = np.array([0] * 5 + [100] * 5, dtype=np.float32)
    smoothed = smooth_track(indices, np.arange(45) / 30.0, {"smile": values})["smile"]
    assert smoothed.tolist() == values.tolist()
    assert [(r.start, r.stop) for r in runs(indices)] == [(0, 5), (5, 10)]


def test_it_keeps_constant_edges_constant():
    values = np.full(50, 42.0, dtype=np.float32)
    smoothed = smooth_track(np.arange(50, dtype=np.int32), np.arange(50) / 30.0, {"x": values})["x"]
    assert np.allclose(smoothed, 42.0)


def test_it_leaves_coarsely_sampled_tracks_alone():
    values = np.array([0, 100, 0, 100], dtype=np.float32)
    smoothed = smooth_track(np.arange(4, dtype=np.int32), np.arange(4) * 1.0, {"x": values})["x"]
    assert smoothed.tolist() == values.tolist()
