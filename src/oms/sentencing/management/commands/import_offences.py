"""``oms import_offences FILE.csv [--dry-run]``: load the offence catalogue from CSV.

Runs as the system actor on channel ``cli`` in one transaction, audited like the page and API. New
codes are added, existing codes updated, nothing deleted. Prints each rejected row and the counts.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.sentencing.rules import records as rules
from oms.sentencing.services import offences as services


class Command(BaseCommand):
    help = "Import the offence catalogue from a CSV file (columns: code,title,category,severity,flags[,active])."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file (UTF-8)")
        parser.add_argument("--dry-run", action="store_true", help="check the file and change nothing")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        if path.stat().st_size > rules.MAX_IMPORT_BYTES:
            raise CommandError(f"The file is too large: the limit is {rules.MAX_IMPORT_BYTES // 1_000_000} MB")
        try:
            text = rules.decode_csv_bytes(path.read_bytes())
        except ValueError as error:
            raise CommandError(str(error)) from None
        try:
            with transaction.atomic():
                report = services.import_offences(Actor.system(channel="cli"), csv_text=text, dry_run=dry_run)
        except DomainError as error:
            raise CommandError(f"{error.detail} ({error.code})") from None
        for rejected in report.rejected:
            self.stdout.write(
                f"row {rejected.row}  {rejected.code or '-'}  {rejected.column or '(row)'}: {rejected.reason}"
            )
        would = "would be " if dry_run else ""
        self.stdout.write(
            f"{report.rows_read} rows read, {report.created} {would}created, {report.updated} {would}updated, "
            f"{report.unchanged} unchanged, {len(report.rejected)} rejected"
            + (" (dry run: nothing written)" if dry_run else "")
        )
