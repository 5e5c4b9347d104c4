"""The Affectiva Media API as its documents describe it, over real HTTP, with a real
RQ worker in another process: what a client written for the old service does."""

from __future__ import annotations

import csv
import io
import json
import time
from urllib.parse import quote, urlsplit

import pytest
import requests

from affectweb.engine import tasks
from tests.engine.conftest import PASSWORD, USERNAME

JOB_NAMES = ["multiface", "sdk-metrics", "no-op", "current-pack"]


@pytest.fixture
def index_url(live_server, transactional_db, account) -> str:
    """The one URL a client is configured with, credentials percent-encoded in it."""
    port = urlsplit(live_server.url).port
    return f"http://{quote(USERNAME, safe='')}:{quote(PASSWORD, safe='')}@127.0.0.1:{port}/engine/affectiva/"


@pytest.fixture
def session(index_url) -> requests.Session:
    session = requests.Session()
    # What the old clients did: take the credentials from the configured URL.
    session.auth = requests.utils.get_auth_from_url(index_url)
    session.headers["Accept"] = "application/json"
    return session


def poll(session: requests.Session, job_url: str, timeout: float = 120) -> tuple[dict, list[int]]:
    """GET the job until it is done or failed; returns it and the progress seen."""
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        response = session.get(job_url)
        assert response.status_code == 200
        job = response.json()
        if job["status"] == "working":
            seen.append(job["progress"])
        if job["status"] in ("done", "error"):
            return job, seen
        assert job["status"] in ("queued", "working")
        assert time.monotonic() < deadline, f"job still {job['status']} after {timeout} s"
        time.sleep(0.2)


def check_representation(session: requests.Session, rep: dict) -> bytes:
    response = session.get(rep["media"], allow_redirects=False)
    assert response.status_code == 302
    # Follow the redirect as a browser would: the signed link needs no credentials.
    download = requests.get(response.headers["Location"])
    assert download.status_code == 200
    assert download.headers["Content-Type"] == rep["content_type"]
    assert download.headers["Content-Disposition"] == f'attachment; filename="{rep["file_name"]}"'
    assert session.get(rep["self"]).json() == rep
    return download.content




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


def test_the_index_needs_no_credentials_but_refuses_wrong_ones(index_url):
    plain = index_url.split("@", 1)[1]  # the URL without the credentials in it
    response = requests.get(f"http://{plain}", headers={"Accept": "application/json"})
    assert response.status_code == 200 and "jobs" in response.json()["v0"]
    head = requests.head(f"http://{plain}", headers={"Accept": "application/json"})
    assert head.status_code == 200 and head.content == b""
    wrong = requests.get(f"http://{plain}", auth=(USERNAME, "wrong"), headers={"Accept": "application/json"})
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"].startswith("Basic ")


def test_the_vendors_extra_operations_and_their_errors_over_http(index_url, session, workers, assets_dir):
    jobs_url = session.get(index_url).json()["v1"]["jobs"]
    with open(assets_dir / "fixtures/single_face.jpg", "rb") as f:
        job = session.post(jobs_url, files={"entry_job[input]": f}, data={"entry_job[name]": "no-op"}).json()
    job_url, entry = job["self"], job["input"]
    assert not job_url.endswith("/")

    # PATCH: a bad name, then a good one, while queued.
    bad = session.patch(job_url, data={"entry_job[name]": "ct-pack-linear"})
    assert bad.status_code == 400 and "multiface" in bad.json()["error"]
    assert session.patch(job_url, json={"entry_job": {"name": "no-op"}}).json()["name"] == "no-op"

    # A job being analysed (claimed as a worker claims it) refuses changes.
    job_id = int(job_url.split("/")[-1])
    token = tasks.claim(job_id)
    assert session.get(job_url).json()["status"] == "working"
    assert session.patch(job_url, data={"entry_job[name]": "multiface"}).status_code == 409
    assert session.post(job_url + "/requeue").status_code == 409
    with open(assets_dir / "fixtures/single_face.mp4", "rb") as f:
        assert session.post(entry["representation_self"], files={"media": f}).status_code == 409
    tasks._finish(job_id, token)  # the run ends; a no-op attaches an empty result

    # Requeue a done job: queued, then done again by a real worker.
    assert session.get(job_url).json()["status"] == "done"
    assert session.post(job_url + "/requeue").json()["status"] == "queued"
    workers.start()
    job, _ = poll(session, job_url)
    assert job["status"] == "done"
    assert session.get(job_url + "/requeue").status_code == 405

    # Annotations: form fields, then DELETE; another account cannot.
    note = session.post(entry["annotations"], data={"annotation[source]": "Acme", "annotation[key]": "age",
                                                   "annotation[value]": "34"})
    assert note.status_code == 201
    assert requests.delete(note.json()["self"]).status_code == 401
    assert session.delete(note.json()["self"]).status_code == 204
    assert session.delete(note.json()["self"]).status_code == 404
    assert session.get(entry["annotations"]).json() == []

    # Representations: refused content, refused on a result, accepted on the input.
    refused = session.post(entry["representation_self"], files={"media": ("notes.mp4", b"not a video", "video/mp4")})
    assert refused.status_code == 400 and "notes.mp4" in refused.json()["error"]
    with open(assets_dir / "fixtures/single_face.jpg", "rb") as f:
        assert session.post(job["result"]["representation_self"], files={"media": f}).status_code == 409
    with open(assets_dir / "fixtures/single_face.mp4", "rb") as f:
        added = session.post(entry["representation_self"], files={"media": ("copy.mp4", f, "video/mp4")})
    assert added.status_code == 201 and added.headers["Location"] == added.json()["self"]
    with open(assets_dir / "fixtures/single_face.jpg", "rb") as f:
        put = session.put(added.json()["self"], files={"media": ("still.jpg", f, "image/jpeg")})
    assert put.status_code == 200 and put.json()["file_name"] == "still.jpg"
    assert check_representation(session, put.json()) == (assets_dir / "fixtures/single_face.jpg").read_bytes()
