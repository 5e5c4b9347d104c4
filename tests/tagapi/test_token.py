import requests

from .conftest import CLIENT_ID, CLIENT_SECRET


def test_it_issues_a_token_for_form_credentials(api, application, settings):
    settings.TAGAPI_TOKEN_SECONDS = 1234
    response = requests.post(api("token"), data={
        "grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"access_token", "expires_in", "scope", "token_type"}
    assert body["expires_in"] == 1234 and body["scope"] == "api_access" and body["token_type"] == "Bearer"
    assert len(body["access_token"]) == 30
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_it_issues_a_token_for_basic_credentials(api, application):
    response = requests.post(api("token"), data={"grant_type": "client_credentials"}, auth=(CLIENT_ID, CLIENT_SECRET))
    assert response.status_code == 200 and response.json()["token_type"] == "Bearer"


def test_it_refuses_a_wrong_secret_or_unknown_client(api, application):
    for client_id, secret in [(CLIENT_ID, "wrong"), ("nobody", CLIENT_SECRET)]:
        response = requests.post(api("token"), data={
            "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
        assert response.status_code == 401
        assert response.json()["status_code"] == "TOKEN_APP_INVALID"


def test_it_refuses_header_and_form_credentials_that_differ(api, application):
    response = requests.post(api("token"), auth=(CLIENT_ID, CLIENT_SECRET), data={
        "grant_type": "client_credentials", "client_id": "other", "client_secret": "x"})
    assert response.status_code == 401 and response.json()["status_code"] == "TOKEN_APP_INVALID"


def test_it_says_token_none_without_credentials(api, application):
    response = requests.post(api("token"), data={"grant_type": "client_credentials"})
    assert response.status_code == 401
    assert response.json() == {"status_code": "TOKEN_NONE", "status_msg": response.json()["status_msg"], "results": []}


def test_it_needs_the_client_credentials_grant(api, application):
    response = requests.post(api("token"), data={"grant_type": "password"}, auth=(CLIENT_ID, CLIENT_SECRET))
    assert response.status_code == 400 and response.json()["status_code"] == "ALL_ERROR"
    response = requests.get(api("token"))
    assert response.status_code == 405 and response.headers["Allow"] == "POST"
