import pytest
from django.core.management import CommandError, call_command

from affectweb.engine.models import Account


def test_it_creates_then_updates_an_affectiva_account(db, capsys):
    call_command("engine_credentials", "affectiva", "--username", "a@example.com", "--password", "x:y")
    assert "Created Affectiva API account a@example.com." in capsys.readouterr().out
    account = Account.objects.get()
    assert account.check_password("x:y") and "x:y" not in account.password

    call_command("engine_credentials", "affectiva", "--username", "a@example.com", "--password", "new")
    assert "Updated" in capsys.readouterr().out
    account = Account.objects.get()
    assert account.check_password("new") and not account.check_password("x:y")


def test_it_refuses_a_colon_in_the_user_name(db):
    with pytest.raises(CommandError, match="cannot contain ':'"):
        call_command("engine_credentials", "affectiva", "--username", "a:b", "--password", "p")
    assert not Account.objects.exists()


def test_it_needs_an_engine(db):
    with pytest.raises(CommandError):
        call_command("engine_credentials")
