"""``oms import_assessments FILE [--dry-run] [--skip-bad-rows] [--format csv|jsonl]``: load historical
completed assessments (docs/assessment-imports.md).

Runs as the system actor on channel ``cli`` in one transaction. Every row is scored by the engine from
its answers. All or nothing: when any row is rejected, nothing is imported unless ``--skip-bad-rows``
is given. Each rejected row is printed with its number, column and reason; progress goes to stderr
every 1,000 rows. Re-running a file skips the rows already imported (each row's key is stored).
Exits with an error when rows were rejected and nothing was imported, so a script notices.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oms.assessment.services import imports as services
from oms.core.actor import Actor
from oms.core.csv_upload import decode_csv_bytes
from oms.core.errors import DomainError

JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


class Command(BaseCommand):
    help = "Import historical completed assessments from CSV or JSON lines (scored by the engine)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the file (UTF-8): CSV with a header row, or JSON lines")
        parser.add_argument("--dry-run", action="store_true", help="check every row and change nothing")
        parser.add_argument(
            "--skip-bad-rows", action="store_true", help="import the good rows even when some are rejected"
        )
        parser.add_argument("--format", choices=("csv", "jsonl"), help="default: from the file name (.jsonl, .ndjson)")

    def handle(self, *args, file, dry_run, skip_bad_rows, format, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        if path.stat().st_size > services.MAX_IMPORT_BYTES:
            raise CommandError(f"The file is too large: the limit is {services.MAX_IMPORT_BYTES // 1_000_000} MB")
        try:
            text = decode_csv_bytes(path.read_bytes(), services.MAX_IMPORT_BYTES)
        except ValueError as error:
            raise CommandError(str(error)) from None
        fmt = format or ("jsonl" if path.suffix.lower() in JSON_LINES_SUFFIXES else "csv")
        try:
            with transaction.atomic():
                report = services.import_assessments(
                    Actor.system(channel="cli"),
                    text=text,
                    fmt=fmt,
                    dry_run=dry_run,
                    partial=skip_bad_rows,
                    progress=self._progress,
                )
        except DomainError as error:
            raise CommandError(f"{error.detail} ({error.code})") from None
        for rejected in report.rejected:
            self.stdout.write(f"row {rejected.row}  {rejected.column or '(row)'}: {rejected.reason}")
        held_back = bool(report.rejected) and not skip_bad_rows
        would = "would be " if dry_run or held_back else ""
        summary = (
            f"{report.rows_read} rows read, {report.imported} {would}imported, "
            f"{report.already_imported} already imported, {len(report.rejected)} rejected"
        )
        if dry_run:
            self.stdout.write(summary + " (dry run: nothing written)")
        elif held_back:
            self.stdout.write(summary)
            raise CommandError(
                f"{len(report.rejected)} rows rejected: nothing imported (fix them, or use --skip-bad-rows)"
            )
        else:
            self.stdout.write(summary)

    def _progress(self, stage: str, done: int, total: int) -> None:
        self.stderr.write(f"{stage} {done:,} of {total:,} rows")
