"""The engine's URLs end without a slash, as the vendor's did; the slash form still works."""

import pytest

from tests.engine.conftest import post_job


@pytest.fixture
def job(api, media, redis_db):
    return post_job(api, media("single_face.jpg"), "no-op").json()


def json_urls(job: dict) -> list[str]:
    """Every URL of the job's JSON that answers JSON itself."""
    entry = job["input"]
    return [job["self"], entry["self"], entry["annotations"], entry["representations"][0]["self"]]


def test_it_gives_urls_without_a_trailing_slash(api, job):
    for url in [*json_urls(job), job["input"]["representations"][0]["media"]]:
        assert not url.endswith("/"), url
    jobs = api.get("/engine/affectiva/", HTTP_ACCEPT="application/json").json()["v0"]["jobs"]
    assert jobs == "http://testserver/engine/affectiva/jobs"


def test_the_last_segment_of_a_job_url_is_its_id(api, job):
    # What the vendor's client did: job_id = job_url.split('/')[-1]
    job_id = job["self"].split("/")[-1]
    assert job_id.isdigit()
    assert job_id in {j["self"].split("/")[-1] for j in api.get("/engine/affectiva/jobs").json()}


def test_it_still_answers_the_old_urls_with_a_slash(api, job):
    annotation = api.post(job["input"]["annotations"] + "/", {"annotation[key]": "k", "annotation[value]": "v"})
    assert annotation.status_code == 201
    for url in [*json_urls(job), annotation.json()["self"], "http://testserver/engine/affectiva/jobs"]:
        old = api.get(url + "/")
        assert old.status_code == 200, url
        assert old.json() == api.get(url).json()  # answered with the canonical URLs
    assert api.get(job["input"]["representations"][0]["media"] + "/").status_code == 302
    assert api.post("/engine/affectiva/jobs/", {"entry_job[name]": "no-op"}).status_code == 400  # reached the view


def test_a_job_can_be_deleted_by_its_old_url(api, job):
    assert api.delete(job["self"] + "/").status_code == 204
    assert api.get(job["self"]).status_code == 404
