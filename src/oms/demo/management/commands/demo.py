"""``oms demo --people N [--if-empty] [--seed S] [--without-users]``: load synthetic demo data."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.demo import services
from oms.demo.custody import load_custody
from oms.demo.diversion import load_diversion
from oms.demo.incidents import load_incidents
from oms.demo.monitoring import load_monitoring
from oms.demo.rehabilitation import load_rehabilitation
from oms.demo.sentencing import load_sentencing
from oms.demo.supervision import load_supervision
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
                supervision = load_supervision(Actor.system(channel="cli", name="oms demo"), seed=options["seed"])
                monitoring = load_monitoring(Actor.system(channel="cli", name="oms demo"), seed=options["seed"])
                diversion = load_diversion(Actor.system(channel="cli", name="oms demo"), seed=options["seed"])
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
        self.stdout.write(
            f"Demo supervision: {supervision.cases} cases ({supervision.allocated} on the demo probation "
            f"officer's caseload), {supervision.appointments} appointments ({supervision.outcomes} with outcomes), "
            f"{supervision.warnings} warnings, {supervision.breaches} breach, {supervision.tests} drug tests, "
            f"{supervision.violations} violations."
        )
        self.stdout.write(
            f"Demo monitoring: {monitoring.devices} devices, {monitoring.orders} orders, {monitoring.fixes} fixes, "
            f"{monitoring.alerts_open} open alerts."
        )
        states = ", ".join(f"{count} {state.replace('_', ' ')}" for state, count in diversion.by_state.items())
        self.stdout.write(
            f"Demo diversion: {diversion.programmes} programmes, {diversion.participations} participations "
            f"({states or 'none'}), {diversion.hours_logged} hours entries ({diversion.hours_verified} verified)."
        )
        if report.staff:
            self.stdout.write(f"Demo staff accounts: {len(report.staff)} (see `oms demo_logins`).")

    def _progress(self, done: int, total: int, elapsed: float) -> None:
        rate = done / elapsed if elapsed else 0.0
        percent = 100 * done // total if total else 100
        self.stdout.write(f"  people {done}/{total} ({percent}%) {elapsed:.1f} s, {rate:,.0f} people/s")
