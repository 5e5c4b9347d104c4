"""What the CSRF check stops with and without TLS (the README's production section says
why TLS is required): Django checks the Referer only over HTTPS, the Origin everywhere."""

import pytest
from django.test import Client

FOREIGN = "http://attacker.example/page"


@pytest.fixture
def browser(db) -> tuple[Client, dict]:
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    # The token and cookie a man in the middle reads (and can plant) on plain HTTP.
    form = {"username": "nobody", "password": "wrong", "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    return client, form


def test_it_refuses_a_foreign_referer_over_https(browser):
    client, form = browser
    response = client.post("/accounts/login/", form, secure=True, HTTP_REFERER=FOREIGN.replace("http:", "https:"))
    assert response.status_code == 403


def test_it_cannot_refuse_a_foreign_referer_over_plain_http(browser):
    # Without TLS the Referer proves nothing and Django ignores it: only the token counts.
    client, form = browser
    response = client.post("/accounts/login/", form, HTTP_REFERER=FOREIGN)
    assert response.status_code == 200  # the login form again: CSRF let it through


def test_it_refuses_a_foreign_origin_either_way(browser):
    client, form = browser
    assert client.post("/accounts/login/", form, HTTP_ORIGIN="http://attacker.example").status_code == 403
    assert client.post("/accounts/login/", form, secure=True, HTTP_ORIGIN="https://attacker.example").status_code == 403
