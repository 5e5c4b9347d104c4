"""First-run set-up for `make run`: an administrator, the providers, and how to log in.

Passwords are random and printed once; nothing well-known ever works. The default
providers point the dashboard at the bundled engines over HTTP, exactly as they would
point at remote services, with an engine account (Media API) and an application (tag
API) made for them.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from affectweb.dashboard.models import Provider, TagProvider
from affectweb.engine.models import Account
from affectweb.tagapi.models import Application

LOCAL_PROVIDER = "Local engine"
LOCAL_ACCOUNT = "dashboard@affectweb.local"
LOCAL_TAGGER = "Local tag engine"


class Command(BaseCommand):
    help = "Create the first administrator and the local engines' providers; print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/",
                            help="where the web process answers (the provider's index URL is under it)")
        parser.add_argument("--username", default="admin")

    @transaction.atomic
    def handle(self, *args, url: str, username: str, **options):
        url = url.rstrip("/") + "/"
        self.provision_local_engine(f"{url}engine/affectiva/")
        self.provision_local_tagger(f"{url}engine/clarifai/")
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                f"\naffectweb: open {url} and log in with your account.\n"
                f"Forgot the password? .venv/bin/python manage.py changepassword {username}\n"
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            f"\naffectweb: open {url} and log in as\n"
            f"    user name: {username}\n    password:  {password}\n"
            "(printed only now; change it with "
            f".venv/bin/python manage.py changepassword {username})\n"
        )

    def provision_local_engine(self, index_url: str) -> None:
        # A discovered jobs URL of the old address is stale too.
        if _point_at(Provider, LOCAL_PROVIDER, index_url=index_url, jobs_url=""):
            return
        password = secrets.token_urlsafe(24)
        account = Account.objects.filter(username=LOCAL_ACCOUNT).first() or Account(username=LOCAL_ACCOUNT)
        account.set_password(password)
        account.save()
        _create_default(Provider, name=LOCAL_PROVIDER, index_url=index_url, username=LOCAL_ACCOUNT, password=password)
        self.stdout.write(f"Provider '{LOCAL_PROVIDER}' uses the bundled engine at {index_url}")

    def provision_local_tagger(self, base_url: str) -> None:
        if _point_at(TagProvider, LOCAL_TAGGER, base_url=base_url):
            return
        client_id, secret = f"affectweb-dashboard-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
        application = Application(name="Dashboard (content tags)", client_id=client_id)
        application.set_secret(secret)
        application.save()
        _create_default(TagProvider, name=LOCAL_TAGGER, base_url=base_url, client_id=client_id, client_secret=secret)
        self.stdout.write(f"Tag provider '{LOCAL_TAGGER}' uses the bundled tag engine at {base_url}")


def _point_at(model, name: str, **address) -> bool:
    """Whether the provider `name` exists; if so, give it `address` (the first field is
    its URL): the port may differ from the last run (make run PORT=...)."""
    rows = model.objects.filter(name=name)
    if not rows.exists():
        return False
    url_field, url = next(iter(address.items()))
    rows.exclude(**{url_field: url}).update(**address)
    return True


def _create_default(model, **fields) -> None:
    """A new provider, the default one unless another already is."""
    model.objects.create(**fields, is_default=not model.objects.filter(is_default=True).exists())
