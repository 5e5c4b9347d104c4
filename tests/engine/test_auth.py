import pytest
from django.core.cache import cache

from affectweb.lib.basic_auth import parse_basic
from tests.engine.conftest import PASSWORD, USERNAME, basic, make_account

JOBS = "/engine/affectiva/jobs/"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # remembered verifications must not leak between tests


def test_it_accepts_an_email_user_name_and_a_password_with_colons(client, account):
    assert "@" in USERNAME and ":" in PASSWORD
    response = client.get(JOBS, HTTP_AUTHORIZATION=basic(USERNAME, PASSWORD))
    assert response.status_code == 200
    assert response.json() == []


def test_it_rejects_a_wrong_password(client, account):
    response = client.get(JOBS, HTTP_AUTHORIZATION=basic(USERNAME, PASSWORD + "x"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="affectweb engine", charset="UTF-8"'
    assert response.json() == {"error": "Wrong user name or password."}


def test_it_rejects_the_part_before_a_colon_of_the_password(client, account):
    assert client.get(JOBS, HTTP_AUTHORIZATION=basic(USERNAME, PASSWORD.split(":")[0])).status_code == 401


def test_it_rejects_an_unknown_user(client, account):
    assert client.get(JOBS, HTTP_AUTHORIZATION=basic("nobody@example.com", PASSWORD)).status_code == 401


def test_it_asks_for_credentials_when_there_are_none(client, account):
    response = client.get(JOBS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic ")
    assert "HTTP Basic" in response.json()["error"]


@pytest.mark.parametrize("header", ["Bearer abc", "Basic !!!notbase64", "Basic " + "bm9jb2xvbg==", ""])
def test_it_rejects_malformed_headers(client, account, header):
    assert client.get(JOBS, HTTP_AUTHORIZATION=header).status_code == 401


def test_it_stops_accepting_a_changed_password(client, account):
    assert client.get(JOBS, HTTP_AUTHORIZATION=basic(USERNAME, PASSWORD)).status_code == 200
    account.set_password("new")
    account.save()
    # The remembered verification named the old hash, so it no longer applies.
    assert client.get(JOBS, HTTP_AUTHORIZATION=basic(USERNAME, PASSWORD)).status_code == 401
    assert client.get(JOBS, HTTP_AUTHORIZATION=basic(USERNAME, "new")).status_code == 200


def test_it_does_not_let_django_users_in(client, django_user_model, db):
    django_user_model.objects.create_user("admin", password="secret")
    assert client.get(JOBS, HTTP_AUTHORIZATION=basic("admin", "secret")).status_code == 401


def test_it_stores_only_a_hash(account):
    assert PASSWORD not in account.password
    assert account.check_password(PASSWORD)


def test_it_splits_at_the_first_colon():
    assert parse_basic(basic("a@b.c", "x:y:z")) == ("a@b.c", "x:y:z")
    assert parse_basic(basic("a", "")) == ("a", "")


def test_it_keeps_accounts_apart(client, account):
    make_account("other@example.com", "other")
    assert client.get(JOBS, HTTP_AUTHORIZATION=basic("other@example.com", PASSWORD)).status_code == 401
