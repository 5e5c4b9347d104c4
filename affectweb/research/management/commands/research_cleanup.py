from django.core.management.base import BaseCommand

from affectweb.research.recordings import cleanup


class Command(BaseCommand):
    help = "Delete unfinished participant recordings that are stale, or whose link expired or was revoked."

    def handle(self, *args, **options):
        self.stdout.write(f"{cleanup()} unfinished recordings deleted.")
