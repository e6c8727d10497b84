"""``oms custody_roll --site CODE``: the live roll of a site as text (figures per unit, then who is
out and where).

Runs as the system actor on channel ``cli``, or as a named user with ``--as <username>`` (that user's
permissions and scope then apply), through the same query as the page and the API.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oms.accounts.management.actors import cli_actor
from oms.core.errors import DomainError
from oms.custody.queries import roll as roll_queries
from oms.facilities.models import Site

COLUMNS = (
    ("population", "Pop"),
    ("in_cell", "In cell"),
    ("out", "Out"),
    ("beds_in_use", "Beds used"),
    ("certified_capacity", "CNA"),
    ("working_capacity", "Working"),
    ("vacancies", "Vacant"),
    ("out_of_order", "Out of order"),
)


def site_by_code(code: str) -> Site:
    site = Site.objects.filter(code=code.strip().upper()).first()
    if site is None:
        raise CommandError(f"No site with code {code!r}.")
    return site


def roll_lines(roll) -> list[str]:
    t = roll.totals
    lines = [
        f"Roll of {roll.site_name} ({roll.site_code}) at {roll.as_at:%Y-%m-%d %H:%M} UTC",
        f"Population {t.population}   unlock roll {roll.unlock_roll} (arrived today {roll.arrived_today},"
        f" left today {roll.left_today})",
        f"In cell {t.in_cell}   out {t.out} ({t.out_outside} outside, {t.out_internal} internal)   in reception"
        f" {t.in_reception}   no cell {t.unallocated}   en route here {t.en_route}",
        "",
        f"{'Unit':<12}" + "".join(f"{title:>14}" for _, title in COLUMNS),
    ]
    for unit in [*roll.units, None]:
        figures, name = (unit.figures, unit.name) if unit else (t, "Total")
        lines.append(f"{name[:12]:<12}" + "".join(f"{getattr(figures, key):>14}" for key, _ in COLUMNS))
    if roll.away:
        lines += ["", "Out:"]
        for p in roll.away:
            extra = f", escort {p.escort}" if p.escort else ""
            lines.append(f"  {p.system_number}  {p.name:<30} {p.cell or 'no cell':<14} {p.where}{extra}")
    return lines


class Command(BaseCommand):
    help = "Print a site's live roll: figures per unit and the named list of who is out and where."

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="site code, e.g. PRA")
        parser.add_argument("--as", dest="as_user", help="act as this user (default: the system actor)")

    def handle(self, *args, site, as_user=None, **options):
        site_row = site_by_code(site)
        try:
            with transaction.atomic():
                roll = roll_queries.roll(cli_actor(as_user), site_row.public_id)
        except DomainError as error:
            raise CommandError(f"{error.detail} ({error.code})")
        self.stdout.write("\n".join(roll_lines(roll)))
