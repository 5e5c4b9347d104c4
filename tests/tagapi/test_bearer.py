import time

import requests

from .conftest import CLIENT_ID, CLIENT_SECRET


def status(response) -> tuple[int, str]:
    return response.status_code, response.json()["status_code"]


def test_it_says_token_none_without_a_header(api, application):
    response = requests.get(api("info"))
    assert status(response) == (401, "TOKEN_NONE")
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    assert set(response.json()) == {"status_code", "status_msg", "results"}


def test_it_says_token_invalid_for_unknown_tokens_and_other_schemes(api, token):
    assert status(requests.get(api("info"), headers={"Authorization": "Bearer nope"})) == (401, "TOKEN_INVALID")
    assert status(requests.get(api("info"), auth=(CLIENT_ID, CLIENT_SECRET))) == (401, "TOKEN_INVALID")
    assert status(requests.get(api("info"), headers={"Authorization": f"Bearer {token}"})) == (200, "OK")


def test_it_says_token_expired_after_the_expiry_setting(api, application, settings):
    settings.TAGAPI_TOKEN_SECONDS = 1
    token = requests.post(api("token"), data={"grant_type": "client_credentials"},
                          auth=(CLIENT_ID, CLIENT_SECRET)).json()["access_token"]
    time.sleep(1.1)
    response = requests.get(api("info"), headers={"Authorization": f"Bearer {token}"})
    assert status(response) == (401, "TOKEN_EXPIRED")


def test_it_says_token_no_scope_when_the_application_lost_it(api, application):
    application.scope = ""
    application.save()
    token = requests.post(api("token"), data={"grant_type": "client_credentials"},
                          auth=(CLIENT_ID, CLIENT_SECRET)).json()["access_token"]
    assert status(requests.get(api("info"), headers={"Authorization": f"Bearer {token}"})) == (401, "TOKEN_NO_SCOPE")


def test_it_refuses_tokens_of_a_deleted_application(api, application, auth):
    application.delete()
    assert status(requests.get(api("info"), headers=auth)) == (401, "TOKEN_INVALID")
