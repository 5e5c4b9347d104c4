"""Tokens end with what they were issued under: suspending an application (clearing its
scope) or changing its secret refuses its tokens on their next call, not when they
expire 10 hours later."""

import io

import pytest
import requests
from django.contrib.auth.hashers import make_password
from django.core.management import call_command

from affectweb.tagapi.models import AccessToken, Application

from .conftest import CLIENT_ID, CLIENT_SECRET

NEW_SECRET = "n3w secret"


def status(api, auth) -> tuple[int, str]:
    response = requests.get(api("info"), headers=auth)
    return response.status_code, response.json()["status_code"]


def new_token(api, secret: str = CLIENT_SECRET) -> dict[str, str]:
    response = requests.post(api("token"), data={"grant_type": "client_credentials"}, auth=(CLIENT_ID, secret))
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def admin_change(admin_client, application: Application, **fields):
    form = {"name": application.name, "client_id": application.client_id, "scope": application.scope,
            "new_secret": "", **fields}
    response = admin_client.post(f"/admin/tagapi/application/{application.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_suspending_in_the_admin_ends_the_tokens_at_once(api, application, auth, admin_client):
    assert status(api, auth) == (200, "OK")
    admin_change(admin_client, application, scope="")
    assert status(api, auth) == (401, "TOKEN_NO_SCOPE")
    # Lifting the suspension does not bring the old token back; a new one works.
    admin_change(admin_client, Application.objects.get(), scope="api_access")
    assert status(api, auth) == (401, "TOKEN_EXPIRED")
    assert status(api, new_token(api)) == (200, "OK")


def test_a_scope_cleared_behind_the_models_back_is_seen_on_the_next_call(api, application, auth):
    Application.objects.filter(pk=application.pk).update(scope="")  # no save(): e.g. SQL by hand
    assert status(api, auth) == (401, "TOKEN_NO_SCOPE")


def test_rotating_the_secret_in_the_admin_ends_the_tokens(api, application, auth, admin_client):
    admin_change(admin_client, application, new_secret=NEW_SECRET)
    assert status(api, auth) == (401, "TOKEN_EXPIRED")
    assert requests.post(api("token"), data={"grant_type": "client_credentials"},
                         auth=(CLIENT_ID, CLIENT_SECRET)).json()["status_code"] == "TOKEN_APP_INVALID"
    assert status(api, new_token(api, NEW_SECRET)) == (200, "OK")


def test_rotating_the_secret_with_the_command_ends_the_tokens(api, application, auth):
    call_command("engine_credentials", "clarifai", "--client-id", CLIENT_ID, "--client-secret", NEW_SECRET)
    assert status(api, auth) == (401, "TOKEN_EXPIRED")


def test_a_token_issued_under_a_secret_changed_meanwhile_is_refused(api, application, auth):
    # The secret changes without save() (or between a token request's check and its
    # token being stored): the token is checked against the secret on every call.
    Application.objects.filter(pk=application.pk).update(client_secret=make_password(NEW_SECRET))
    assert AccessToken.objects.get().expires > application.created  # still "valid" by date
    assert status(api, auth) == (401, "TOKEN_EXPIRED")


def test_other_applications_keep_their_tokens(api, application, auth, admin_client):
    other = Application(name="Other", client_id="other")
    other.set_secret("other secret")
    other.save()
    token = requests.post(api("token"), data={"grant_type": "client_credentials"},
                          auth=("other", "other secret")).json()["access_token"]
    admin_change(admin_client, application, scope="", new_secret=NEW_SECRET)
    assert status(api, {"Authorization": f"Bearer {token}"}) == (200, "OK")


def test_the_legacy_client_gets_a_new_token_by_itself_after_a_rehash(api, application, assets_dir):
    # Setting the same secret again (or Django re-hashing it after an upgrade) changes the
    # stored hash: old tokens end, and the old client renews them on TOKEN_EXPIRED.
    legacy = pytest.importorskip("clarifai.client")
    client = legacy.ClarifaiApi(CLIENT_ID, CLIENT_SECRET, base_url=api("info").removesuffix("/v1/info/"))
    client.get_info()
    old = client.access_token
    application.set_secret(CLIENT_SECRET)
    application.save()
    with open(assets_dir / "fixtures" / "single_face.jpg", "rb") as photo:
        assert client.tag(io.BytesIO(photo.read()))["status_code"] == "OK"
    assert client.access_token != old
