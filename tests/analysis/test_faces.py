"""Face detection counts and track ids on real media."""

from __future__ import annotations

from affectweb.analysis.detector import FaceDetector
from affectweb.analysis.media import iter_frames


def test_it_detects_five_faces_in_the_group_photo(fixtures_dir):
    _, _, rgb = next(iter_frames(fixtures_dir / "multi_face.jpg"))
    assert len(FaceDetector()(rgb)) == 5


def test_it_measures_all_five_faces_of_the_group_photo(fixtures_dir, analysed):
    result = analysed(fixtures_dir / "multi_face.jpg")
    assert [t.face_id for t in result.tracks] == ["0", "1", "2", "3", "4"]
    assert len(result.faces_in_frame(0)) == 5


def test_it_finds_one_face_in_the_portrait(fixtures_dir, analysed):
    result = analysed(fixtures_dir / "single_face.jpg")
    assert len(result.tracks) == 1 and result.times.tolist() == [0.0]
    face = result.faces_in_frame(0)["0"]
    assert 150 < face["face box width"] < 260 and 80 < face["interocular distance"] < 150


def test_it_finds_no_face_in_a_face_free_clip(fixtures_dir, analysed):
    result = analysed(fixtures_dir / "no_face.mp4")
    assert result.tracks == [] and len(result.times) >= 95


def test_it_keeps_one_id_over_the_whole_clip(fixtures_dir, analysed):
    result = analysed(fixtures_dir / "single_face.mp4")
    assert [t.face_id for t in result.tracks] == ["0"]
    assert len(result.tracks[0].frame_indices) == 72


def test_it_keeps_the_id_when_the_person_comes_back(face_gap_face_video, analysed):
    result = analysed(face_gap_face_video, workers=2)  # the process pool and its segment seams
    assert len(result.times) == 72 + 95 + 72 or len(result.times) >= 230
    assert [t.face_id for t in result.tracks] == ["0"]
    seen = result.tracks[0].frame_indices
    assert seen[0] == 0 and seen[-1] == len(result.times) - 1
    assert 130 <= len(seen) <= 150  # both face parts, nothing in the gap


def test_it_keeps_only_the_largest_face_in_single_face_mode(fixtures_dir, analysed):
    result = analysed(fixtures_dir / "multi_face.jpg", single_face=True)
    assert len(result.tracks) == 1


def test_it_finds_the_face_in_a_rotated_phone_video(rotated_video, analysed):
    result = analysed(rotated_video)
    assert (result.info.width, result.info.height) == (640, 360)
    assert [t.face_id for t in result.tracks] == ["0"]
    roll = result.tracks[0].metrics["roll"]
    assert abs(float(roll.mean())) < 30  # upright; unrotated it would read ±90°
