"""``oms import_offence_paragraphs [NAME|FILE]``: load disciplinary offence paragraphs. Without an
argument, the shipped England and Wales list (Prison Rules 1999 r.51, ``oms/incidents/offence_paragraphs``);
with a shipped name or a JSON file of the same shape, that list. A changed wording becomes a new version,
an unchanged paragraph is left alone (docs/incidents-adjudications.md). Runs as the system actor."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.incidents import offence_paragraphs
from oms.incidents.services import adjudications as services


class Command(BaseCommand):
    help = "Import disciplinary offence paragraphs; changed wording becomes a new version."

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="?", default=offence_paragraphs.DEFAULT, help="shipped name or .json file")

    def handle(self, *args, source, **options):
        try:
            if source in offence_paragraphs.available():
                document = offence_paragraphs.load(source)
            else:
                document = json.loads(Path(source).read_text(encoding="utf-8"))
            rows = [{"effective_from": document.get("effective_from"), **row} for row in document["paragraphs"]]
            added = services.import_offence_paragraphs(Actor.system(channel="cli"), rows)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"Cannot read {source}: {error}") from None
        except DomainError as error:
            raise CommandError(f"{error.detail} ({error.code})") from None
        for paragraph in added:
            self.stdout.write(f"added paragraph {paragraph.code} version {paragraph.version}")
        self.stdout.write(f"{len(added)} added")
