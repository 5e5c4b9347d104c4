"""A video the browser cannot play (HEVC) gets an H.264 copy made by the worker's job."""

from fractions import Fraction
from pathlib import Path

import av
import pytest
from django.core.files.storage import default_storage

from affectweb.dashboard.models import Media
from affectweb.dashboard.playable import proxy
from tests.dashboard.helpers import upload


def hevc_copy(source: Path, dest: Path, seconds: float = 2.0) -> Path:
    """A real HEVC file, as phones record them, made from a fixture (with its sound, if any)."""
    with av.open(str(source)) as src, av.open(str(dest), "w", format="mp4") as out:
        stream = out.add_stream("libx265", rate=30, options={"preset": "ultrafast", "x265-params": "log-level=none"})
        video = src.streams.video[0]
        stream.width, stream.height, stream.pix_fmt = video.width // 2 * 2, video.height // 2 * 2, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 30)
        for i, frame in enumerate(src.decode(video)):
            if frame.time > seconds:
                break
            frame = frame.reformat(width=stream.width, height=stream.height, format="yuv420p")
            frame.pts, frame.time_base = i, Fraction(1, 30)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return dest


@pytest.fixture
def hevc(assets_dir, tmp_path) -> Path:
    return hevc_copy(assets_dir / "fixtures/single_face.mp4", tmp_path / "phone.mp4")


def test_it_marks_an_hevc_upload_for_a_playable_copy_and_makes_it(alice, study, hevc, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():  # the queue is not needed: the job runs here
        result = upload(alice, study, hevc)
    media = Media.objects.get(pk=result["id"])
    assert media.codec == "hevc" and media.proxy_status == Media.Proxy.QUEUED

    proxy(media.pk)
    media.refresh_from_db()
    assert media.proxy_status == Media.Proxy.DONE and media.proxy.name.startswith("playable/")
    with default_storage.open(media.proxy.name) as fh, av.open(fh) as copy:
        stream = copy.streams.video[0]
        assert stream.codec_context.name == "h264"
        frames = sum(1 for _ in copy.decode(stream))
    assert 55 <= frames <= 62  # two seconds at 30 fps, none dropped

    page = alice.get(f"/media/{media.pk}/")
    assert b"converted copy" in page.content and f"/media/{media.pk}/playable".encode() in page.content
    served = alice.get(f"/media/{media.pk}/playable")
    assert served.status_code == 200 and served["Content-Type"] == "video/mp4"


def test_an_h264_upload_needs_no_copy(alice, study, assets_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        result = upload(alice, study, assets_dir / "fixtures/single_face.mp4")
    media = Media.objects.get(pk=result["id"])
    assert media.codec == "h264" and media.proxy_status == Media.Proxy.NONE
    assert b"converted copy" not in alice.get(f"/media/{media.pk}/").content


def test_a_copy_that_cannot_be_made_says_so(alice, study, hevc, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        media = Media.objects.get(pk=upload(alice, study, hevc)["id"])
    with media.file.open("wb") as fh:  # the original was damaged since
        fh.write(b"not a video any more")
    proxy(media.pk)
    media.refresh_from_db()
    assert media.proxy_status == Media.Proxy.ERROR and not media.proxy
    assert b"cannot play" in alice.get(f"/media/{media.pk}/").content
