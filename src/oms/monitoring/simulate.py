"""Synthetic device fixes for demonstrations and measurement: devices walking at random around a centre.

Used by ``oms monitoring simulate``. Everything here is invented: serials ``SIM-0001``..., positions a
random walk of a few metres a step from the centre, a battery draining slowly, the strap intact.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from oms.core import clock
from oms.core.actor import Actor
from oms.monitoring.models import Device, MonitoringOrder
from oms.monitoring.queries.orders import open_assignment
from oms.monitoring.services import devices as device_services
from oms.monitoring.services import fixes as fix_services
from oms.monitoring.services.fixes import FixRow, IngestResult

METRES_PER_DEGREE = 111_195.0


@dataclass
class Walker:
    serial: str
    lon: float
    lat: float
    battery: float = 100.0


def sim_devices(actor: Actor, count: int) -> list[str]:
    serials = [f"SIM-{i:04d}" for i in range(1, count + 1)]
    have = set(Device.objects.filter(serial__in=serials).values_list("serial", flat=True))
    for serial in serials:
        if serial not in have:
            device_services.add_device(actor, serial=serial, kind=Device.Kind.GPS_TAG, notes="Simulated")
    return serials


def fit_to_orders(actor: Actor, serials: list[str]) -> int:
    """Fit free simulated devices to orders in force that have no device (so their fixes are evaluated)."""
    free = [d for d in Device.objects.filter(serial__in=serials, status=Device.Status.IN_STOCK).order_by("serial")]
    fitted_lineages = {
        a.lineage for d in Device.objects.filter(status=Device.Status.ASSIGNED) if (a := open_assignment(d))
    }
    fitted = 0
    for order in MonitoringOrder.objects.filter(status=MonitoringOrder.Status.ACTIVE).order_by("created_at"):
        if not free:
            break
        if order.lineage in fitted_lineages:
            continue
        device_services.assign_device(actor, device_id=free.pop(0).public_id, order_id=order.public_id)
        fitted += 1
    return fitted


def simulate(
    actor: Actor,
    serials: list[str],
    *,
    rate: float,
    seconds: int,
    backfill: bool = False,
    centre: tuple[float, float] = (-0.1276, 51.5072),
    step_m: float = 15.0,
    seed: int = 7,
    batch_size: int = 2000,
    sleep: Callable[[float], None] = time.sleep,
) -> IngestResult:
    """Feed ``seconds`` of fixes, ``rate`` per second per device, through the ingest service.

    Live (the default): from now on, one batch per step, each in its own transaction, pausing between
    steps as a real feed would. ``backfill``: the ``seconds`` up to now, at once, in batches of
    ``batch_size`` (for measuring; fixes from before a device was fitted are stored but not evaluated)."""
    rng = random.Random(seed)
    walkers = [Walker(s, centre[0] + rng.uniform(-0.01, 0.01), centre[1] + rng.uniform(-0.01, 0.01)) for s in serials]
    interval = 1.0 / rate
    steps = max(1, int(seconds * rate + 1e-9))  # 60 s at 0.3/3 a second is 6 steps, not 5.999...; float noise
    now = clock.now().replace(microsecond=0)
    start = now - dt.timedelta(seconds=seconds) if backfill else now
    started = time.monotonic()
    total = IngestResult()
    pending: list[FixRow] = []
    for step in range(steps):
        at = start + dt.timedelta(seconds=step * interval)
        for w in walkers:
            heading = rng.uniform(0, 2 * math.pi)
            w.lat += step_m * math.cos(heading) / METRES_PER_DEGREE
            w.lon += step_m * math.sin(heading) / (METRES_PER_DEGREE * math.cos(math.radians(w.lat)))
            w.battery = max(0.0, w.battery - 0.01)
            pending.append(FixRow(w.serial, at, w.lat, w.lon, rng.uniform(3, 30), int(w.battery), "ok"))
        if backfill and len(pending) < batch_size and step < steps - 1:
            continue
        if not backfill:
            sleep(max(0.0, started + step * interval - time.monotonic()))
        with transaction.atomic():
            result = fix_services.ingest_fixes(actor, rows=pending)
        total.accepted += result.accepted
        total.duplicates += result.duplicates
        total.rejected += result.rejected
        total.alerts_opened += result.alerts_opened
        total.alerts_closed += result.alerts_closed
        pending = []
    return total
