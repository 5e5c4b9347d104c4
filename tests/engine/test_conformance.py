"""The Affectiva Media API as its documents describe it, over real HTTP, with a real
RQ worker in another process: what a client written for the old service does."""

from __future__ import annotations

import csv
import io
import json

import pytest
import requests

from tests.engine.conftest import check_representation, poll

JOB_NAMES = ["multiface", "sdk-metrics", "no-op", "current-pack"]


@pytest.mark.parametrize("name", JOB_NAMES)
@pytest.mark.parametrize("media_file", ["single_face.mp4", "single_face.jpg"])
def test_it_runs_every_job_name_end_to_end(index_url, session, workers, assets_dir, name, media_file):
    workers.start()
    # Index: the URL with credentials, plain requests, as the vendor's examples did.
    index = requests.get(index_url, headers={"Accept": "application/json"})
    assert index.status_code == 200
    jobs_url = index.json()["v0"]["jobs"]
    assert jobs_url.startswith("http://127.0.0.1:")

    with open(assets_dir / "fixtures" / media_file, "rb") as f:
        created = session.post(jobs_url, files={"entry_job[input]": f}, data={"entry_job[name]": name})
    assert created.status_code == 201, created.text
    job_url = created.headers["Location"]
    assert created.json()["status"] == "queued"

    job, progress = poll(session, job_url)
    assert job["status"] == "done", job.get("error")
    assert job["progress"] == 100
    assert all(0 <= p <= 99 for p in progress)
    original = (assets_dir / "fixtures" / media_file).read_bytes()
    [input_rep] = job["input"]["representations"]
    assert input_rep["content_type"] == ("video/mp4" if media_file.endswith("mp4") else "image/jpeg")
    assert check_representation(session, input_rep) == original

    result = job["result"]
    content_types = sorted(r["content_type"] for r in result["representations"])
    expected = {
        "multiface": ["application/csv", "application/vnd.affectiva.session.v0+json"],
        "sdk-metrics": ["application/csv", "application/vnd.affectiva.session.v0+json"],
        "current-pack": ["application/csv", "application/vnd.affectiva.metrics.v0+json"],
        "no-op": [],
    }[name]
    assert content_types == expected
    for rep in result["representations"]:
        body = check_representation(session, rep)
        assert rep["file_name"].startswith(f"{media_file}-metrics.")
        if rep["content_type"] == "application/csv":
            rows = list(csv.reader(io.StringIO(body.decode())))
            assert len(rows) >= 2  # a header, then one row per frame
        else:
            document = json.loads(body)
            assert document["content_type"] == rep["content_type"]
            if "session" in rep["content_type"]:
                assert len(document["frames"]) >= 1
                assert any(frame["faces"] for frame in document["frames"])
            else:
                assert "metrics" in document

    # The job is in the account's list, and DELETE removes it.
    assert job_url in [j["self"] for j in session.get(jobs_url).json()]
    assert session.delete(job_url).status_code == 204
    assert session.get(job_url).status_code == 404


def test_it_tells_clients_what_went_wrong_over_http(index_url, session):
    jobs_url = requests.get(index_url, headers={"Accept": "application/json"}).json()["v0"]["jobs"]
    assert requests.get(jobs_url).status_code == 401
    response = session.post(jobs_url, files={"entry_job[input]": ("notes.mp4", b"not a video")})
    assert response.status_code == 400
    assert "notes.mp4" in response.json()["error"]
    assert requests.post(index_url).status_code == 405
