"""``oms export_locations --site CODE [--output FILE]``: a site's location tree as CSV, in the format
``oms import_locations`` reads (parents before children), to standard output or a file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.facilities import queries


class Command(BaseCommand):
    help = "Write a site's location tree as CSV (the import format)."

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="the site's code")
        parser.add_argument("--output", help="write to this file instead of standard output")

    def handle(self, *args, site, output=None, **options):
        actor = Actor.system(channel="cli")
        try:
            the_site = queries.get_site_by_code(actor, site)
            text = queries.locations_csv(actor, the_site)
        except DomainError as error:
            raise CommandError(f"{error.detail} ({error.code})") from None
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
