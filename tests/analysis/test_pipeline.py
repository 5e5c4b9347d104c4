"""End-to-end behaviour of analyze(): partial results, progress, formats."""

from __future__ import annotations

import pytest

from affectweb.analysis.pipeline import analyze
from affectweb.analysis.types import AnalysisOptions, MediaError
from affectweb.analysis.vocabulary import METRICS


def test_it_returns_a_partial_result_and_a_warning_for_a_truncated_video(truncated_video):
    result = analyze(truncated_video, AnalysisOptions(workers=1))
    assert 20 <= len(result.times) < 72
    assert result.tracks and result.tracks[0].face_id == "0"
    assert any(w.startswith("decoding stopped at") for w in result.warnings)


@pytest.mark.parametrize("fixture", ["empty_file", "text_named_mp4"])
def test_it_raises_media_error_for_bad_files(request, fixture):
    with pytest.raises(MediaError) as err:
        analyze(request.getfixturevalue(fixture))
    assert err.value.args[0].split()[0].endswith(".mp4")  # names the file for the person


def test_it_reports_progress_up_to_one(fixtures_dir):
    seen: list[float] = []
    analyze(fixtures_dir / "single_face.mp4", AnalysisOptions(workers=1), progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_it_analyses_vp9_webm_and_mkv(webm_video, mkv_video, analysed):
    for path in (webm_video, mkv_video):
        result = analysed(path)
        assert len(result.times) == 24 and [t.face_id for t in result.tracks] == ["0"]


def test_it_samples_and_runs_fast_quality(fixtures_dir):
    result = analyze(fixtures_dir / "single_face.mp4", AnalysisOptions(sample_fps=10, quality="fast"))
    assert len(result.times) == 24 and len(result.tracks) == 1


def test_it_fills_every_metric_for_every_face(fixtures_dir, analysed):
    track = analysed(fixtures_dir / "single_face.mp4").tracks[0]
    assert list(track.metrics) == list(METRICS)
    assert all(len(v) == len(track.frame_indices) for v in track.metrics.values())
    assert set(analysed(fixtures_dir / "single_face.mp4").configuration) == set(METRICS)


def test_it_fills_single_skipped_frames_with_the_neighbours_mean():
    import numpy as np

    from affectweb.analysis.pipeline import fill_single_gaps

    indices, rows = fill_single_gaps(np.array([0, 2, 3, 7], dtype=np.int32),
                                     np.array([[0.0], [2.0], [4.0], [8.0]], dtype=np.float32))
    assert indices.tolist() == [0, 1, 2, 3, 7] and rows[:, 0].tolist() == [0, 1, 2, 4, 8]
