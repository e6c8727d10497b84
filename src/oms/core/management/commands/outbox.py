"""``oms outbox list [--after ID] [--name NAME] [--limit N]`` and ``oms outbox consume --consumer NAME``:
read the transactional outbox from the command line (operators checking a partner feed, or a simple
consumer script reading new events as JSON lines)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from oms.core import outbox


class Command(BaseCommand):
    help = "Read domain events from the outbox as JSON lines."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        listing = sub.add_parser("list", help="print events after an id")
        listing.add_argument("--after", type=int, default=0)
        listing.add_argument("--name", action="append", help="only events with this name (repeatable)")
        listing.add_argument("--limit", type=int, default=100)
        consume = sub.add_parser("consume", help="print events a named consumer has not seen and move its cursor")
        consume.add_argument("--consumer", required=True)
        consume.add_argument("--limit", type=int, default=500)

    def handle(self, *args, **options):
        if options.get("limit", 1) < 1:
            raise CommandError("--limit must be 1 or more.")
        if options["verb"] == "list":
            messages = outbox.read(after_id=options["after"], names=options["name"], limit=options["limit"])
        else:
            messages = list(outbox.consume(options["consumer"], limit=options["limit"]))
        for m in messages:
            line = {"id": m.id, "name": m.name, "created_at": m.created_at.isoformat(), "site": m.site_code}
            self.stdout.write(json.dumps({**line, "payload": m.payload}, sort_keys=True))
