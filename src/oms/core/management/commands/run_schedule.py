"""``oms run_schedule [--once] [--interval SECONDS]``: enqueue periodic jobs when they fall due.

Run it beside the task worker (``oms db_worker``), or from cron with ``--once``.
"""

import time

from django.core.management.base import BaseCommand

from oms.core.schedule import enqueue_due_jobs


class Command(BaseCommand):
    help = "Enqueue the periodic jobs named in settings.SCHEDULE when they fall due."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="check once and exit")
        parser.add_argument("--interval", type=int, default=60, help="seconds between checks (default 60)")

    def handle(self, *args, **options):
        while True:
            for name in enqueue_due_jobs():
                self.stdout.write(f"enqueued {name}")
            if options["once"]:
                return
            time.sleep(max(1, options["interval"]))
