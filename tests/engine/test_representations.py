"""Adding a representation to an entry (POST <representation_self>) and replacing one's
bytes (PUT <representation self>), with the checks a job's input gets."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import encode_multipart

from affectweb.engine import tasks
from affectweb.engine.models import Job, Representation
from tests.engine.conftest import basic, make_account, post_job, stored_files

BOUNDARY = "affectweb-test-boundary"


@pytest.fixture
def job(api, media, redis_db) -> dict:
    return post_job(api, media("single_face.jpg"), "no-op").json()


def put(api, url: str, upload):
    return api.put(url, encode_multipart(BOUNDARY, {"media": upload}),
                   content_type=f"multipart/form-data; boundary={BOUNDARY}")


def fixture_upload(assets_dir, name: str, content_type: str, as_name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(as_name or name, (assets_dir / "fixtures" / name).read_bytes(), content_type)


def test_it_adds_a_representation_with_the_parts_type(api, client, job, assets_dir):
    entry = job["input"]
    video = fixture_upload(assets_dir, "single_face.mp4", "video/x-test-encoding", "same-face.mp4")
    response = api.post(entry["representation_self"], {"media": video})
    assert response.status_code == 201, response.content
    rep = response.json()
    assert response["Location"] == rep["self"]
    assert (rep["content_type"], rep["file_name"]) == ("video/x-test-encoding", "same-face.mp4")
    assert api.get(entry["self"]).json()["representations"][1] == rep
    link = api.get(rep["media"])["Location"]
    assert b"".join(client.get(link).streaming_content) == (assets_dir / "fixtures/single_face.mp4").read_bytes()


def test_a_part_without_a_type_gets_one_from_its_name(api, job, assets_dir):
    video = fixture_upload(assets_dir, "single_face.mp4", "application/octet-stream")
    assert api.post(job["input"]["representation_self"], {"media": video}).json()["content_type"] == "video/mp4"


def test_the_job_still_analyses_the_first_representation(api, job, assets_dir):
    # A video added beside the still image: the analysis must still be of the image.
    api.post(job["input"]["representation_self"], {"media": fixture_upload(assets_dir, "single_face.mp4", "video/mp4")})
    Job.objects.update(name="current-pack")
    tasks.run_job(Job.objects.get().pk)
    done = api.get(job["self"]).json()
    assert done["status"] == "done", done.get("error")
    assert done["result"]["media_seconds"] == 0.0  # the image's, not the 2.4 s video's
    assert {r["file_name"] for r in done["result"]["representations"]} == {
        "single_face.jpg-metrics.json", "single_face.jpg-metrics.csv"}


def test_it_replaces_a_representations_bytes(api, client, job, assets_dir, django_capture_on_commit_callbacks):
    rep = job["input"]["representations"][0]
    old_name = Representation.objects.get(pk=rep["self"].split("/")[-1]).file.name
    old_link = api.get(rep["media"])["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        response = put(api, rep["self"], fixture_upload(assets_dir, "single_face.mp4", "video/mp4", "retake.mp4"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["self"] == rep["self"] and body["media"] == rep["media"]
    assert (body["content_type"], body["file_name"]) == ("video/mp4", "retake.mp4")
    assert not default_storage.exists(old_name)
    assert client.get(old_link).status_code == 404  # the old link named the old file
    fresh = api.get(rep["media"])["Location"]
    assert b"".join(client.get(fresh).streaming_content) == (assets_dir / "fixtures/single_face.mp4").read_bytes()
    entry = api.get(job["input"]["self"]).json()
    assert entry["media_seconds"] == pytest.approx(2.4, abs=0.1)  # the entry's media is now the video
    assert entry["updated"] >= job["input"]["updated"]


@pytest.mark.parametrize("method", ["post", "put"])
def test_it_checks_the_part_as_it_checks_a_jobs_input(api, job, media_root, method):
    target = job["input"]["representation_self"] if method == "post" else job["input"]["representations"][0]["self"]
    before = stored_files(media_root)
    bad = SimpleUploadedFile("notes.mp4", b"shopping list\n" * 100, "video/mp4")
    response = api.post(target, {"media": bad}) if method == "post" else put(api, target, bad)
    assert response.status_code == 400
    assert response.json()["error"].startswith("notes.mp4 is not a video or image we can read")
    empty = SimpleUploadedFile("empty.mp4", b"", "video/mp4")
    response = api.post(target, {"media": empty}) if method == "post" else put(api, target, empty)
    assert response.json()["error"] == "empty.mp4 is empty (0 bytes); upload the complete file."
    assert stored_files(media_root) == before
    assert Representation.objects.count() == 1


@pytest.mark.parametrize("method", ["post", "put"])
def test_it_applies_the_size_and_frame_limits(api, job, assets_dir, settings, method):
    target = job["input"]["representation_self"] if method == "post" else job["input"]["representations"][0]["self"]
    send = (lambda up: api.post(target, {"media": up})) if method == "post" else (lambda up: put(api, target, up))
    settings.MAX_FRAME_PIXELS = 320 * 200
    response = send(fixture_upload(assets_dir, "single_face.mp4", "video/mp4"))
    assert response.status_code == 413 and "640×360" in response.json()["error"]
    settings.MAX_UPLOAD_BYTES = 100 * 1024
    response = send(fixture_upload(assets_dir, "single_face.mp4", "video/mp4"))
    assert response.status_code == 413


def test_it_needs_a_media_part(api, job):
    response = api.post(job["input"]["representation_self"], {"file": SimpleUploadedFile("a.jpg", b"x")})
    assert response.status_code == 400
    assert "media" in response.json()["error"]
    response = api.put(job["input"]["representations"][0]["self"], "media=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_it_refuses_changes_to_a_working_jobs_input(api, job, assets_dir, media_root):
    tasks.claim(Job.objects.get().pk)
    before = stored_files(media_root)
    video = fixture_upload(assets_dir, "single_face.mp4", "video/mp4")
    assert api.post(job["input"]["representation_self"], {"media": video}).status_code == 409
    response = put(api, job["input"]["representations"][0]["self"], fixture_upload(assets_dir, "single_face.mp4", "video/mp4"))
    assert response.status_code == 409 and "analysing" in response.json()["error"]
    assert stored_files(media_root) == before


def test_a_results_representations_are_the_engines(api, job, assets_dir):
    tasks.run_job(Job.objects.get().pk)
    result = api.get(job["self"]).json()["result"]
    response = api.post(result["representation_self"], {"media": fixture_upload(assets_dir, "single_face.jpg", "image/jpeg")})
    assert response.status_code == 409
    assert "requeue" in response.json()["error"]


def test_another_account_cannot_add_or_replace(api, client, job, assets_dir):
    make_account("other@example.com", "pw")
    other = basic("other@example.com", "pw")
    video = fixture_upload(assets_dir, "single_face.jpg", "image/jpeg")
    assert client.post(job["input"]["representation_self"], {"media": video}, HTTP_AUTHORIZATION=other).status_code == 404
    body = encode_multipart(BOUNDARY, {"media": fixture_upload(assets_dir, "single_face.jpg", "image/jpeg")})
    response = client.put(job["input"]["representations"][0]["self"], body,
                          content_type=f"multipart/form-data; boundary={BOUNDARY}", HTTP_AUTHORIZATION=other)
    assert response.status_code == 404
    assert client.post(job["input"]["representation_self"], {"media": video}).status_code == 401
    assert Representation.objects.count() == 1


def test_the_methods_they_allow(api, job):
    assert api.get(job["input"]["representation_self"])["Allow"] == "POST"
    assert api.delete(job["input"]["representations"][0]["self"])["Allow"] == "GET, PUT"
