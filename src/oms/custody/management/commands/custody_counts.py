"""``oms custody_counts history --site CODE [--days N]`` (counts with late and missed ones) and
``oms custody_counts sheet --site CODE`` (the plain-text count sheet of the count in progress, for
when the pages cannot be reached).

Runs as the system actor on channel ``cli``, or as a named user with ``--as <username>``, through
the same queries as the pages and the API.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oms.core.errors import DomainError
from oms.custody.management.commands.custody_roll import cli_actor, site_by_code
from oms.custody.queries import counts as count_queries

_VERDICT = {
    "on_time": "on time",
    "late": "LATE",
    "overdue": "OVERDUE",
    "in_progress": "in progress",
    "missed": "MISSED",
}


def history_lines(history) -> list[str]:
    zone = ZoneInfo(history.site.time_zone)
    minutes = int(history.tolerance.total_seconds() // 60)
    lines = [
        f"Counts at {history.site.name} since {history.since.astimezone(zone):%Y-%m-%d}"
        f" (late = cleared more than {minutes} min after due)",
        f"{len(history.late)} late or overdue, {len(history.missed)} missed",
        "",
    ]
    for row in history.rows:
        cleared = row.cleared_at.astimezone(zone).strftime("%H:%M") if row.cleared_at else "-"
        lines.append(
            f"{row.due_at.astimezone(zone):%a %Y-%m-%d %H:%M}  {row.name[:28]:<28} cleared {cleared:>5}"
            f"  {_VERDICT.get(row.timeliness, row.timeliness)}"
        )
    return lines


def sheet_lines(view) -> list[str]:
    zone = ZoneInfo(view.site.time_zone)
    lines = [f"COUNT SHEET: {view.name}, {view.site.name}, due {view.count.due_at.astimezone(zone):%Y-%m-%d %H:%M}"]
    for session in view.current:
        lines += ["", f"Unit {session.unit_name}: expected in {session.session.expected}"]
        for p in session.present:
            lines.append(f"  [ ] {p['system_number']}  {p['name']:<30} {p['location']}")
        if session.away:
            lines.append("  Away:")
            for p in session.away:
                escort = f", escort {p['escort']}" if p.get("escort") else ""
                lines.append(f"      {p['system_number']}  {p['name']:<30} {p.get('where', '')}{escort}")
        lines += [
            "  Number counted: ______   Time counted: ____:____",
            "  Officer: ______________________"
            + ("   Second officer: ______________________" if session.session.two_officer else ""),
        ]
    return lines


class Command(BaseCommand):
    help = "Formal counts: history with late and missed counts, or the count sheet of the count in progress."

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="as_user", help="act as this user (default: the system actor)")
        verbs = parser.add_subparsers(dest="verb", required=True)
        history = verbs.add_parser("history", help="counts over the last days, late and missed ones marked")
        history.add_argument("--site", required=True, help="site code, e.g. PRA")
        history.add_argument("--days", type=int, default=7, help="how many days back, today included (default 7)")
        sheet = verbs.add_parser("sheet", help="the count sheet of the count in progress")
        sheet.add_argument("--site", required=True, help="site code, e.g. PRA")

    def handle(self, *args, verb, site, as_user=None, days=7, **options):
        site_row = site_by_code(site)
        if verb == "history" and not 1 <= days <= 366:
            raise CommandError("--days must be between 1 and 366.")
        try:
            with transaction.atomic():
                actor = cli_actor(as_user)
                if verb == "history":
                    lines = history_lines(count_queries.count_history(actor, site_row.public_id, days=days))
                else:
                    _, view = count_queries.open_count(actor, site_row.public_id)
                    if view is None:
                        raise CommandError(f"No count is in progress at {site_row.code}.")
                    lines = sheet_lines(view)
        except DomainError as error:
            raise CommandError(f"{error.detail} ({error.code})")
        self.stdout.write("\n".join(lines))
