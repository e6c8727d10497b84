"""``oms fairness_report INSTRUMENT [--site CODE] [--from DATE] [--to DATE] [--format csv|json]``: an
instrument's fairness report (score distribution, band rates by sex, ethnicity and age group, small
groups suppressed) over every current completed assessment, or those of people at one site.

Runs as the system actor on channel ``cli`` (national scope) and is audited like the page and API."""

from __future__ import annotations

import csv
import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oms.assessment.queries import fairness as queries
from oms.assessment.rules.fairness import report_as_dict, report_table_rows
from oms.core.actor import Actor
from oms.core.errors import DomainError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Print an instrument's fairness report (CSV or JSON); groups under 10 people are suppressed."

    def add_arguments(self, parser):
        parser.add_argument("instrument", help="the instrument code, e.g. criminogenic-needs")
        parser.add_argument("--site", help="only people at this site (its code)")
        parser.add_argument("--from", dest="completed_from", help="completed on or after (YYYY-MM-DD)")
        parser.add_argument("--to", dest="completed_to", help="completed on or before (YYYY-MM-DD)")
        parser.add_argument("--format", choices=("csv", "json"), default="csv")

    def handle(self, *args, instrument, site, completed_from, completed_to, format, **options):
        try:
            with transaction.atomic():
                report = queries.fairness_report(
                    Actor.system(channel="cli"),
                    instrument=instrument,
                    site_code=site,
                    completed_from=_date(completed_from) if completed_from else None,
                    completed_to=_date(completed_to) if completed_to else None,
                )
        except DomainError as error:
            raise CommandError(f"{error.detail} ({error.code})") from None
        if format == "json":
            self.stdout.write(json.dumps(report_as_dict(report), indent=2))
        else:
            csv.writer(self.stdout, lineterminator="\n").writerows(report_table_rows(report))
