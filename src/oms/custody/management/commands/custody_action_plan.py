"""``oms custody_action_plan --site CODE [--date YYYY-MM-DD]``: a site's daily action plan as text.

Runs as the system actor on channel ``cli``, or as a named user with ``--as <username>`` (that user's
permissions and scope then apply), through the same query as the page and the API.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oms.accounts.models import User
from oms.accounts.queries import actor_for_user
from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.custody import queries
from oms.facilities.models import Site

_BASIS = {
    "release_date": "release date passed",
    "authority_expired": "lawful authority expired",
    "no_authority": "no lawful authority recorded",
}


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}.")


def _who(episode) -> str:
    return f"{episode.booking_number}  {episode.person.family_name.upper()}, {episode.person.given_name}"


class Command(BaseCommand):
    help = (
        "Print a site's daily action plan: held past release first, then releases, court, transfers, "
        "expiring authorities and people on watch."
    )

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="site code, e.g. PRA")
        parser.add_argument("--date", type=_date, default=None, help="the day (YYYY-MM-DD); default today")
        parser.add_argument("--as", dest="as_user", help="act as this user (default: the system actor)")

    def handle(self, *args, site, date=None, as_user=None, **options):
        site_row = Site.objects.filter(code=site.strip().upper()).first()
        if site_row is None:
            raise CommandError(f"No site with code {site!r}.")
        try:
            with transaction.atomic():
                if as_user:
                    user = User.objects.filter(username=as_user, is_active=True).first()
                    if user is None:
                        raise CommandError(f"No active user called {as_user!r}.")
                    actor = actor_for_user(user, channel="cli")
                else:
                    actor = Actor.system(channel="cli")
                plan = queries.action_plan(actor, site_row.public_id, date)
        except DomainError as error:
            raise CommandError(f"{error.detail} ({error.code})")
        self._print(plan)

    def _section(self, title: str, lines: list[str]) -> None:
        self.stdout.write(f"\n{title} ({len(lines)})")
        for line in lines or ["none"]:
            self.stdout.write(f"  {line}")

    def _print(self, plan) -> None:
        zone = ZoneInfo(plan.site.time_zone)

        def hm(at: dt.datetime) -> str:  # staff read the site's local time
            return at.astimezone(zone).strftime("%H:%M")

        self.stdout.write(f"Daily action plan: {plan.site.name} ({plan.site.code}), {plan.day.isoformat()}")
        self._section(
            "HELD PAST RELEASE DATE",
            [
                f"{_who(h.episode)}  {_BASIS[h.basis]}"
                + (f" on {h.since.isoformat()}" if h.since else "")
                + f"  ({h.days_over} day(s))"
                for h in plan.held_past_release
            ],
        )
        self._section("Releases due", [_who(e) for e in plan.releases_due])
        self._section(
            "Court appearances",
            [f"{_who(m.episode)}  {hm(m.scheduled_at)}  {m.destination}" for m in plan.court_appearances],
        )
        self._section(
            "Transfers out",
            [
                f"{_who(m.episode)}  {hm(m.scheduled_at)}  to {m.to_site.code if m.to_site else m.destination}"
                for m in plan.transfers_out
            ],
        )
        self._section(
            "Transfers expected in",
            [f"{_who(m.episode)}  {hm(m.scheduled_at)}  from {m.site.code}" for m in plan.transfers_in],
        )
        self._section(
            "Authorities expiring",
            [
                f"{_who(a.episode)}  {a.get_kind_display()} {a.reference} expires {a.expires_on.isoformat()}"
                for a in plan.authorities_expiring
            ],
        )
        self._section(
            "On watch",
            [
                f"{_who(p.episode)}  every {p.interval_minutes} min, next due {hm(p.next_due_at)}"
                + ("  OVERDUE" if p.next_due_at < plan.generated_at else "")
                for p in plan.on_watch
            ],
        )
