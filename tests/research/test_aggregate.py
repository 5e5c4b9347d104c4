"""The aggregation core on constructed data with known answers."""

import math

import numpy as np
import pytest

from affectweb.research import aggregate as agg


def test_it_knows_students_t():
    assert agg.t975(np.array([1, 9, 30]))[1] == pytest.approx(2.262)
    assert agg.t975(np.array([60.0]))[0] == pytest.approx(2.0003, abs=2e-4)
    assert agg.t975(np.array([1000.0]))[0] == pytest.approx(1.9623, abs=2e-4)
    assert math.isnan(agg.t975(np.array([0.0]))[0])


def test_it_resamples_a_face_onto_the_stimulus_grid_with_its_offset():
    times = np.arange(0, 2, 1 / 30)  # 30 fps, 2 s, in media time
    values = times * 10  # a ramp: value = 10 · media time
    out = agg.resample_face(times, values, offset=1.0, step=0.1, n=41)
    assert np.isnan(out[:9]).all()  # before the media starts on the stimulus
    # stimulus 2.0 s is media 1.0 s: the bin around it averages 10 · (0.967, 1.0, 1.033)
    assert out[20] == pytest.approx(10.0, abs=0.01)
    assert np.isnan(out[31:]).all()


def test_it_interpolates_sparse_samples_but_not_across_long_gaps():
    times = np.array([0.0, 0.4, 0.8, 3.0, 3.4])  # 2.5 fps, then a 2.2 s absence
    values = np.array([0.0, 4.0, 8.0, 30.0, 34.0])
    out = agg.resample_face(times, values, offset=0.0, step=0.1, n=40)
    assert out[2] == pytest.approx(2.0)
    assert np.isnan(out[10:30]).all()
    assert out[32] == pytest.approx(32.0)


def test_it_averages_faces_of_one_participant_and_counts_them():
    t = np.arange(0, 1, 0.1)
    mean, count = agg.resample_participant([(t, np.full(10, 10.0)), (t[5:], np.full(5, 30.0))], 0.0, 0.1, 12)
    assert mean[:5] == pytest.approx([10] * 5)
    assert mean[5:10] == pytest.approx([20] * 5)
    assert list(count) == [1] * 5 + [2] * 5 + [0, 0]
    assert np.isnan(mean[10:]).all()


def test_it_computes_the_mean_and_a_t_band_across_participants():
    m = np.array([[1.0, 2.0, np.nan], [3.0, 4.0, np.nan], [5.0, np.nan, 7.0]])
    a = agg.aggregate(m)
    assert a.mean[:2] == pytest.approx([3.0, 3.0]) and a.mean[2] == 7.0
    assert list(a.n) == [3, 2, 1]
    # column 0: sd 2, n 3 → half-width 4.303 · 2 / √3
    assert a.high[0] - a.mean[0] == pytest.approx(4.303 * 2 / math.sqrt(3))
    assert a.low[1] == pytest.approx(3 - 12.706 * math.sqrt(2) / math.sqrt(2))
    assert np.isnan(a.low[2]) and np.isnan(a.high[2])  # one participant: no band


def test_it_covers_the_true_mean_about_95_percent_of_the_time():
    rng = np.random.default_rng(1)
    m = rng.normal(50, 10, size=(20, 4000))  # 4000 independent columns of 20 participants
    a = agg.aggregate(m)
    covered = ((a.low <= 50) & (a.high >= 50)).mean()
    assert 0.93 < covered < 0.97


def test_it_splits_groups_by_label():
    m = np.array([[10.0, 10.0], [20.0, 20.0], [12.0, 14.0], [0.0, 0.0]])
    rows = agg.group_rows(["young", "old", "young", ""])
    assert list(rows) == ["old", "young", ""]  # sorted, no value last
    groups = {label: agg.aggregate(m[r]) for label, r in rows.items()}
    assert groups["young"].mean == pytest.approx([11.0, 12.0])
    assert list(groups["young"].n) == [2, 2]
    assert groups["old"].mean == pytest.approx([20.0, 20.0])


def test_it_finds_peaks_and_dips_apart_from_each_other():
    t = np.arange(0, 20, 0.1)
    v = np.sin(2 * np.pi * t / 5) * 10  # peaks at 1.25, 6.25 …; dips at 3.75, 8.75 …
    v[112] = 15  # a spike at 11.2 s beats the peak at 11.25 nearby
    peaks = agg.extremes(t, v, count=3)
    assert [p[0] for p in peaks] == pytest.approx([1.25, 6.25, 11.2], abs=0.06)
    assert peaks[2][1] == 15
    dips = agg.extremes(t, v, count=2, dips=True)
    assert all(d[1] == pytest.approx(-10, abs=0.1) for d in dips)
    assert dips[1][0] - dips[0][0] >= 2.0


def test_it_finds_plateau_peaks_and_ignores_missing_values():
    t = np.arange(8) * 1.0
    v = np.array([np.nan, 1, 5, 5, 5, 1, np.nan, np.nan])
    assert agg.extremes(t, v, count=5) == [(2.0, 5.0)]
    assert agg.extremes(t, np.full(8, np.nan)) == []


def test_it_summarises_a_range_per_participant_then_across():
    t = np.arange(0, 10, 1.0)
    m = np.vstack([np.arange(10.0), np.arange(10.0) + 10, np.full(10, np.nan)])
    s = agg.range_summary(m, t, 2, 4)  # participant means 3 and 13; the third is absent
    assert (s.mean, s.n) == (8.0, 2)
    assert s.high - s.mean == pytest.approx(12.706 * math.sqrt(50) / math.sqrt(2))
    point = agg.range_summary(m, t, 5.2, 5.2)
    assert point.mean == 10.0
