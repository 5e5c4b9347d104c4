import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from affectweb.engine.models import Entry, Job, Representation
from tests.engine.conftest import PASSWORD, USERNAME, basic, make_account, post_job, stored_files

JOBS = "/engine/affectiva/jobs"


@pytest.fixture(autouse=True)
def _redis(redis_db):
    """Creating a job enqueues it on the real Redis of the suite."""


def test_it_creates_a_job(api, media, django_capture_on_commit_callbacks, redis_db):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_job(api, media("single_face.jpg"), "no-op")
    assert response.status_code == 201
    body = response.json()
    job = Job.objects.get()
    assert response["Location"] == body["self"] == f"http://testserver/engine/affectiva/jobs/{job.pk}"
    assert body["name"] == "no-op"
    assert body["status"] == "queued"
    assert body["progress"] == 0
    assert body["author"] == "user@example.com"
    assert body["result"] is None
    assert body["published"].endswith("+00:00")
    entry = body["input"]
    assert entry["source"] == "single_face.jpg"
    assert entry["media_seconds"] == 0.0
    assert entry["annotations"].endswith(f"/entries/{job.entries.get().pk}/annotations")
    [rep] = entry["representations"]
    assert rep["content_type"] == "image/jpeg"
    assert rep["file_name"] == "single_face.jpg"
    assert set(rep) == {"content_type", "file_name", "media", "self"}
    # Enqueued on the engine queue under an id the sweep can find.
    assert redis_db.exists(f"rq:job:{job.rq_id}")


def test_it_defaults_to_multiface(api, media):
    assert post_job(api, media("single_face.mp4")).json()["name"] == "multiface"


def test_it_keeps_the_media_in_storage_not_as_a_local_path(api, media):
    post_job(api, media("single_face.mp4"))
    rep = Representation.objects.get()
    assert not rep.file.name.startswith("/")
    assert default_storage.exists(rep.file.name)
    assert rep.content_type == "video/mp4"
    assert rep.entry.media_seconds == pytest.approx(2.4, abs=0.1)


def test_it_lists_valid_names_for_an_unknown_one(api, media):
    response = post_job(api, media("single_face.jpg"), "ct-pack-linear")
    assert response.status_code == 400
    message = response.json()["error"]
    assert "ct-pack-linear" in message
    for name in ("multiface", "sdk-metrics", "no-op", "current-pack"):
        assert name in message
    assert not Job.objects.exists()


def test_it_needs_a_file(api):
    response = api.post(JOBS, {"entry_job[name]": "no-op"})
    assert response.status_code == 400
    assert "entry_job[input]" in response.json()["error"]


def test_it_rejects_an_empty_file(api):
    response = post_job(api, SimpleUploadedFile("empty.mp4", b""))
    assert response.status_code == 400
    assert response.json()["error"] == "empty.mp4 is empty (0 bytes); upload the complete file."


def test_it_judges_media_by_content_not_name(api, media_root):
    response = post_job(api, SimpleUploadedFile("notes.mp4", b"shopping list\n" * 100))
    assert response.status_code == 400
    assert response.json()["error"].startswith("notes.mp4 is not a video or image we can read")
    assert "/" not in response.json()["error"]  # no server path in it
    assert not Job.objects.exists()
    assert stored_files(media_root) == []  # nothing stored for a rejected upload


def test_it_rejects_an_oversized_upload(api, media, settings):
    settings.MAX_UPLOAD_BYTES = 100 * 1024
    response = post_job(api, media("single_face.mp4"))  # 200 KB
    assert response.status_code == 413
    assert "limit of 0 MB" in response.json()["error"]


def test_it_refuses_an_oversized_body_before_reading_it(api, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    body = b"x" * (2 * 1024 * 1024)
    response = api.post(JOBS, body, content_type="multipart/form-data; boundary=x")
    assert response.status_code == 413


def test_it_rejects_media_that_are_too_long(api, media, settings):
    settings.MAX_MEDIA_SECONDS = 1
    response = post_job(api, media("single_face.mp4"))
    assert response.status_code == 413
    assert "longer than the limit of 1 s" in response.json()["error"]


def test_it_rejects_frames_that_are_too_large(api, media, settings):
    settings.MAX_FRAME_PIXELS = 320 * 200
    response = post_job(api, media("single_face.mp4"))
    assert response.status_code == 413
    assert "640×360" in response.json()["error"]


def test_it_lists_the_accounts_jobs_newest_first_with_pages(api, account, media, monkeypatch):
    monkeypatch.setattr("affectweb.engine.views.PAGE_SIZE", 2)
    for _ in range(3):
        post_job(api, media("single_face.jpg"), "no-op")
    other = make_account("other@example.com", "pw")
    Job.objects.create(account=other, name="no-op")
    ids = list(Job.objects.filter(account=account).order_by("-pk").values_list("pk", flat=True))

    first = api.get(JOBS)
    assert [j["self"].split("/")[-1] for j in first.json()] == [str(i) for i in ids[:2]]
    assert first["Link"] == '<http://testserver/engine/affectiva/jobs?page=2>; rel="next"'
    second = api.get(JOBS, {"page": 2})
    assert len(second.json()) == 1
    assert second["Link"] == '<http://testserver/engine/affectiva/jobs?page=1>; rel="prev"'
    assert api.get(JOBS, {"page": 3}).status_code == 404
    assert api.get(JOBS, {"page": "x"}).status_code == 400


def test_it_shows_a_job(api, media):
    url = post_job(api, media("single_face.jpg"), "no-op")["Location"]
    response = api.get(url)
    assert response.status_code == 200
    assert response.json()["self"] == url


def test_it_hides_other_accounts_jobs(api, client, media):
    url = post_job(api, media("single_face.jpg"), "no-op")["Location"]
    make_account("other@example.com", "pw")
    other = basic("other@example.com", "pw")
    assert client.get(url, HTTP_AUTHORIZATION=other).status_code == 404
    assert client.delete(url, HTTP_AUTHORIZATION=other).status_code == 404
    entry = api.get(url).json()["input"]
    for target in (entry["self"], entry["annotations"], entry["representations"][0]["media"],
                   entry["representations"][0]["self"]):
        assert client.get(target, HTTP_AUTHORIZATION=other).status_code == 404, target
    assert client.get(JOBS, HTTP_AUTHORIZATION=other).json() == []


def test_it_deletes_a_job_with_its_files(api, media, django_capture_on_commit_callbacks):
    url = post_job(api, media("single_face.mp4"))["Location"]
    job = Job.objects.get()
    # A finished job: its result entry has files of its own.
    result = Entry.objects.create(account=job.account, job=job, role=Entry.Role.RESULT)
    stored = default_storage.save("engine/test/result.csv", SimpleUploadedFile("r.csv", b"a,b\n"))
    Representation.objects.create(entry=result, content_type="application/csv", file_name="r.csv", file=stored)
    names = list(Representation.objects.values_list("file", flat=True))
    assert all(default_storage.exists(n) for n in names)

    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(url).status_code == 204
    assert not Job.objects.exists() and not Entry.objects.exists() and not Representation.objects.exists()
    assert not any(default_storage.exists(n) for n in names)
    assert api.get(url).status_code == 404


def test_it_allows_only_get_and_post_on_jobs(api):
    response = api.put(JOBS)
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"


def test_it_needs_no_csrf_token(account, media):
    strict = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=basic(USERNAME, PASSWORD))
    assert post_job(strict, media("single_face.jpg"), "no-op").status_code == 201


def test_it_shortens_very_long_file_names(api, media):
    long_name = "x" * 300 + ".jpg"
    body = post_job(api, media("single_face.jpg", as_name=long_name), "no-op").json()
    [rep] = body["input"]["representations"]
    assert rep["file_name"] == "x" * 196 + ".jpg"
    assert rep["content_type"] == "image/jpeg"
