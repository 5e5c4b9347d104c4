import pytest

from tests.engine.conftest import PASSWORD, USERNAME, basic

INDEX = "/engine/affectiva/"


def test_it_lists_the_jobs_service_for_every_version(api):
    response = api.get(INDEX, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"v0", "v1", "development"}
    assert body["v0"]["jobs"] == "http://testserver/engine/affectiva/jobs"


def test_it_answers_json_to_clients_that_accept_anything(api):
    assert api.get(INDEX, HTTP_ACCEPT="*/*").json()["v0"]["jobs"].endswith("/jobs")


def test_it_shows_a_page_to_browsers(api):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = api.get(INDEX, HTTP_ACCEPT=browser)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"http://testserver/engine/affectiva/jobs<" in response.content


def test_it_refuses_types_it_cannot_serve(api):
    response = api.get(INDEX, HTTP_ACCEPT="image/png")
    assert response.status_code == 406
    assert "application/json" in response.json()["error"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_is_read_only(api, method):
    response = getattr(api, method)(INDEX)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert "error" in response.json()


def test_it_builds_urls_from_the_forwarded_host(api, settings):
    settings.USE_X_FORWARDED_HOST = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["affect.example.org"]
    response = api.get(
        INDEX, HTTP_ACCEPT="application/json",
        HTTP_X_FORWARDED_HOST="affect.example.org", HTTP_X_FORWARDED_PROTO="https",
    )
    assert response.json()["v1"]["jobs"] == "https://affect.example.org/engine/affectiva/jobs"


def test_it_answers_the_index_without_credentials(client, account):
    # The vendor's own client read the index with a plain GET, credentials only later.
    anonymous = client.get(INDEX, HTTP_ACCEPT="application/json")
    assert anonymous.status_code == 200
    authenticated = client.get(INDEX, HTTP_ACCEPT="application/json", HTTP_AUTHORIZATION=basic(USERNAME, PASSWORD))
    assert authenticated.status_code == 200
    assert anonymous.json() == authenticated.json()
    assert b"jobs" in client.get(INDEX, HTTP_ACCEPT="text/html").content


def test_it_answers_head_on_the_index_without_a_body(client, account):
    response = client.head(INDEX, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content == b""


@pytest.mark.parametrize("header", [basic(USERNAME, "wrong"), basic("nobody@example.com", PASSWORD), "Bearer x", ""])
def test_it_still_refuses_wrong_credentials_on_the_index(client, account, header):
    response = client.get(INDEX, HTTP_ACCEPT="application/json", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Basic realm="')


def test_it_still_needs_credentials_past_the_index(client, account):
    jobs = client.get(INDEX, HTTP_ACCEPT="application/json").json()["v0"]["jobs"]
    assert client.get(jobs).status_code == 401


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_it_answers_unknown_urls_with_a_json_404(client, db, method):
    response = getattr(client, method)("/engine/affectiva/no/such/thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "start from the index" in response.json()["error"]
