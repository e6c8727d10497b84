"""``oms sweep_attachment_files [--dry-run]``: remove incident evidence files that no attachment row names
(left by an upload whose transaction rolled back after the file was kept, or by a killed process),
older than an hour. Runs as the system actor; also a daily scheduled job."""

from django.core.management.base import BaseCommand

from oms.core.actor import Actor
from oms.incidents.services.attachments import sweep_unreferenced_files


class Command(BaseCommand):
    help = "Remove evidence files that no attachment names (older than an hour)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list what would be removed, remove nothing")

    def handle(self, *args, **options):
        names = sweep_unreferenced_files(Actor.system(channel="cli"), dry_run=options["dry_run"])
        for name in names:
            self.stdout.write(name)
        verb = "would be removed" if options["dry_run"] else "removed"
        self.stdout.write(f"{len(names)} unreferenced file(s) {verb}")
