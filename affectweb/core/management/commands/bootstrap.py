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
        provider = Provider.objects.filter(name=LOCAL_PROVIDER).first()
        if provider:
            # The port may differ from the last run (make run PORT=...).
            if provider.index_url != index_url:
                Provider.objects.filter(pk=provider.pk).update(index_url=index_url, jobs_url="")
            return
        password = secrets.token_urlsafe(24)
        account = Account.objects.filter(username=LOCAL_ACCOUNT).first() or Account(username=LOCAL_ACCOUNT)
        account.set_password(password)
        account.save()
        Provider.objects.create(
            name=LOCAL_PROVIDER, index_url=index_url, username=LOCAL_ACCOUNT, password=password,
            is_default=not Provider.objects.filter(is_default=True).exists(),
        )
        self.stdout.write(f"Provider '{LOCAL_PROVIDER}' uses the bundled engine at {index_url}")

    def provision_local_tagger(self, base_url: str) -> None:
        provider = TagProvider.objects.filter(name=LOCAL_TAGGER).first()
        if provider:
            if provider.base_url != base_url:
                TagProvider.objects.filter(pk=provider.pk).update(base_url=base_url)
            return
        client_id, secret = f"affectweb-dashboard-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
        application = Application(name="Dashboard (content tags)", client_id=client_id)
        application.set_secret(secret)
        application.save()
        TagProvider.objects.create(
            name=LOCAL_TAGGER, base_url=base_url, client_id=client_id, client_secret=secret,
            is_default=not TagProvider.objects.filter(is_default=True).exists(),
        )
        self.stdout.write(f"Tag provider '{LOCAL_TAGGER}' uses the bundled tag engine at {base_url}")
