"""``oms demo --people N [--if-empty] [--seed S] [--without-users]``: load synthetic demo data."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.demo import services
from oms.demo.custody import load_custody
from oms.demo.incidents import load_incidents
from oms.demo.rehabilitation import load_rehabilitation
from oms.demo.sentencing import load_sentencing
from oms.people.models import Person


class Command(BaseCommand):
    help = "Load a synthetic demo population (organisations, sites, demo staff in demo mode, people)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=2000, help="how many people to generate (default 2000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same people")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when people already exist")
        parser.add_argument(
            "--without-users", action="store_true", help="load people only, no demo staff accounts (any mode)"
        )
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, **options):
        people = options["people"]
        if people < 0:
            raise CommandError("--people must be zero or more.")
        with_staff = not options["without_users"]
        if with_staff and not settings.DEMO_MODE:
            raise CommandError(
                "Demo users exist only in demo mode (AUTH-5): set OMS_DEMO_MODE=1, or pass --without-users."
            )
        if options["if_empty"] and Person.objects.exists():
            self.stdout.write("Demo data: people already exist, nothing loaded (--if-empty).")
            return
        self.stdout.write(f"Demo data: generating {people} people (seed {options['seed']}) on {connection.vendor}...")
        try:
            with transaction.atomic():
                report = services.load_population(
                    Actor.system(channel="cli", name="oms demo"),
                    people=people,
                    seed=options["seed"],
                    with_staff=with_staff,
                    batch_size=max(1, options["batch_size"]),
                    progress=self._progress,
                )
                custody = load_custody(Actor.system(channel="cli", name="oms demo"), seed=options["seed"])
                sentencing = load_sentencing(Actor.system(channel="cli", name="oms demo"), seed=options["seed"])
                rehabilitation = load_rehabilitation(Actor.system(channel="cli", name="oms demo"), seed=options["seed"])
                incidents = load_incidents(Actor.system(channel="cli", name="oms demo"), seed=options["seed"])
        except DomainError as exc:
            raise CommandError(exc.detail)
        rows = ", ".join(f"{count} {table}" for table, count in sorted(report.rows.items()))
        self.stdout.write(
            self.style.SUCCESS(f"Demo data: loaded {report.people} people in {report.seconds:.1f} s ({rows}).")
        )
        self.stdout.write(
            f"Demo custody: {custody.sites} prison estates, {custody.episodes} people in custody, "
            f"{custody.housed} housed."
        )
        self.stdout.write(
            f"Demo sentencing: {sentencing.court_cases} court cases, {sentencing.sentences} sentences, "
            f"{sentencing.calculated} release-date calculations."
        )
        rehab = rehabilitation
        self.stdout.write(
            f"Demo assessment and rehabilitation: {rehab.assessments.needs} people assessed "
            f"({rehab.assessments.ogrs3} OGRS3, {rehab.assessments.classifications} classifications), "
            f"{rehab.plans.plans} more case plans, {rehab.programmes.programmes} programmes with "
            f"{rehab.programmes.allocations} places, {rehab.attendance.marks} attendance marks, "
            f"{rehab.incentives.reviews} incentive reviews."
        )
        states = ", ".join(f"{count} {status.replace('_', ' ')}" for status, count in incidents.by_status.items())
        self.stdout.write(
            f"Demo incidents: {incidents.incidents} incident reports ({states or 'none'}), "
            f"{incidents.charges} disciplinary charges with {incidents.hearings} hearings "
            f"({incidents.punishments} punishments, {incidents.additional_days} additional days), "
            f"{incidents.emergencies} emergencies stood down ({incidents.roll_marks} roll marks)."
        )
        if report.staff:
            self.stdout.write(f"Demo staff accounts: {len(report.staff)} (see `oms demo_logins`).")

    def _progress(self, done: int, total: int, elapsed: float) -> None:
        rate = done / elapsed if elapsed else 0.0
        percent = 100 * done // total if total else 100
        self.stdout.write(f"  people {done}/{total} ({percent}%) {elapsed:.1f} s, {rate:,.0f} people/s")
