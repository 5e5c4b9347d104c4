"""The operations the vendor's own client library used beyond the seeds
(protocols.md §1: the open index, slash-less URLs, PATCH, requeue, annotation DELETE,
representation POST/PUT), over real HTTP against the live engine, each with its errors.

Written from the client's side: every URL comes from an answer, except the two a
client makes itself: `<job URL>/requeue`, joined as the vendor's client joined it, and
a URL with a trailing slash, the form this engine gave out before and clients stored.
"""

from __future__ import annotations

import pytest
import requests
from requests_toolbelt import MultipartEncoder

from affectweb.engine import tasks
from tests.engine.conftest import PASSWORD, USERNAME, check_representation, make_account, poll

JSON = {"Accept": "application/json"}


def without_credentials(index_url: str) -> str:
    scheme, rest = index_url.split("://", 1)
    return f"{scheme}://{rest.split('@', 1)[1]}"


def job_id(job_url: str) -> int:
    return int(job_url.split("/")[-1])  # the vendor's client's way


@pytest.fixture
def jobs_url(index_url) -> str:
    return requests.get(without_credentials(index_url), headers=JSON).json()["v1"]["jobs"]


@pytest.fixture
def queued(session, jobs_url, assets_dir, redis_db):
    """`queued("single_face.jpg", "no-op")`: the job JSON of a new job, left queued."""

    def make(media_file: str = "single_face.jpg", name: str = "no-op") -> dict:
        with open(assets_dir / "fixtures" / media_file, "rb") as f:
            created = session.post(jobs_url, files={"entry_job[input]": f}, data={"entry_job[name]": name})
        assert created.status_code == 201, created.text
        return created.json()

    return make


def test_the_index_needs_no_credentials_but_refuses_wrong_ones(index_url):
    plain = without_credentials(index_url)
    anonymous = requests.get(plain, headers=JSON)
    assert anonymous.status_code == 200 and "jobs" in anonymous.json()["v0"]
    assert requests.get(index_url, headers=JSON).json() == anonymous.json()  # with valid ones: the same
    page = requests.get(plain, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert anonymous.json()["v0"]["jobs"] in page.text
    for head in (requests.head(plain, headers=JSON), requests.head(index_url, headers=JSON)):
        assert head.status_code == 200 and head.content == b""
    for wrong in ((USERNAME, "wrong"), ("nobody@example.com", PASSWORD)):
        refused = requests.get(plain, auth=wrong, headers=JSON)
        assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Basic ")
    # Past the index, every URL needs them.
    assert requests.get(anonymous.json()["v0"]["jobs"], headers=JSON).status_code == 401


def test_the_vendors_extra_operations_and_their_errors_over_http(session, queued, workers, assets_dir):
    job = queued()
    job_url, entry = job["self"], job["input"]
    assert not job_url.endswith("/")

    # PATCH: a bad name, then a good one, while queued.
    bad = session.patch(job_url, data={"entry_job[name]": "ct-pack-linear"})
    assert bad.status_code == 400 and "multiface" in bad.json()["error"]
    assert session.patch(job_url, json={"entry_job": {"name": "no-op"}}).json()["name"] == "no-op"

    # A job being analysed (claimed as a worker claims it) refuses changes.
    token = tasks.claim(job_id(job_url))
    assert session.get(job_url).json()["status"] == "working"
    assert session.patch(job_url, data={"entry_job[name]": "multiface"}).status_code == 409
    assert session.post(job_url + "/requeue").status_code == 409
    with open(assets_dir / "fixtures/single_face.mp4", "rb") as f:
        assert session.post(entry["representation_self"], files={"media": f}).status_code == 409
    tasks._finish(job_id(job_url), token)  # the run ends; a no-op attaches an empty result

    # Requeue a done job: queued, then done again by a real worker.
    assert session.get(job_url).json()["status"] == "done"
    assert session.post(job_url + "/requeue").json()["status"] == "queued"
    workers.start()
    job, _ = poll(session, job_url)
    assert job["status"] == "done"
    assert session.get(job_url + "/requeue").status_code == 405

    # Annotations: form fields, then DELETE (without credentials: 401; twice: 404).
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


def test_no_other_caller_can_use_the_new_operations(session, queued, workers, assets_dir):
    job = queued()
    workers.start()
    job, _ = poll(session, job["self"])
    entry = job["input"]
    note = session.post(entry["annotations"], data={"annotation[key]": "age", "annotation[value]": "34"}).json()
    [rep] = entry["representations"]
    original = check_representation(session, rep)
    make_account("other@example.com", "pw")
    image = assets_dir / "fixtures/single_face.jpg"

    def operations(auth):
        with open(image, "rb") as f:
            media = f.read()
        yield "PATCH job", requests.patch(job["self"], data={"entry_job[name]": "multiface"}, auth=auth)
        yield "requeue", requests.post("/".join([job["self"], "requeue"]), auth=auth)
        yield "DELETE annotation", requests.delete(note["self"], auth=auth)
        yield "POST representation", requests.post(entry["representation_self"], auth=auth,
                                                   files={"media": ("more.jpg", media, "image/jpeg")})
        yield "PUT representation", requests.put(rep["self"], auth=auth,
                                                 files={"media": ("other.jpg", media, "image/jpeg")})

    for who, auth, status in [("no credentials", None, 401), ("a wrong password", (USERNAME, "wrong"), 401),
                              ("another account", ("other@example.com", "pw"), 404)]:
        for operation, response in operations(auth):
            assert response.status_code == status, f"{operation} with {who}: {response.status_code}"
            assert "error" in response.json(), operation
            if status == 401:
                assert response.headers["WWW-Authenticate"].startswith("Basic "), operation

    # Nothing changed for the owner.
    now = session.get(job["self"]).json()
    assert (now["name"], now["status"], now["updated"]) == ("no-op", "done", job["updated"])
    assert session.get(entry["annotations"]).json() == [note]
    assert now["input"]["representations"] == [rep]
    assert check_representation(session, rep) == original


def test_every_url_given_ends_without_a_slash_and_the_stored_slash_form_still_answers(session, jobs_url, queued):
    job = queued()
    entry = job["input"]
    note = session.post(entry["annotations"] + "/", data={"annotation[key]": "k", "annotation[value]": "v"})
    assert note.status_code == 201
    [rep] = entry["representations"]
    urls = [job["self"], entry["self"], entry["annotations"], entry["representation_self"],
            note.json()["self"], rep["self"], rep["media"]]
    assert not [u for u in urls if u.endswith("/")]
    assert job_id(job["self"]) in [job_id(j["self"]) for j in session.get(jobs_url).json()]

    for url in (job["self"], entry["self"], entry["annotations"], note.json()["self"], rep["self"]):
        old = session.get(url + "/")
        assert old.status_code == 200, url
        assert old.json() == session.get(url).json()  # answered with the canonical URLs
    assert session.get(rep["media"] + "/", allow_redirects=False).status_code == 302
    assert session.patch(job["self"] + "/", data={"entry_job[name]": "current-pack"}).json()["name"] == "current-pack"
    assert session.delete(note.json()["self"] + "/").status_code == 204
    assert session.get(entry["annotations"]).json() == []
    assert session.delete(job["self"] + "/").status_code == 204
    assert session.get(job["self"]).status_code == 404


@pytest.mark.parametrize("body, message", [
    ({"data": {"entry_job[title]": "multiface"}}, "entry_job name is required."),
    ({"data": {"entry_job[name]": ""}}, "entry_job name is required."),
    ({"data": "{not json", "headers": {"Content-Type": "application/json"}}, "The body is not valid JSON."),
    ({"json": {"entry_job": {"name": "ct-pack-hybrid"}}}, "Unknown job name 'ct-pack-hybrid'; valid names are: "),
])
def test_a_patch_the_engine_cannot_apply_says_why(session, queued, body, message):
    job = queued()
    response = session.patch(job["self"], **body)
    assert response.status_code == 400
    assert response.json()["error"].startswith(message)
    assert session.get(job["self"]).json()["name"] == "no-op"


def test_a_deleted_job_cannot_be_patched_or_requeued(session, queued):
    job = queued()
    assert session.delete(job["self"]).status_code == 204
    assert session.patch(job["self"], data={"entry_job[name]": "multiface"}).status_code == 404
    assert session.post("/".join([job["self"], "requeue"])).status_code == 404
    assert session.delete(job["self"]).status_code == 404


def test_a_requeued_job_keeps_its_old_result_readable_until_the_new_one_replaces_it(session, queued, workers):
    job = queued("single_face.jpg", "current-pack")
    worker = workers.start()
    done, _ = poll(session, job["self"])
    assert done["status"] == "done", done.get("error")
    old = {rep["self"]: check_representation(session, rep) for rep in done["result"]["representations"]}
    assert len(old) == 2
    workers.stop(worker)  # so the requeued job waits, queued, where a client can look at it

    assert session.patch(done["self"], data={"entry_job[name]": "multiface"}).json()["result"] == done["result"]
    requeued = session.post("/".join([done["self"], "requeue"]))
    assert requeued.status_code == 200
    assert (requeued.json()["status"], requeued.json()["name"]) == ("queued", "multiface")
    assert requeued.json()["result"] == done["result"]
    for rep in requeued.json()["result"]["representations"]:
        assert check_representation(session, rep) == old[rep["self"]]
    # Requeued again while queued: still queued, once. A URL stored with its slash, joined as
    # the vendor's client joined it, reaches the same job.
    again = session.post("/".join([done["self"] + "/", "requeue"]))
    assert again.status_code == 200 and again.json()["status"] == "queued"
    # A result's representations are the engine's output, replaced by the next run only.
    [first, *_] = done["result"]["representations"]
    refused = session.put(first["self"], files={"media": ("x.jpg", b"x", "image/jpeg")})
    assert refused.status_code == 409 and "requeue" in refused.json()["error"]

    workers.start()
    rerun, _ = poll(session, done["self"])
    assert rerun["status"] == "done", rerun.get("error")
    assert rerun["result"]["self"] == done["result"]["self"]
    assert rerun["result"]["source"] == "affectweb engine (multiface)"
    assert {r["content_type"] for r in rerun["result"]["representations"]} == {
        "application/vnd.affectiva.session.v0+json", "application/csv"}
    for url in old:  # the old ones are gone, and say so
        assert session.get(url).status_code == 404


def test_representation_changes_are_checked_as_uploads_are(session, queued, assets_dir, settings):
    job = queued()
    entry, [rep] = job["input"], job["input"]["representations"]
    original = check_representation(session, rep)

    missing = session.post(entry["representation_self"], files={"file": ("a.jpg", original, "image/jpeg")})
    assert missing.status_code == 400 and "media" in missing.json()["error"]
    not_media = session.put(rep["self"], files={"media": ("notes.jpg", b"shopping list\n" * 50, "image/jpeg")})
    assert not_media.status_code == 400
    assert not_media.json()["error"].startswith("notes.jpg: the first picture cannot be decoded")
    assert not any(s in not_media.json()["error"].lower() for s in ("errno", "avcodec", "/")), not_media.text
    empty = session.post(entry["representation_self"], files={"media": ("empty.mp4", b"", "video/mp4")})
    assert empty.status_code == 400 and "empty" in empty.json()["error"]

    # Over the size limit: refused from the Content-Length of a streamed body before it is
    # read (a file far over), or once read (a file just over), for POST and PUT alike.
    settings.MAX_UPLOAD_BYTES = 100 * 1024
    for media_file in ("WolfgangLanger_Pexels.mp4", "single_face.mp4"):
        for method, url in (("POST", entry["representation_self"]), ("PUT", rep["self"])):
            with open(assets_dir / "fixtures" / media_file, "rb") as f:
                body = MultipartEncoder(fields={"media": (media_file, f, "video/mp4")})
                response = session.request(method, url, data=body, headers={"Content-Type": body.content_type})
            assert response.status_code == 413, (method, media_file, response.text)
            assert "larger than the limit" in response.json()["error"]

    # While the job is analysed its input cannot change; the bytes stay as uploaded.
    token = tasks.claim(job_id(job["self"]))
    assert token is not None
    with open(assets_dir / "fixtures/single_face.jpg", "rb") as f:
        busy = session.put(rep["self"], files={"media": ("retake.jpg", f, "image/jpeg")})
    assert busy.status_code == 409 and "analysing" in busy.json()["error"]
    assert session.get(entry["self"]).json()["representations"] == [rep]
    assert check_representation(session, rep) == original
