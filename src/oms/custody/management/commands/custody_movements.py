"""``oms custody_movements out-list|import``: who is out and where, and batch recording from a CSV.

``out-list --site CODE`` lists everyone out of the establishment with where they went, since when and
the responsible party, then everyone at a place inside. ``import --site CODE FILE.csv`` records a
movement window from a CSV with the columns ``booking_number, kind, destination, escort, to_location,
reason, occurred_at`` (``to_location`` is a location key such as ``EDU``): all or nothing, every bad
row reported with its line number, field and reason, exactly as the page and the API report them.

Runs as the system actor on channel ``cli``, or as a named user with ``--as <username>``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oms.accounts.models import User
from oms.accounts.queries import actor_for_user
from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.custody.queries import movements as queries
from oms.custody.services import movements as services
from oms.facilities.models import Location, Site

COLUMNS = ("booking_number", "kind", "destination", "escort", "to_location", "reason", "occurred_at")
MAX_ROWS = 5000


class Command(BaseCommand):
    help = "Who is out and where; record a movement window from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="as_user", help="act as this user (default: the system actor)")
        verbs = parser.add_subparsers(dest="verb", required=True)
        out_list = verbs.add_parser("out-list", help="who is out of the establishment, and where")
        out_list.add_argument("--site", required=True, help="site code, e.g. PRA")
        batch = verbs.add_parser("import", help="record a movement window from a CSV file (all or nothing)")
        batch.add_argument("--site", required=True, help="site code, e.g. PRA")
        batch.add_argument("file", help=f"CSV with a header row: {', '.join(COLUMNS)}")
        batch.add_argument("--override-reason", default="", help="a supervisor's reason to override keep-aparts")

    def _actor(self, username: str | None) -> Actor:
        if not username:
            return Actor.system(channel="cli")
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {username!r}.")
        return actor_for_user(user, channel="cli")

    def _site(self, code: str) -> Site:
        site = Site.objects.filter(code=code.strip().upper()).first()
        if site is None:
            raise CommandError(f"No site with code {code!r}.")
        return site

    def handle(self, *args, verb, as_user=None, **options):
        try:
            with transaction.atomic():
                actor = self._actor(as_user)
                site = self._site(options["site"])
                if verb == "out-list":
                    self._out_list(actor, site)
                else:
                    self._import(actor, site, Path(options["file"]), options["override_reason"])
        except services.BatchRejected as rejected:
            for error in rejected.errors:
                # Line numbers as a spreadsheet shows them: the header is line 1.
                self.stderr.write(f"line {error.row + 2}: {error.field}: {error.detail} ({error.code})")
            raise CommandError(f"{len(rejected.errors)} problem(s) in the file; nothing was recorded.")
        except DomainError as error:
            raise CommandError(f"{error.detail} ({error.code})")

    def _out_list(self, actor, site):
        away = queries.people_out(actor, site.public_id)
        for item in away:
            person, movement = item.episode.person, item.movement
            where = (movement.destination or movement.get_kind_display()) if movement else "unknown"
            since = movement.occurred_at.isoformat(timespec="minutes") if movement and movement.occurred_at else "?"
            escort = movement.escort if movement and movement.escort else "no escort recorded"
            kind = movement.get_kind_display() if movement else "Out"
            self.stdout.write(
                f"{item.episode.booking_number}  {person.family_name.upper()}, {person.given_name}  {kind}: {where}"
                f"  since {since}  responsible: {escort}"
            )
        inside = queries.people_at_internal_locations(actor, site.public_id)
        for item in inside:
            person = item.episode.person
            self.stdout.write(
                f"{item.episode.booking_number}  {person.family_name.upper()}, {person.given_name}"
                f"  inside at {item.episode.current_location.key}"
            )
        self.stdout.write(f"{len(away)} out of the establishment, {len(inside)} at a place inside")

    def _import(self, actor, site, path: Path, override_reason: str):
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                missing = [c for c in ("booking_number", "kind") if c not in (reader.fieldnames or [])]
                if missing:
                    raise CommandError(f"The CSV needs a header row with at least: {', '.join(missing)}.")
                rows = []
                for row in reader:
                    rows.append(row)
                    if len(rows) > MAX_ROWS:
                        raise CommandError(f"Import at most {MAX_ROWS:,} rows at once.")
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.")
        except (UnicodeDecodeError, csv.Error):
            raise CommandError(f"{path} is not a UTF-8 CSV file.")
        keys = {(r.get("to_location") or "").strip() for r in rows} - {""}
        location_ids = dict(Location.objects.filter(site=site, key__in=keys).values_list("key", "public_id"))
        items = []
        for row in rows:
            key = (row.get("to_location") or "").strip()
            items.append(
                {
                    "booking_number": (row.get("booking_number") or "").strip(),
                    "kind": (row.get("kind") or "").strip().lower(),
                    "destination": row.get("destination") or "",
                    "escort": row.get("escort") or "",
                    "reason": row.get("reason") or "",
                    "occurred_at": (row.get("occurred_at") or "").strip() or None,
                    # An unknown key stays unresolved so the batch reports it on its row.
                    "to_location_id": str(location_ids[key]) if key in location_ids else (key or None),
                }
            )
        result = services.record_movement_batch(
            actor, site_id=site.public_id, items=items, override_reason=override_reason
        )
        flagged = " (flagged: a count at the site is not cleared)" if result.during_uncleared_count else ""
        self.stdout.write(f"Recorded {len(result.movements)} movements, batch {result.batch_id}{flagged}")
