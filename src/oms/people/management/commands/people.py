"""``oms people search|show|merge|portal-open|portal-close``: the person record from the command line.

Runs as the system actor on channel ``cli``, or as a named user with ``--as <username>`` (that user's
permissions and scope then apply). Every read and change is audited like the pages and API.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oms.accounts.management.actors import cli_actor
from oms.core.errors import DomainError
from oms.people import queries, services
from oms.people.services.portal import close_portal_account, open_portal_account


class Command(BaseCommand):
    help = "Search, show and merge person records."

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="as_user", help="act as this user (default: the system actor)")
        verbs = parser.add_subparsers(dest="verb", required=True)
        search = verbs.add_parser("search", help="find people by name, system number or identifier")
        search.add_argument("text")
        search.add_argument("--limit", type=int, default=20)
        show = verbs.add_parser("show", help="show one person by system number")
        show.add_argument("system_number")
        merge = verbs.add_parser("merge", help="merge a duplicate record into the survivor")
        merge.add_argument("survivor", help="system number of the record that is kept")
        merge.add_argument("duplicate", help="system number of the duplicate record")
        merge.add_argument("--reason", required=True)
        portal_open = verbs.add_parser("portal-open", help="open the person's participant portal account")
        portal_open.add_argument("system_number")
        portal_open.add_argument("--username", required=True)
        portal_open.add_argument("--email", default="")
        portal_open.add_argument("--phone", default="", help="for text reminders")
        portal_close = verbs.add_parser("portal-close", help="close the person's participant portal account")
        portal_close.add_argument("system_number")
        portal_close.add_argument("--reason", required=True)

    def handle(self, *args, verb, as_user=None, **options):
        try:
            with transaction.atomic():
                actor = cli_actor(as_user)
                getattr(self, f"_{verb.replace('-', '_')}")(actor, **options)
        except DomainError as error:
            raise CommandError(f"{error.detail} ({error.code})")

    def _search(self, actor, *, text, limit, **_):
        result = queries.search_people(actor, text=text, limit=limit)
        for hit in result.hits:
            person = hit.person
            dob = person.date_of_birth.isoformat() if person.date_of_birth else "unknown"
            also = f" (as {hit.matched_name})" if hit.matched_name else ""
            self.stdout.write(
                f"{person.system_number}  {person.family_name.upper()}, {person.given_name}  born {dob}  "
                f"[{hit.match_kind}{also}, {hit.score}]"
            )
        self.stdout.write(f"{len(result.hits)} of {result.total} shown")

    def _show(self, actor, *, system_number, **_):
        person = queries.get_person_by_system_number(actor, system_number)
        dob = person.date_of_birth.isoformat() if person.date_of_birth else "unknown"
        self.stdout.write(f"{person.family_name.upper()}, {person.given_name} {person.middle_names}".rstrip())
        self.stdout.write(f"System number: {person.system_number}")
        self.stdout.write(f"Date of birth: {dob}")
        self.stdout.write(f"Status: {person.get_status_display()}; legal status: {person.get_legal_status_display()}")
        for name in queries.person_names(person):
            if name.kind != "primary":
                self.stdout.write(f"Also known as: {name.given_name} {name.family_name} ({name.get_kind_display()})")
        for identifier in queries.person_identifiers(person):
            self.stdout.write(f"{identifier.get_kind_display()}: {identifier.value}")
        for alert in queries.active_alerts(person):
            self.stdout.write(f"Alert: {alert.get_type_display()} ({alert.get_level_display()})")

    def _merge(self, actor, *, survivor, duplicate, reason, **_):
        kept = queries.get_person_by_system_number(actor, survivor)
        merged = queries.get_person_by_system_number(actor, duplicate)
        outcome = services.merge_people(actor, survivor_id=kept.public_id, duplicate_id=merged.public_id, reason=reason)
        moved = ", ".join(f"{label}: {count}" for label, count in sorted(outcome.moved.items())) or "nothing"
        self.stdout.write(f"Merged {merged.system_number} into {kept.system_number}. Moved {moved}.")

    def _portal_open(self, actor, *, system_number, username, email, phone, **_):
        person = queries.get_person_by_system_number(actor, system_number)
        user, password = open_portal_account(actor, person.public_id, username=username, email=email, phone=phone)
        self.stdout.write(f"Portal account {user.username} opened for {person.system_number}.")
        self.stdout.write(f"One-time password (shown once; hand it over in person): {password}")
        self.stdout.write("They choose their own password and set up an authenticator app when they first sign in.")

    def _portal_close(self, actor, *, system_number, reason, **_):
        person = queries.get_person_by_system_number(actor, system_number)
        account = close_portal_account(actor, person.public_id, reason=reason)
        self.stdout.write(f"Portal account {account.user.username} closed; the user is disabled.")
