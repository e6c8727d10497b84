"""``oms supervision_select_tests --date YYYY-MM-DD [--seed N]``: run the random drug test selection for
a date over every open case (as the system), print the seed and the cases selected. Rerunning with the
printed seed on the same roster selects the same cases (``queries.testing.verify``)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.supervision.queries.testing import verify
from oms.supervision.services.testing import select_tests


class Command(BaseCommand):
    help = "Select supervision cases for random drug testing on a date (seeded, reproducible, audited)."

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="YYYY-MM-DD")
        parser.add_argument("--seed", type=int, help="reuse a seed (default: a new random one)")

    def handle(self, *args, **options):
        try:
            on = dt.date.fromisoformat(options["date"])
        except ValueError as error:
            raise CommandError("--date must be YYYY-MM-DD") from error
        try:
            with transaction.atomic():
                selection = select_tests(Actor.system(channel="cli", name="operator"), on=on, seed=options["seed"])
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.detail}") from error
        self.stdout.write(
            f"{on.isoformat()}: {len(selection.selected)} of {len(selection.roster)} selected, seed {selection.seed}"
            f" ({'reproducible' if verify(selection) else 'NOT reproducible'})"
        )
        for case_id in selection.selected:
            self.stdout.write(case_id)
