"""Import media files from disk into a study, as an upload through the browser would."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from affectweb.analysis.types import MediaError
from affectweb.dashboard.models import Study
from affectweb.dashboard.uploads import add_media


class Command(BaseCommand):
    help = "Upload video/image files into a study (created if missing) and queue their analysis."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--user", required=True, help="user name of the study's owner")
        parser.add_argument("--study", default="Imported", help="study name (default: Imported)")

    def handle(self, *args, paths: list[Path], user: str, study: str, **options):
        try:
            owner = get_user_model().objects.get_by_natural_key(user)
        except get_user_model().DoesNotExist as e:
            raise CommandError(f"No user named {user!r}.") from e
        target, _ = Study.objects.get_or_create(owner=owner, name=study)
        failed = 0
        for path in paths:
            try:
                with open(path, "rb") as fh, transaction.atomic():
                    media = add_media(target, path.name, fh, path.stat().st_size)
            except (OSError, MediaError) as e:
                failed += 1
                reason = e.strerror if isinstance(e, OSError) else str(e)
                self.stdout.write(f"-\terror\t{path}\t{reason}")
                continue
            self.stdout.write(f"{media.pk}\t{media.status}\t{path}\t{media.error}".rstrip())
        if failed:
            raise CommandError(f"{failed} of {len(paths)} files were not imported.")
