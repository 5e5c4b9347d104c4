from django.contrib.auth import get_user_model
from django.core.management import call_command

from affectweb.dashboard.models import Provider, TagProvider
from affectweb.engine.models import Account
from affectweb.tagapi.models import Application


def bootstrap(capsys, url="http://127.0.0.1:8000/") -> str:
    call_command("bootstrap", "--url", url)
    return capsys.readouterr().out


def test_it_creates_an_admin_with_a_random_password_once(db, capsys):
    first = bootstrap(capsys)
    password = first.split("password:")[1].split()[0]
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)
    assert len(password) >= 16
    second = bootstrap(capsys)
    assert "password:" not in second and "changepassword admin" in second


def test_it_provisions_the_local_engine_as_default_provider(db, capsys):
    bootstrap(capsys)
    provider = Provider.objects.get(is_default=True)
    assert provider.index_url == "http://127.0.0.1:8000/engine/affectiva/"
    # The dashboard's stored password logs in to the engine account made for it.
    assert Account.objects.get(username=provider.username).check_password(provider.password)


def test_it_follows_a_new_port_without_new_credentials(db, capsys):
    bootstrap(capsys)
    password = Provider.objects.get().password
    bootstrap(capsys, "http://127.0.0.1:9000/")
    provider = Provider.objects.get()
    assert provider.index_url == "http://127.0.0.1:9000/engine/affectiva/"
    assert provider.password == password


def test_it_provisions_the_local_tag_engine_as_default_tag_provider(db, capsys):
    out = bootstrap(capsys)
    tagger = TagProvider.objects.get(is_default=True)
    assert tagger.base_url == "http://127.0.0.1:8000/engine/clarifai/"
    assert "Tag provider 'Local tag engine'" in out
    # The stored secret is the application's, which keeps only its hash.
    application = Application.objects.get(client_id=tagger.client_id)
    assert application.check_secret(tagger.client_secret)
    assert tagger.client_secret not in application.client_secret and len(tagger.client_secret) >= 24


def test_it_keeps_the_tag_credentials_and_follows_a_new_port(db, capsys):
    bootstrap(capsys)
    before = TagProvider.objects.get()
    bootstrap(capsys, "http://127.0.0.1:9000/")
    after = TagProvider.objects.get()
    assert after.base_url == "http://127.0.0.1:9000/engine/clarifai/"
    assert (after.client_id, after.client_secret) == (before.client_id, before.client_secret)
    assert Application.objects.count() == 1
