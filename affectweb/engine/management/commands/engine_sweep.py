"""Re-enqueue engine jobs that Redis lost or whose worker died (see tasks.sweep).

Run it at start-up and then regularly: `manage.py engine_sweep --every 60` stays in the
foreground (a Procfile line), or call it once from cron.
"""

import time

from django.core.management.base import BaseCommand

from affectweb.engine.tasks import sweep


class Command(BaseCommand):
    help = "Re-enqueue lost engine jobs; with --every, keep doing it."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, metavar="SECONDS", help="repeat forever at this interval")

    def handle(self, *args, every: float | None, **options):
        while True:
            counts = sweep()
            if any(counts.values()) or options["verbosity"] > 1:
                self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
            if not every:
                return
            time.sleep(every)
