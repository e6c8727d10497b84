"""``oms monitoring_simulate --devices N --rate R --seconds S [--fit] [--backfill]``: feed synthetic fixes
through the ingest service, for demonstrations. Devices SIM-0001... are added if missing; ``--fit`` first
fits free ones to orders in force that have no device, so their fixes are evaluated and raise alerts.
Live by default (runs for S seconds, a batch each step); ``--backfill`` fills the past S seconds at once."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oms.core.actor import Actor
from oms.monitoring import simulate


class Command(BaseCommand):
    help = "Feed synthetic device fixes through the monitoring ingest (demo data)."

    def add_arguments(self, parser):
        parser.add_argument("--devices", type=int, default=10)
        parser.add_argument("--rate", type=float, default=1 / 60, help="fixes per second per device")
        parser.add_argument("--seconds", type=int, default=3600, help="how much past time to fill, ending now")
        parser.add_argument("--fit", action="store_true", help="fit free devices to orders without one")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--backfill", action="store_true", help="fill the past S seconds at once")

    def handle(self, *args, devices, rate, seconds, fit, seed, backfill, **options):
        if not 1 <= devices <= 100_000:
            raise CommandError("--devices must be 1 to 100,000.")
        if not 0 < rate <= 10:
            raise CommandError("--rate must be above 0 and at most 10 fixes a second.")
        if not 1 <= seconds <= 7 * 86400:
            raise CommandError("--seconds must be 1 to 604,800.")
        actor = Actor.system(channel="cli", name="monitoring-simulator")
        with transaction.atomic():
            serials = simulate.sim_devices(actor, devices)
            fitted = simulate.fit_to_orders(actor, serials) if fit else 0
        started = time.process_time()
        result = simulate.simulate(actor, serials, rate=rate, seconds=seconds, seed=seed, backfill=backfill)
        cpu = time.process_time() - started
        self.stdout.write(
            f"{len(serials)} devices ({fitted} newly fitted): {result.accepted} fixes accepted, "
            f"{result.duplicates} duplicates, {len(result.rejected)} rejected, {result.alerts_opened} alerts opened, "
            f"{result.alerts_closed} closed; {cpu:.2f} s CPU"
        )
