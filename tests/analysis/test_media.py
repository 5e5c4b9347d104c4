"""Probing and decoding real and derived media with PyAV."""

from __future__ import annotations

import struct

import cv2
import numpy as np
import pytest

from affectweb.analysis.media import iter_frames, probe, select_times
from affectweb.analysis.types import MediaError


def test_it_probes_a_video(fixtures_dir):
    info = probe(fixtures_dir / "single_face.mp4")
    assert (info.kind, info.codec, info.width, info.height) == ("video", "h264", 640, 360)
    assert info.frame_count == 72 and info.fps == pytest.approx(30.0)
    assert info.duration == pytest.approx(2.4, abs=0.05)


@pytest.mark.parametrize("name", ["single_face.jpg", "multi_face.jpg"])
def test_it_probes_a_still_image_as_image(fixtures_dir, name):
    info = probe(fixtures_dir / name)
    assert info.kind == "image" and info.duration == 0.0 and info.frame_count == 1


def test_it_rejects_an_empty_file(empty_file):
    with pytest.raises(MediaError, match="empty"):
        probe(empty_file)


def test_it_rejects_a_text_file_named_mp4(text_named_mp4):
    with pytest.raises(MediaError, match="not a video or image"):
        probe(text_named_mp4)


def test_a_text_file_named_jpg_is_refused_in_plain_words(tmp_path):
    # FFmpeg opens it as an image and fails on the first picture; its reason comes through
    # without the error number or the function that said it.
    path = tmp_path / "notes.jpg"
    path.write_bytes(b"shopping list\n" * 50)
    with pytest.raises(MediaError) as err:
        probe(path)
    assert str(err.value) == "notes.jpg: the first picture cannot be decoded (invalid data found when processing input)"


def test_it_rejects_a_missing_file(tmp_path):
    with pytest.raises(MediaError, match="cannot read"):
        probe(tmp_path / "nothing.mp4")


def test_it_honours_the_display_matrix_of_a_phone_video(rotated_video):
    info = probe(rotated_video)
    assert info.rotation == 90
    assert (info.width, info.height) == (640, 360)  # as displayed, not as stored (360×640)
    _, _, rgb = next(iter_frames(rotated_video))
    assert rgb.shape == (360, 640, 3)


def test_it_reads_vp9_webm_and_mkv(webm_video, mkv_video):
    assert probe(webm_video).codec == "vp9"
    assert probe(mkv_video).container.startswith("matroska")
    assert sum(1 for _ in iter_frames(webm_video)) == 24


def test_it_streams_frames_with_presentation_times(fixtures_dir):
    frames = list((i, t) for i, t, _ in iter_frames(fixtures_dir / "single_face.mp4"))
    assert [i for i, _ in frames] == list(range(72))
    assert frames[1][1] == pytest.approx(1 / 30) and frames[-1][1] == pytest.approx(71 / 30)


def test_it_numbers_a_slice_like_the_whole_file(fixtures_dir):
    part = [(i, round(t, 4)) for i, t, _ in iter_frames(fixtures_dir / "single_face.mp4", start=1.0, end=1.5)]
    assert part[0] == (30, 1.0) and part[-1][0] == 44


def test_it_samples_frames_at_a_lower_rate(fixtures_dir):
    times = [t for _, t, _ in iter_frames(fixtures_dir / "single_face.mp4", sample_fps=5)]
    assert len(times) == 12 and times[1] == pytest.approx(0.2)


def test_it_selects_the_first_frame_of_each_tick():
    import numpy as np

    assert select_times(np.arange(10) / 10, 2).tolist() == [0, 5]


def test_it_recognises_still_images_by_content_not_name(still_images, fixtures_dir, tmp_path):
    for codec, path in still_images.items():
        info = probe(path)
        assert (info.kind, info.codec, info.width) == ("image", codec, 572), path.name
    jpeg_named_mp4 = tmp_path / "holiday.mp4"
    jpeg_named_mp4.write_bytes((fixtures_dir / "single_face.jpg").read_bytes())
    assert probe(jpeg_named_mp4).kind == "image"


def with_exif_orientation(jpeg: bytes, orientation: int) -> bytes:
    """The JPEG with an EXIF APP1 segment holding only the Orientation tag (0x0112)."""
    ifd = struct.pack("<H", 1) + struct.pack("<HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack("<I", 0)
    tiff = b"II*\x00" + struct.pack("<I", 8) + ifd
    app1 = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[2:]


def test_it_honours_the_exif_orientation_of_a_phone_photo(fixtures_dir, tmp_path):
    upright = cv2.imread(str(fixtures_dir / "single_face.jpg"))
    # Stored turned a quarter to the left, as a phone held sideways writes it; EXIF 6
    # says "turn 90° clockwise to display".
    stored = cv2.rotate(upright, cv2.ROTATE_90_COUNTERCLOCKWISE)
    ok, jpeg = cv2.imencode(".jpg", stored)
    photo = tmp_path / "phone.jpg"
    photo.write_bytes(with_exif_orientation(jpeg.tobytes(), 6))
    info = probe(photo)
    assert (info.kind, info.rotation) == ("image", 90)
    assert (info.width, info.height) == (upright.shape[1], upright.shape[0])
    _, _, rgb = next(iter_frames(photo))
    assert rgb.shape == upright.shape
    # Upright, not upside down: close to the original pixels (only JPEG noise apart).
    difference = np.abs(rgb[..., ::-1].astype(int) - upright.astype(int)).mean()
    assert difference < 8, difference
