import pytest
from django.contrib.messages import get_messages

from affectweb.dashboard.models import Provider
from tests.clients.fake_provider import FakeProvider
from tests.factories import ProviderFactory, UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_it_never_renders_the_password(admin_client):
    provider = ProviderFactory(password="very-secret-value")
    html = admin_client.get(f"/admin/dashboard/provider/{provider.pk}/change/").content.decode()
    assert "very-secret-value" not in html and 'type="password"' in html


def test_it_keeps_the_password_when_left_blank_and_encrypts_it(admin_client):
    provider = ProviderFactory(password="very-secret-value")
    form = {"name": "engine", "kind": "mediaapi", "index_url": "https://engine.example/", "username": "u",
            "password": "", "is_default": "on"}
    response = admin_client.post(f"/admin/dashboard/provider/{provider.pk}/change/", form)
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.password == "very-secret-value" and provider.name == "engine"
    from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM dashboard_provider")
        assert "very-secret-value" not in cursor.fetchone()[0]


def test_it_requires_a_password_for_a_new_provider(admin_client):
    form = {"name": "x", "kind": "mediaapi", "index_url": "https://e.example/", "username": "u", "password": ""}
    assert admin_client.post("/admin/dashboard/provider/add/", form).status_code == 200
    assert not Provider.objects.exists()


def test_it_tests_the_connection(admin_client):
    with FakeProvider() as fake:
        good = ProviderFactory(index_url=fake.index_url, is_default=True)
        bad = ProviderFactory(index_url=fake.index_url, password="wrong", is_default=False)
        response = admin_client.post("/admin/dashboard/provider/", {
            "action": "test_connection", "_selected_action": [good.pk, bad.pk]})
    notes = {str(m) for m in get_messages(response.wsgi_request)}
    assert notes == {f"{bad.name}: The provider refused our credentials (check the user name and password).",
                     f"{good.name}: OK, jobs service at {fake.index_url}jobs"}
    good.refresh_from_db()
    assert good.jobs_url == fake.index_url + "jobs"
