"""`manage.py engine_credentials clarifai` and the admin: secrets are stored hashed."""

import pytest
from django.core.management import CommandError, call_command

from affectweb.tagapi.models import Application


def test_it_creates_then_updates_an_application(db, capsys):
    call_command("engine_credentials", "clarifai", "--client-id", "cli", "--client-secret", "first")
    call_command("engine_credentials", "clarifai", "--client-id", "cli", "--client-secret", "second")
    application = Application.objects.get()
    assert application.check_secret("second") and not application.check_secret("first")
    assert "second" not in application.client_secret
    assert capsys.readouterr().out.splitlines() == ["Created Clarifai API application cli.",
                                                    "Updated Clarifai API application cli."]


def test_it_refuses_an_empty_secret(db):
    with pytest.raises(CommandError):
        call_command("engine_credentials", "clarifai", "--client-id", "cli", "--client-secret", "")


def test_the_admin_hashes_a_new_secret(admin_client):
    response = admin_client.post("/admin/tagapi/application/add/", {
        "name": "Phone app", "client_id": "phone", "scope": "api_access", "new_secret": "s3cret"})
    assert response.status_code == 302
    application = Application.objects.get(client_id="phone")
    assert application.check_secret("s3cret") and application.client_secret != "s3cret"
    response = admin_client.post("/admin/tagapi/application/add/", {"name": "x", "client_id": "y", "scope": ""})
    assert b"needs a client secret" in response.content
