"""First-run set-up for `make run`: an administrator account, and how to log in.

The password is random and printed once; nothing well-known ever works.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the first administrator (random password) and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")
        parser.add_argument("--username", default="admin")

    def handle(self, *args, url: str, username: str, **options):
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
