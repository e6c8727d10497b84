"""``oms monitoring simulate | purge-fixes``: the electronic monitoring verbs of the CLI.

``simulate --devices N --rate R [--seconds S] [--fit] [--backfill] [--seed K]`` feeds synthetic fixes
through the ingest service, for demonstrations and load. ``--rate`` is fixes per second across the whole
fleet, as a feed's throughput is quoted (``--devices 1000 --rate 1000`` is each device reporting once a
second). Devices SIM-0001... are added if missing; ``--fit`` first fits free ones to orders in force that
have no device, so their fixes are evaluated and raise alerts. Live by default (runs for S seconds, a batch
each step); ``--backfill`` fills the past S seconds at once.

``purge-fixes [--days N]`` deletes fixes older than the retention period (also a daily scheduled job).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oms.core.actor import Actor
from oms.monitoring import simulate
from oms.monitoring.services import fixes

# A real tag reports every 1 to 10 minutes, faster in violation; ten a second is already far beyond any.
MAX_FIXES_PER_DEVICE_PER_SECOND = 10


class Command(BaseCommand):
    help = "Electronic monitoring: simulate a device feed, or purge fixes past retention."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        sim = verbs.add_parser("simulate", help="feed synthetic device fixes through the ingest (demo data)")
        sim.add_argument("--devices", type=int, default=10)
        sim.add_argument("--rate", type=float, default=10 / 60, help="fixes per second across all devices")
        sim.add_argument("--seconds", type=int, default=3600, help="how long to feed (or, with --backfill, fill)")
        sim.add_argument("--fit", action="store_true", help="fit free devices to orders without one")
        sim.add_argument("--seed", type=int, default=7)
        sim.add_argument("--backfill", action="store_true", help="fill the past S seconds at once")
        purge = verbs.add_parser("purge-fixes", help="delete fixes older than the retention period")
        purge.add_argument("--days", type=int, help="keep this many days instead of the setting")

    def handle(self, *args, verb, **options):
        if verb == "simulate":
            self._simulate(**options)
        else:
            self._purge(options.get("days"))

    def _simulate(self, *, devices, rate, seconds, fit, seed, backfill, **_):
        if not 1 <= devices <= 100_000:
            raise CommandError("--devices must be 1 to 100,000.")
        per_device = rate / devices
        if not 0 < per_device <= MAX_FIXES_PER_DEVICE_PER_SECOND:
            raise CommandError(
                f"--rate must be above 0 and at most {MAX_FIXES_PER_DEVICE_PER_SECOND} fixes a second per device "
                f"({MAX_FIXES_PER_DEVICE_PER_SECOND * devices:,} for {devices:,} devices)."
            )
        if not 1 <= seconds <= 7 * 86400:
            raise CommandError("--seconds must be 1 to 604,800.")
        actor = Actor.system(channel="cli", name="monitoring-simulator")
        with transaction.atomic():
            serials = simulate.sim_devices(actor, devices)
            fitted = simulate.fit_to_orders(actor, serials) if fit else 0
        started = time.process_time()
        result = simulate.simulate(actor, serials, rate=per_device, seconds=seconds, seed=seed, backfill=backfill)
        cpu = time.process_time() - started
        self.stdout.write(
            f"{len(serials)} devices ({fitted} newly fitted): {result.accepted} fixes accepted, "
            f"{result.duplicates} duplicates, {len(result.rejected)} rejected, {result.alerts_opened} alerts opened, "
            f"{result.alerts_closed} closed; {cpu:.2f} s CPU"
        )

    def _purge(self, days: int | None) -> None:
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        with transaction.atomic():
            deleted = fixes.purge_fixes(Actor.system(channel="cli", name="operator"), older_than_days=days)
        self.stdout.write(f"Deleted {deleted} fix{'es' if deleted != 1 else ''}.")
