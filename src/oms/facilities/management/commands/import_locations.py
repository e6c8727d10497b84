"""``oms import_locations --site CODE FILE.csv [--dry-run]``: bulk import a location tree.

Runs as the system actor on channel ``cli`` in one transaction: the import is audited like the page
and API, and a failure part-way leaves the site as it was. Prints the report of rejected rows.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.facilities import queries, rules, services


class Command(BaseCommand):
    help = "Import a site's location tree from a CSV file (see docs/custody-estate.md for the columns)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file (UTF-8)")
        parser.add_argument("--site", required=True, help="the site's code")
        parser.add_argument("--dry-run", action="store_true", help="check the file and create nothing")

    def handle(self, *args, file, site, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        if path.stat().st_size > rules.MAX_IMPORT_BYTES:
            raise CommandError(f"The file is too large: the limit is {rules.MAX_IMPORT_BYTES // 1_000_000} MB")
        try:
            text = rules.decode_csv_bytes(path.read_bytes())
        except ValueError as error:
            raise CommandError(str(error)) from None
        actor = Actor.system(channel="cli")
        try:
            with transaction.atomic():
                the_site = queries.get_site_by_code(actor, site, permission="facilities.manage_locations")
                report = services.import_locations(
                    actor, site_id=the_site.public_id, csv_text=text, dry_run=dry_run, progress=self._progress
                )
        except DomainError as error:
            raise CommandError(f"{error.detail} ({error.code})") from None
        for rejected in report.rejected:
            column = rejected.column or "(row)"
            self.stdout.write(f"row {rejected.row}  {rejected.key or '-'}  {column}: {rejected.reason}")
        verb = "would be created" if dry_run else "created"
        self.stdout.write(
            f"{report.rows_read} rows read, {report.created} {verb}, {len(report.rejected)} rejected"
            + (" (dry run: nothing written)" if dry_run else "")
        )

    def _progress(self, stage: str, done: int, total: int) -> None:
        self.stderr.write(f"{stage} {done:,} of {total:,}")
