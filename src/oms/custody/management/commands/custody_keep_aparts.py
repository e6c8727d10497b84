"""``oms custody_keep_aparts show|among``: keep-aparts from the command line.

``show A1234BC`` lists everyone the person must be kept apart from (pairs and groups, strongest
level); ``among A1234BC B2345CD ...`` lists the keep-aparts between people who would travel or be
held together (an escort list, a court holding cell) and exits non-zero when there are any.
Runs as the system actor on channel ``cli``, or as ``--as <username>`` with that user's permission
(custody.view_non_associations) and scope. People out of scope are reported as not found.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oms.accounts.models import User
from oms.accounts.queries import actor_for_user
from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.custody.queries.keep_aparts import keep_aparts_among
from oms.custody.queries.non_associations import keep_aparts_of_person
from oms.people import queries as people_queries


class Command(BaseCommand):
    help = "Show a person's keep-aparts, or the keep-aparts among a list of people."

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="as_user", help="act as this user (default: the system actor)")
        verbs = parser.add_subparsers(dest="verb", required=True)
        show = verbs.add_parser("show", help="everyone one person must be kept apart from")
        show.add_argument("system_number")
        among = verbs.add_parser("among", help="keep-aparts between the people listed (exit 1 if any)")
        among.add_argument("system_numbers", nargs="+")

    def _actor(self, username: str | None) -> Actor:
        if not username:
            return Actor.system(channel="cli")
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {username!r}.")
        return actor_for_user(user, channel="cli")

    def handle(self, *args, verb, as_user=None, **options):
        try:
            with transaction.atomic():
                actor = self._actor(as_user)
                actor.require("custody.view_non_associations")
                found = getattr(self, f"_{verb}")(actor, **options)
        except DomainError as error:
            raise CommandError(f"{error.detail} ({error.code})")
        if verb == "among" and found:
            raise CommandError(f"{found} keep-apart(s) among these people.", returncode=1)

    def _person(self, actor, system_number):
        try:
            return people_queries.get_person_by_system_number(actor, system_number)
        except DomainError:
            raise CommandError(f"No person {system_number!r} within your reach.")

    def _show(self, actor, *, system_number, **_):
        person, found = keep_aparts_of_person(actor, self._person(actor, system_number).public_id)
        if not found:
            self.stdout.write(f"{person.system_number}: no keep-aparts.")
        for keep in found:
            other = (
                f"{keep.other.system_number} {keep.other.family_name.upper()}"
                if keep.other
                else "someone held elsewhere"
            )
            self.stdout.write(
                f"{person.system_number}  apart from {other}  [{keep.restriction_level}, {keep.source}: {keep.reason}]"
            )
        return len(found)

    def _among(self, actor, *, system_numbers, **_):
        people = {p.pk: p for p in (self._person(actor, number) for number in system_numbers)}
        found = keep_aparts_among(people)
        for keep in found:
            one, other = people[keep.person_id], people[keep.other_person_id]
            level = f"[{keep.restriction_level}, {keep.source}: {keep.reason}]"
            self.stdout.write(f"{one.system_number} and {other.system_number}  {level}")
        if not found:
            self.stdout.write("No keep-aparts among these people.")
        return len(found)
