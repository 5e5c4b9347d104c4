"""`url` inputs are fetched by our server: never from private, loopback or link-local
addresses unless TAGAPI_URL_ALLOWLIST names them. Refused URLs are refused before any
connection is made."""

import ipaddress

import pytest
import requests

from affectweb.tagapi.fetch import FetchError, Policy, fetch


def tag_url(api, auth, url) -> dict:
    response = requests.get(api("tag"), headers=auth, params={"url": url})
    return response.json()["results"][0]


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:{port}/engine/clarifai/v1/info/",  # the server itself
    "http://localhost:{port}/",
    "http://10.0.0.1/image.jpg",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://[::1]:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",
])
def test_it_refuses_internal_addresses(api, auth, live_server, url):
    result = tag_url(api, auth, url.format(port=live_server.url.rsplit(":", 1)[1]))
    assert result["status_code"] == "CLIENT_ERROR"
    assert "not a public address" in result["status_msg"]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/a.jpg", "gopher://x/", "http:///nohost"])
def test_it_fetches_only_http_and_https(api, auth, url):
    assert "only http and https" in tag_url(api, auth, url)["status_msg"]


def test_it_fetches_an_allow_listed_local_server(api, auth, media_server, settings):
    settings.TAGAPI_URL_ALLOWLIST = ["127.0.0.0/8"]
    result = tag_url(api, auth, f"{media_server}/face.jpg")
    assert result["status_code"] == "OK" and result["result"]["tag"]["classes"][0] == "face"
    missing = tag_url(api, auth, f"{media_server}/missing")
    assert missing["status_code"] == "CLIENT_ERROR" and "HTTP 404" in missing["status_msg"]


def test_it_checks_every_redirect_again(api, auth, media_server, settings):
    settings.TAGAPI_URL_ALLOWLIST = ["127.0.0.1"]
    result = tag_url(api, auth, f"{media_server}/redirect?to=http://169.254.169.254/latest/")
    assert "169.254.169.254" in result["status_msg"] and "not a public address" in result["status_msg"]
    result = tag_url(api, auth, f"{media_server}/redirect?to=/face.jpg")
    assert result["status_code"] == "OK"


def test_it_stops_at_the_size_limit(media_server):
    policy = Policy(max_bytes=1000, timeout=5, allowlist=("127.0.0.1",))
    with pytest.raises(FetchError, match="larger than 1000 bytes"):
        fetch(f"{media_server}/face.jpg", policy)


def test_its_policy_reads_hosts_and_networks():
    policy = Policy(1, 1, ("media.internal", "10.1.0.0/16", "fd00::1"))
    assert policy.allows("media.internal", ipaddress.ip_address("192.168.1.1"))
    assert policy.allows("x", ipaddress.ip_address("10.1.2.3"))
    assert policy.allows("x", ipaddress.ip_address("fd00::1"))
    assert not policy.allows("x", ipaddress.ip_address("10.2.0.1"))
    assert not policy.allows("x", ipaddress.ip_address("100.64.0.1"))  # carrier-grade NAT
    assert not policy.allows("x", ipaddress.ip_address("224.0.0.1"))
    assert policy.allows("x", ipaddress.ip_address("93.184.215.14"))
