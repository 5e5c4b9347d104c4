"""The Clarifai v1 Python client (PyPI `clarifai==0.2.1`, the last v1 release), unchanged,
against our server: only its base URL differs from the hosted service's."""

import io
import time

import pytest
import requests

from affectweb.tagapi.models import Feedback

from .conftest import CLIENT_ID, CLIENT_SECRET

legacy = pytest.importorskip("clarifai.client", reason="the test extra clarifai==0.2.1 is not installed")


@pytest.fixture
def client(api, application):
    base = api("info").removesuffix("/v1/info/")
    return legacy.ClarifaiApi(CLIENT_ID, CLIENT_SECRET, base_url=base, wait_on_throttle=False)


def test_it_tags_files_and_urls(client, assets_dir, media_server, settings):
    settings.TAGAPI_URL_ALLOWLIST = ["127.0.0.1"]
    photos = [open(assets_dir / "fixtures" / name, "rb") for name in ("single_face.jpg", "multi_face.jpg")]
    try:
        body = client.tag_images(photos, local_ids=["solo", "group"])
    finally:
        for photo in photos:
            photo.close()
    assert body["status_code"] == "OK"
    assert [r["local_id"] for r in body["results"]] == ["solo", "group"]
    assert "people" in body["results"][1]["result"]["tag"]["classes"]
    by_url = client.tag_urls([f"{media_server}/face.jpg"])
    assert by_url["results"][0]["result"]["tag"]["classes"][0] == "face"


def test_it_tags_and_embeds_through_multiop(client, assets_dir):
    with open(assets_dir / "fixtures" / "single_face.jpg", "rb") as photo:
        result = client.tag_and_embed(photo)["results"][0]["result"]
    assert result["tag"]["classes"][0] == "face" and len(result["embed"]) == 1280


def test_it_renews_an_expired_token_by_itself(client, assets_dir, settings):
    settings.TAGAPI_TOKEN_SECONDS = 1
    client.get_info()
    old = client.access_token
    time.sleep(1.1)
    with open(assets_dir / "fixtures" / "single_face.jpg", "rb") as photo:
        assert client.tag(io.BytesIO(photo.read()))["status_code"] == "OK"
    assert client.access_token != old


def test_it_sends_feedback(client):
    body = client.feedback(urls=["http://example.com/a.jpg", "http://example.com/b.jpg"],
                           add_tags=["cat", "kitten"])
    assert body["status_code"] == "OK"
    feedback = Feedback.objects.get()
    assert (feedback.urls, feedback.add_tags) == ("http://example.com/a.jpg,http://example.com/b.jpg", "cat,kitten")


def test_it_surfaces_throttling_with_the_wait(client, settings, redis_db):
    settings.TAGAPI_RATE_LIMIT, settings.TAGAPI_RATE_WINDOW = 1, 10**9
    client.get_info()
    with pytest.raises(legacy.ApiThrottledError) as raised:
        client.get_info()
    assert 1 <= raised.value.wait_seconds <= settings.TAGAPI_RATE_WINDOW


def test_it_gets_the_limits_it_resizes_by(client):
    info = client.get_info()
    assert info["max_batch_size"] == 128 and info["min_image_size"] <= 224 <= info["max_image_size"]
    assert requests.get(client._urls["info"]).status_code == 401
