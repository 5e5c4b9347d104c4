"""Engine test helpers: API accounts, an authenticated client, real RQ workers, and a
client over real HTTP against the live server."""

from __future__ import annotations

import base64
import subprocess
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from affectweb.engine.models import Account, Job
from tests.workers import kill_worker, start_worker, stop_worker

USERNAME = "user@example.com"
PASSWORD = "p:ss wörd@1"  # a colon, a space, an @ and a non-ASCII letter


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def make_account(username: str = USERNAME, password: str = PASSWORD) -> Account:
    account = Account(username=username)
    account.set_password(password)
    account.save()
    return account


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """Each test stores media in its own directory (workers are told to use it too)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture
def account(db) -> Account:
    return make_account()


@pytest.fixture
def api(account) -> Client:
    """A test client sending the account's Basic credentials with every request."""
    return Client(HTTP_AUTHORIZATION=basic(USERNAME, PASSWORD))


@pytest.fixture
def media(assets_dir):
    """An upload of one of the fixture files: media("single_face.jpg")."""

    def make(name: str, as_name: str | None = None) -> SimpleUploadedFile:
        return SimpleUploadedFile(as_name or name, (assets_dir / "fixtures" / name).read_bytes())

    return make


def post_job(api: Client, upload, name: str | None = None):
    data = {"entry_job[input]": upload}
    if name:
        data["entry_job[name]"] = name
    return api.post("/engine/affectiva/jobs", data, HTTP_ACCEPT="application/json")


class Workers:
    """The engine workers a test started; all stopped at its end."""

    def __init__(self):
        self.procs: list[subprocess.Popen] = []

    def start(self, **env: str) -> subprocess.Popen:
        proc = start_worker("engine", **env)
        self.procs.append(proc)
        return proc

    kill = staticmethod(kill_worker)
    stop = staticmethod(stop_worker)

    def stop_all(self) -> None:
        for proc in self.procs:
            stop_worker(proc)


@pytest.fixture
def workers(redis_db):
    pool = Workers()
    yield pool
    pool.stop_all()


def wait_for_status(job_id: int, statuses: set[str], timeout: float = 120) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        job = Job.objects.get(pk=job_id)
        if job.status in statuses:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still {job.status} after {timeout} s")
        time.sleep(0.1)


def fixture_path(assets_dir: Path, name: str) -> Path:
    return assets_dir / "fixtures" / name


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
