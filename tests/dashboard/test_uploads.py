import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from affectweb.dashboard.models import Media
from tests.factories import ProviderFactory


@pytest.fixture
def provider(db):
    return ProviderFactory()


def _upload(path, name=None):
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def test_it_accepts_good_media_and_explains_bad_files_in_the_same_request(
        alice, study, provider, assets_dir, django_capture_on_commit_callbacks):
    fake = SimpleUploadedFile("notes.mp4", b"just some text, not a video\n" * 10)
    with django_capture_on_commit_callbacks() as callbacks:
        response = alice.post(f"/studies/{study.pk}/upload",
                              {"files": [_upload(assets_dir / "fixtures/single_face.mp4"), fake]},
                              HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    good, bad = response.json()["results"]
    assert good["ok"] and good["status"] == "queued" and good["name"] == "single_face.mp4"
    assert not bad["ok"] and bad["name"] == "notes.mp4"
    # In plain words: no server path, no error number.
    assert bad["error"].startswith("notes.mp4 is not a video or image we can read")
    assert "/" not in bad["error"] and "errno" not in bad["error"].lower(), bad["error"]
    media = Media.objects.get()
    assert (media.kind, media.provider, media.study) == ("video", provider, study)
    assert media.duration > 0 and media.width > 0
    assert len(callbacks) == 1  # analysis queued for the good file only, after commit
    stored = Path(media.file.path)
    assert not list(stored.parent.glob("notes*"))  # nothing of the rejected file stays


def test_it_accepts_images(alice, study, provider, assets_dir):
    response = alice.post(f"/studies/{study.pk}/upload", {"files": [_upload(assets_dir / "fixtures/multi_face.jpg")]},
                          HTTP_ACCEPT="application/json")
    assert response.json()["results"][0]["ok"]
    assert Media.objects.get().kind == "image"


def test_it_reports_errors_as_messages_without_javascript(alice, study, provider):
    response = alice.post(f"/studies/{study.pk}/upload", {"files": [SimpleUploadedFile("a.mp4", b"nope")]},
                          follow=True)
    assert "a.mp4:" in response.content.decode()
    assert not Media.objects.exists()


def test_it_enforces_the_size_limit(alice, study, provider, assets_dir, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    response = alice.post(f"/studies/{study.pk}/upload", {"files": [_upload(assets_dir / "fixtures/single_face.jpg")]},
                          HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "larger than the limit" in response.json()["results"][0]["error"]


def test_it_enforces_the_duration_limit(alice, study, provider, assets_dir, settings):
    settings.MAX_MEDIA_SECONDS = 0.5
    response = alice.post(f"/studies/{study.pk}/upload", {"files": [_upload(assets_dir / "fixtures/single_face.mp4")]},
                          HTTP_ACCEPT="application/json")
    assert "the limit is" in response.json()["results"][0]["error"]


def test_it_marks_media_as_error_without_a_provider(alice, study, assets_dir):
    alice.post(f"/studies/{study.pk}/upload", {"files": [_upload(assets_dir / "fixtures/single_face.jpg")]})
    media = Media.objects.get()
    assert media.status == "error" and "provider" in media.error


def test_it_serves_byte_ranges_for_seeking(alice, analysed):
    whole = b"".join(alice.get(f"/media/{analysed.pk}/file").streaming_content)
    assert len(whole) == 1000
    response = alice.get(f"/media/{analysed.pk}/file", HTTP_RANGE="bytes=100-199")
    assert response.status_code == 206
    assert response["Content-Range"] == "bytes 100-199/1000"
    assert response["Accept-Ranges"] == "bytes"
    assert b"".join(response.streaming_content) == whole[100:200]
    tail = alice.get(f"/media/{analysed.pk}/file", HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == whole[-10:]
    open_ended = alice.get(f"/media/{analysed.pk}/file", HTTP_RANGE="bytes=990-")
    assert open_ended["Content-Range"] == "bytes 990-999/1000"
    assert alice.get(f"/media/{analysed.pk}/file", HTTP_RANGE="bytes=5000-").status_code == 416


def test_it_imports_media_from_the_command_line(user, provider, assets_dir, tmp_path):
    bad = tmp_path / "broken.mp4"
    bad.write_text("not a video")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 of 2"):
        call_command("import_media", str(assets_dir / "fixtures/single_face.jpg"), str(bad),
                     "--user", "alice", "--study", "Field trial", stdout=out)
    media = Media.objects.get()
    assert media.study.name == "Field trial" and media.study.owner == user
    good_line, bad_line = out.getvalue().splitlines()
    assert good_line.startswith(f"{media.pk}\tqueued\t")
    assert bad_line.startswith("-\terror\t") and "broken.mp4" in bad_line


def test_it_refuses_an_unknown_user(db, assets_dir):
    with pytest.raises(CommandError, match="No user"):
        call_command("import_media", str(assets_dir / "fixtures/single_face.jpg"), "--user", "nobody")
