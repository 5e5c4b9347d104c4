"""PATCH of a job's name and POST <job URL>/requeue, through the Django client; runs in
this process (tests/engine/test_conformance.py has them over HTTP with a real worker)."""

import json

import django_rq
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import encode_multipart

from affectweb.engine import tasks
from affectweb.engine.models import Entry, Job, Representation
from affectweb.protocols.affectiva import CSV
from tests.engine.conftest import basic, make_account, post_job


@pytest.fixture
def job(api, media, redis_db) -> dict:
    return post_job(api, media("single_face.jpg"), "no-op").json()


def done_with_a_csv(job: dict) -> Representation:
    """Run the no-op job, then give its result a stored CSV, as an analysis would."""
    job_id = int(job["self"].split("/")[-1])
    tasks.run_job(job_id)
    result = Entry.objects.get(job_id=job_id, role=Entry.Role.RESULT)
    stored = default_storage.save("engine/test/old.csv", SimpleUploadedFile("old.csv", b"a,b\n1,2\n"))
    return Representation.objects.create(entry=result, content_type=CSV, file_name="old.csv", file=stored)


def requeue(api, job: dict, **extra):
    return api.post(job["self"] + "/requeue", **extra)


# PATCH

def test_it_renames_a_queued_job_from_form_fields(api, job):
    response = api.patch(job["self"], "entry_job%5Bname%5D=current-pack",
                         content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert response.json()["name"] == "current-pack"
    assert response.json()["status"] == "queued"
    assert Job.objects.get().name == "current-pack"  # what the run will do


def test_it_renames_from_a_multipart_form(api, job):
    body = encode_multipart("BoUnDaRy", {"entry_job[name]": "sdk-metrics"})
    response = api.patch(job["self"], body, content_type="multipart/form-data; boundary=BoUnDaRy")
    assert response.status_code == 200 and response.json()["name"] == "sdk-metrics"


@pytest.mark.parametrize("body", [{"entry_job": {"name": "multiface"}}, {"entry_job[name]": "multiface"}])
def test_it_renames_from_json(api, job, body):
    response = api.patch(job["self"], json.dumps(body), content_type="application/json")
    assert response.status_code == 200 and response.json()["name"] == "multiface"


@pytest.mark.parametrize("body, content_type, message", [
    ("entry_job%5Bname%5D=ct-pack-hybrid", "application/x-www-form-urlencoded", "Unknown job name 'ct-pack-hybrid'"),
    ("", "application/x-www-form-urlencoded", "entry_job name is required."),
    ('{"entry_job": {}}', "application/json", 'Send {"entry_job": {"name": ...}}.'),
    ("{nope", "application/json", "The body is not valid JSON."),
    ('{"entry_job": {"name": 7}}', "application/json", "Unknown job name '7'"),
])
def test_it_refuses_a_bad_name(api, job, body, content_type, message):
    response = api.patch(job["self"], body, content_type=content_type)
    assert response.status_code == 400
    assert response.json()["error"].startswith(message)
    assert Job.objects.get().name == "no-op"


def test_it_lists_the_valid_names_for_an_unknown_one(api, job):
    error = api.patch(job["self"], '{"entry_job": {"name": "x"}}', content_type="application/json").json()["error"]
    assert all(name in error for name in ("multiface", "sdk-metrics", "no-op", "current-pack"))


def test_it_does_not_rename_a_working_job(api, job):
    tasks.claim(Job.objects.get().pk)
    response = api.patch(job["self"], '{"entry_job": {"name": "multiface"}}', content_type="application/json")
    assert response.status_code == 409
    assert "being analysed" in response.json()["error"]
    assert Job.objects.get().name == "no-op"


def test_renaming_a_done_job_keeps_its_result_until_requeued(api, job):
    tasks.run_job(Job.objects.get().pk)
    before = api.get(job["self"]).json()
    response = api.patch(job["self"], '{"entry_job": {"name": "current-pack"}}', content_type="application/json")
    after = response.json()
    assert (after["name"], after["status"]) == ("current-pack", "done")
    assert after["result"] == before["result"]
    assert after["result"]["source"] == "affectweb engine (no-op)"  # says which analysis made it


def test_it_hides_other_accounts_jobs_from_patch_and_requeue(api, client, job):
    make_account("other@example.com", "pw")
    other = basic("other@example.com", "pw")
    body = '{"entry_job": {"name": "multiface"}}'
    assert client.patch(job["self"], body, content_type="application/json", HTTP_AUTHORIZATION=other).status_code == 404
    assert client.post(job["self"] + "/requeue", HTTP_AUTHORIZATION=other).status_code == 404
    assert client.patch(job["self"], body, content_type="application/json").status_code == 401
    assert Job.objects.get().name == "no-op"


# requeue

def test_it_requeues_a_done_job_keeping_the_old_result_readable(api, client, job, redis_db,
                                                                  django_capture_on_commit_callbacks):
    old = done_with_a_csv(job)
    Job.objects.update(attempts=3)
    redis_db.flushall()
    with django_capture_on_commit_callbacks(execute=True):
        response = requeue(api, job)
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["progress"]) == ("queued", 0)
    job_row = Job.objects.get()
    assert job_row.attempts == 0 and job_row.claim is None
    assert django_rq.get_queue("engine").fetch_job(job_row.rq_id) is not None  # enqueued

    # Until the new run attaches its result, the old one is there, downloads and all.
    [rep] = body["result"]["representations"]
    assert rep["file_name"] == "old.csv"
    tasks.claim(job_row.pk)
    assert api.get(job["self"]).json()["result"] == body["result"]
    link = api.get(rep["media"])["Location"]
    assert b"".join(client.get(link).streaming_content) == b"a,b\n1,2\n"
    assert default_storage.exists(old.file.name)


def test_the_new_result_replaces_the_old_in_the_same_entry(api, job, django_capture_on_commit_callbacks):
    old = done_with_a_csv(job)
    result = api.get(job["self"]).json()["result"]
    note = api.post(result["annotations"], {"annotation[key]": "checked", "annotation[value]": "yes"}).json()
    requeue(api, job)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.run_job(Job.objects.get().pk)
    done = api.get(job["self"]).json()
    assert done["status"] == "done"
    assert done["result"]["self"] == result["self"]  # the same entry, its annotations kept
    assert api.get(result["annotations"]).json() == [note]
    assert done["result"]["representations"] == []  # a no-op run makes none: the old CSV is gone
    assert not default_storage.exists(old.file.name)
    assert Entry.objects.filter(role=Entry.Role.RESULT).count() == 1


def test_a_failed_attach_leaves_the_old_result_whole(api, job, monkeypatch, tmp_path):
    old = done_with_a_csv(job)
    requeue(api, job)
    job_id = Job.objects.get().pk
    token = tasks.claim(job_id)
    output = tmp_path / "new.csv"
    output.write_text("c\n3\n")

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Representation.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        tasks._finish(job_id, token, outputs=(None, [(CSV, "new.csv", output)]))
    [rep] = api.get(job["self"]).json()["result"]["representations"]
    assert rep["file_name"] == "old.csv" and default_storage.exists(old.file.name)
    assert Representation.objects.filter(entry__role=Entry.Role.RESULT).count() == 1


def test_a_failed_rerun_keeps_the_previous_result(api, job):
    done_with_a_csv(job)
    requeue(api, job)
    job_id = Job.objects.get().pk
    tasks._finish(job_id, tasks.claim(job_id), error="The analysis failed unexpectedly (OSError).")
    body = api.get(job["self"]).json()
    assert body["status"] == "error" and body["error"].startswith("The analysis failed")
    assert body["result"]["representations"][0]["file_name"] == "old.csv"
    assert requeue(api, job).json()["status"] == "queued"  # and it can be run again
    assert "error" not in api.get(job["self"]).json()


def test_it_answers_409_for_a_working_job(api, job):
    tasks.claim(Job.objects.get().pk)
    response = requeue(api, job)
    assert response.status_code == 409
    assert "being analysed" in response.json()["error"]
    assert Job.objects.get().status == "working"


def test_a_queued_job_stays_queued(api, job, redis_db):
    redis_db.flushall()
    response = requeue(api, job)
    assert response.status_code == 200 and response.json()["status"] == "queued"
    assert not redis_db.keys("rq:job:*")  # nothing enqueued twice (the sweep re-enqueues lost ones)


@pytest.mark.parametrize("suffix", ["/requeue/", "//requeue"])
def test_it_accepts_the_join_onto_an_old_job_url(api, job, suffix):
    tasks.run_job(Job.objects.get().pk)
    response = api.post(job["self"] + suffix)  # a job URL stored with its slash, joined naively
    assert response.status_code == 200 and response.json()["status"] == "queued"


def test_requeue_is_post_only(api, job):
    response = api.get(job["self"] + "/requeue")
    assert response.status_code == 405 and response["Allow"] == "POST"
