"""Create or update the credentials an engine's API clients log in with.

One subcommand per engine, so each can take the credentials its protocol uses:
    manage.py engine_credentials affectiva --username U --password P
    manage.py engine_credentials clarifai --client-id I --client-secret S
To add an engine, write a `handle_<engine>` method and register its arguments in
`ENGINES` below.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from affectweb.engine.models import Account
from affectweb.tagapi.models import Application

# engine -> (help, [(flag, help)]): every argument is a required string option.
ENGINES = {
    "affectiva": (
        "HTTP Basic credentials of the Affectiva Media API",
        [("--username", "user name, often an e-mail address"), ("--password", "any characters, ':' included")],
    ),
    "clarifai": (
        "OAuth2 client credentials of the Clarifai v1 tag API (an application)",
        [("--client-id", "the application's client id"), ("--client-secret", "the application's client secret")],
    ),
}


class Command(BaseCommand):
    help = "Create or update the API credentials of an engine."

    def add_arguments(self, parser):
        subparsers = parser.add_subparsers(dest="engine", required=True, title="engines")
        for engine, (engine_help, arguments) in ENGINES.items():
            sub = subparsers.add_parser(engine, help=engine_help)
            for flag, flag_help in arguments:
                sub.add_argument(flag, required=True, help=flag_help)

    def handle(self, *args, engine: str, **options):
        getattr(self, f"handle_{engine}")(**options)

    @transaction.atomic
    def handle_affectiva(self, *, username: str, password: str, **options):
        if not password:
            raise CommandError("The password cannot be empty.")
        account = Account.objects.select_for_update().filter(username=username).first()
        verb = "Updated" if account else "Created"
        account = account or Account(username=username)
        account.set_password(password)
        try:
            account.full_clean()
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        account.save()
        self.stdout.write(f"{verb} Affectiva API account {username}.")

    @transaction.atomic
    def handle_clarifai(self, *, client_id: str, client_secret: str, **options):
        if not client_id or not client_secret:
            raise CommandError("The client id and secret cannot be empty.")
        application = Application.objects.select_for_update().filter(client_id=client_id).first()
        verb = "Updated" if application else "Created"
        application = application or Application(client_id=client_id, name=client_id)
        application.set_secret(client_secret)
        application.save()
        self.stdout.write(f"{verb} Clarifai API application {client_id}.")
