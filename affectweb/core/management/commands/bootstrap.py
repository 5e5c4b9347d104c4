"""First-run set-up for `make run`: an administrator, a provider, and how to log in.

Passwords are random and printed once; nothing well-known ever works. The default
provider points the dashboard at the bundled engine over HTTP, exactly as it would
point at a remote service, with an engine account made for it.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from affectweb.dashboard.models import Provider
from affectweb.engine.models import Account

LOCAL_PROVIDER = "Local engine"
LOCAL_ACCOUNT = "dashboard@affectweb.local"


class Command(BaseCommand):
    help = "Create the first administrator and the local-engine provider; print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/",
                            help="where the web process answers (the provider's index URL is under it)")
        parser.add_argument("--username", default="admin")

    @transaction.atomic
    def handle(self, *args, url: str, username: str, **options):
        url = url.rstrip("/") + "/"
        self.provision_local_engine(f"{url}engine/affectiva/")
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
