import numpy as np
import pytest

from affectweb.tagging.media import Limits, MediaError, Still, Video, open_media

from .conftest import encode_image, encode_video, orange_disc


@pytest.mark.parametrize("codec", ["png", "mjpeg", "gif"])
def test_it_opens_still_images(codec):
    media = open_media(encode_image(orange_disc(), codec), Limits())
    assert isinstance(media, Still) and media.rgb.shape == (448, 448, 3)


def test_it_treats_an_animated_gif_as_a_video():
    frames = [np.full((64, 64, 3), i * 10, np.uint8) for i in range(25)]
    media = open_media(encode_video(frames, fps=10, fmt="gif"), Limits())
    assert isinstance(media, Video)
    assert [t for t, _ in media.segments()] == [0.0, 1.0, 2.0]


def test_it_samples_the_first_frame_of_each_second(assets_dir):
    media = open_media((assets_dir / "fixtures" / "single_face.mp4").read_bytes(), Limits())
    segments = list(media.segments())
    assert [t for t, _ in segments] == [0.0, 1.0, 2.0]  # 72 frames at 30 fps
    assert segments[0][1].shape == (360, 640, 3)


@pytest.mark.parametrize("data", [b"", b"hello", b"GIF89a" + b"\0" * 20, b"\xff\xd8\xff\xe0" + b"\0" * 50])
def test_it_refuses_what_is_not_media(data):
    with pytest.raises(MediaError):
        open_media(data, Limits())


def test_it_refuses_oversized_undersized_and_long_media(assets_dir):
    jpeg = (assets_dir / "fixtures" / "single_face.jpg").read_bytes()
    with pytest.raises(MediaError, match="more than the limit"):
        open_media(jpeg, Limits(max_pixels=100_000))
    with pytest.raises(MediaError, match="smaller than the minimum"):
        open_media(encode_image(np.zeros((8, 40, 3), np.uint8), "png"), Limits())
    video = (assets_dir / "fixtures" / "single_face.mp4").read_bytes()
    with pytest.raises(MediaError, match="lasts 2 s, more than the limit of 1 s"):
        open_media(video, Limits(max_video_seconds=1))
