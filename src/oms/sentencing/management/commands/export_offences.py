"""``oms export_offences [--output FILE]``: the whole offence catalogue (inactive codes too) as CSV in
the format ``oms import_offences`` reads, so an export imported again changes nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from oms.core.actor import Actor
from oms.sentencing.queries import offences as queries


class Command(BaseCommand):
    help = "Write the offence catalogue as CSV (the import format)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="write to this file instead of standard output")

    def handle(self, *args, output=None, **options):
        text = queries.offences_csv(Actor.system(channel="cli"))
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
