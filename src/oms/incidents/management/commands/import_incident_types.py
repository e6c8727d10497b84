"""``oms import_incident_types FILE|DIR [--dry-run]``: load incident type definitions (JSON, one object
or a list per file; a directory loads every ``*.json``). A changed definition becomes a new version, an
identical one is a no-op (docs/incidents-reports.md). Runs as the system actor on channel ``cli``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.incidents.services import types as services


class Command(BaseCommand):
    help = "Import incident type definitions; changed ones become new versions."

    def add_arguments(self, parser):
        parser.add_argument("path", help="a .json file or a directory of them")
        parser.add_argument("--dry-run", action="store_true", help="check and report, change nothing")

    def handle(self, *args, path, dry_run, **options):
        try:
            definitions = services.read_definitions(Path(path))
            report = services.import_incident_types(Actor.system(channel="cli"), definitions, dry_run=dry_run)
        except DomainError as error:
            raise CommandError(f"{error.detail} ({error.code})") from None
        prefix = "would add" if dry_run else "added"
        for line in report.added:
            self.stdout.write(f"{prefix} {line}")
        self.stdout.write(f"{len(report.added)} {prefix}, {len(report.unchanged)} unchanged")
