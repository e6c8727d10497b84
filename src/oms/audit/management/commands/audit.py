"""``oms audit verify | checkpoint | search | purge``: the audit trail from the command line.

The operator acts as the system actor on the "cli" channel; every verb is itself audited.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oms.audit import queries, services
from oms.core.actor import Actor
from oms.core.errors import DomainError, ServiceUnavailable


def _instant(value: str) -> datetime:
    """A date (midnight UTC) or an ISO 8601 date-time (UTC unless it names its offset)."""
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time.min, tzinfo=UTC)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date or ISO 8601 date-time: {value!r}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = "Verify the audit hash chain, write a signed checkpoint, or search the audit trail."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        verbs.add_parser("verify", help="Check every event; exit 1 and name the first bad position if any.")
        verbs.add_parser("checkpoint", help="Sign the current chain head (run nightly and before a purge).")
        purge = verbs.add_parser(
            "purge", help="Delete events older than OMS_AUDIT_RETENTION_DAYS, leaving a signed anchor (audited)."
        )
        purge.add_argument("--dry-run", action="store_true", help="say what would be deleted; change nothing")
        search = verbs.add_parser("search", help="Search events, newest first.")
        search.add_argument("--user", help="username (case-insensitive) or numeric user id")
        search.add_argument("--person", help="subject person: system number (such as A1234BC) or person id")
        search.add_argument("--object-type")
        search.add_argument("--object-id")
        search.add_argument("--action", help='an action name, or an app prefix ending in "." such as "people."')
        search.add_argument("--since", type=_instant, help="from this date or date-time (inclusive)")
        search.add_argument("--until", type=_instant, help="to this date or date-time (exclusive)")
        search.add_argument("--page", type=int, default=1)
        search.add_argument("--page-size", type=int, default=50)

    def handle(self, *args, verb: str, **options):
        actor = Actor.system(channel="cli", name="cli")
        try:
            if verb == "verify":
                self._verify(actor)
            elif verb == "checkpoint":
                self._checkpoint(actor)
            elif verb == "purge":
                self._purge(actor, dry_run=options["dry_run"])
            else:
                self._search(actor, options)
        except DomainError as exc:
            raise CommandError(exc.detail)

    def _verify(self, actor: Actor) -> None:
        # Read outside a transaction (SQLite would hold its write lock for the whole run); record inside one.
        verification = queries.verify_stored_chain(actor)
        unrecorded = ""
        try:
            with transaction.atomic():
                services.record_verification(actor, verification)
        except ServiceUnavailable as exc:
            # A broken chain can stop appends too (e.g. a head moved back): still say what was found.
            unrecorded = f"The result could not be recorded in the audit trail: {exc.detail}"
        if verification.ok and not unrecorded:
            self.stdout.write(verification.summary())
            return
        (self.stdout if verification.ok else self.stderr).write(verification.summary())
        if unrecorded:
            self.stderr.write(unrecorded)
        sys.exit(1)

    def _checkpoint(self, actor: Actor) -> None:
        with transaction.atomic():
            checkpoint = services.write_checkpoint(actor)
        if checkpoint is None:
            self.stdout.write("Nothing to sign: the chain head is empty or already checkpointed.")
        else:
            self.stdout.write(f"Checkpoint signed at position {checkpoint.seq}, hash {checkpoint.hash}")

    def _purge(self, actor: Actor, *, dry_run: bool) -> None:
        with transaction.atomic():
            result = services.purge_expired_events(actor, dry_run=dry_run)
        cutoff = result.cutoff.isoformat(timespec="seconds")
        if not result.events:
            self.stdout.write(f"Nothing to purge: no event occurred before {cutoff}.")
            return
        verb = "Would purge" if dry_run else "Purged"
        self.stdout.write(
            f"{verb} {result.events} events (positions {result.first_seq}..{result.last_seq},"
            f" {result.oldest_at.isoformat(timespec='seconds')} to {result.newest_at.isoformat(timespec='seconds')})"
            f" older than {cutoff}."
            + ("" if dry_run else f" The chain now starts after the signed anchor at position {result.last_seq}.")
        )

    def _search(self, actor: Actor, options: dict) -> None:
        user = options["user"] or ""
        person_id = None
        if options["person"]:
            person_id = queries.resolve_person(options["person"])
            if person_id is None:
                raise CommandError(f"no person has the system number {options['person']!r}")
        with transaction.atomic():
            page = queries.search_events(
                actor,
                user_id=queries.as_id(user),
                username=None if queries.as_id(user) is not None else user or None,
                person_id=person_id,
                object_type=options["object_type"],
                object_id=options["object_id"],
                action=options["action"],
                since=options["since"],
                until=options["until"],
                page=options["page"],
                page_size=options["page_size"],
            )
        for event in page.events:
            subject = f" person={event.subject_person_id}" if event.subject_person_id else ""
            target = f" {event.object_type}:{event.object_id}" if event.object_type else ""
            self.stdout.write(
                f"{event.seq}\t{event.occurred_at.isoformat()}\t{event.actor_username}\t{event.action}"
                f"\t{event.outcome}{target}{subject}"
            )
        self.stdout.write(f"Page {page.number} of {page.pages} ({page.total} events)")
