"""``oms monitoring simulate | import-zones | purge-fixes``: the electronic monitoring verbs of the CLI.

``simulate --devices N --rate R [--seconds S] [--fit] [--backfill] [--seed K]`` feeds synthetic fixes
through the ingest service, for demonstrations and load. ``--rate`` is fixes per second across the whole
fleet, as a feed's throughput is quoted (``--devices 1000 --rate 1000`` is each device reporting once a
second). Devices SIM-0001... are added if missing; ``--fit`` first fits free ones to orders in force that
have no device, so their fixes are evaluated and raise alerts. Live by default (runs for S seconds, a batch
each step); ``--backfill`` fills the past S seconds at once.

``import-zones ORDER FILE --kind inclusion_zone|exclusion_zone --reason R`` adds the zones of a GeoJSON
Feature or FeatureCollection file to an order as a variation (one zone per feature, as on the order page),
as the system actor or, with ``--as USER``, as that user with their permissions and scope.

``purge-fixes [--days N]`` deletes fixes older than the retention period (also a daily scheduled job).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oms.accounts.management.actors import cli_actor
from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.monitoring import simulate
from oms.monitoring.queries.orders import find_order
from oms.monitoring.services import fixes
from oms.monitoring.services.orders import import_zones

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
        zones = verbs.add_parser("import-zones", help="add GeoJSON zones to an order (a variation)")
        zones.add_argument("order", help="the order's id")
        zones.add_argument("file", help="a GeoJSON Feature or FeatureCollection")
        zones.add_argument("--kind", required=True, choices=["inclusion_zone", "exclusion_zone"])
        zones.add_argument("--reason", required=True)
        zones.add_argument("--as", dest="as_user", help="act as this user (default: the system actor)")
        purge = verbs.add_parser("purge-fixes", help="delete fixes older than the retention period")
        purge.add_argument("--days", type=int, help="keep this many days instead of the setting")

    def handle(self, *args, verb, **options):
        if verb == "simulate":
            self._simulate(**options)
        elif verb == "import-zones":
            self._import_zones(**options)
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

    def _import_zones(self, *, order, file, kind, reason, as_user=None, **_):
        try:
            geojson = json.loads(Path(file).read_text())
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {file} as GeoJSON: {error}") from None
        actor = cli_actor(as_user, name="operator")
        try:
            with transaction.atomic():
                current = find_order(actor, order)
                varied = import_zones(
                    actor,
                    order_id=current.public_id,
                    version=current.version,
                    kind=kind,
                    geojson=geojson,
                    reason=reason,
                )
        except DomainError as error:
            where = f" [{error.field}]" if error.field else ""
            raise CommandError(f"{error.detail}{where} ({error.code})") from None
        self.stdout.write(f"Order {varied.public_id} is now version {varied.version}.")

    def _purge(self, days: int | None) -> None:
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        with transaction.atomic():
            deleted = fixes.purge_fixes(Actor.system(channel="cli", name="operator"), older_than_days=days)
        self.stdout.write(f"Deleted {deleted} fix{'es' if deleted != 1 else ''}.")
