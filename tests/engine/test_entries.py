"""Entries, representations, and the signed download links of their media."""

import time

import pytest
from django.core import signing

from tests.engine.conftest import post_job


@pytest.fixture
def job(api, media, redis_db):
    return api.get(post_job(api, media("single_face.jpg"), "no-op")["Location"]).json()


def test_it_shows_an_entry(api, job):
    entry = api.get(job["input"]["self"]).json()
    assert entry == job["input"]
    assert set(entry) == {"self", "author", "source", "media_seconds", "published", "updated",
                          "representations", "representation_self", "annotations"}


def test_it_shows_a_representation(api, job):
    rep = job["input"]["representations"][0]
    assert api.get(rep["self"]).json() == rep


def test_it_redirects_media_to_a_signed_link_that_needs_no_credentials(api, client, job, assets_dir):
    media_url = job["input"]["representations"][0]["media"]
    assert client.get(media_url).status_code == 401  # the media URL itself needs Basic auth
    response = api.get(media_url)
    assert response.status_code == 302
    link = response["Location"]
    assert link.startswith("http://testserver/engine/affectiva/download/")

    download = client.get(link)  # no credentials
    assert download.status_code == 200
    assert download["Content-Type"] == "image/jpeg"
    assert download["Content-Disposition"] == 'attachment; filename="single_face.jpg"'
    assert b"".join(download.streaming_content) == (assets_dir / "fixtures" / "single_face.jpg").read_bytes()


def test_it_expires_download_links(api, client, job, monkeypatch):
    link = api.get(job["input"]["representations"][0]["media"])["Location"]
    later = time.time() + 11 * 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.get(link)
    assert response.status_code == 404
    assert "expired" in response.json()["error"]


def test_it_refuses_a_tampered_link(api, client, job):
    link = api.get(job["input"]["representations"][0]["media"])["Location"]
    assert client.get(link[:-3] + "abc").status_code == 404


def test_it_stops_serving_a_deleted_jobs_media(api, client, job):
    link = api.get(job["input"]["representations"][0]["media"])["Location"]
    api.delete(job["self"])
    assert client.get(link).status_code == 404
