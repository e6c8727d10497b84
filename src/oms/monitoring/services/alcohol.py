"""The alcohol feed: ingest a batch of readings from alcohol devices (transdermal tags and remote breath
testers), evaluate them against the alcohol conditions of the order the device is fitted for, open and
close alerts; find scheduled breath tests that were missed.

Ingest needs monitoring.ingest_fixes (the same supplier token scope as the fix feed) and is idempotent per
device and time: a reading already stored (or repeated in the batch) is a duplicate and writes nothing. A
row that cannot be a reading is rejected with its index, field and reason; the good rows are kept. Only
readings newer than the order's latest stored reading are evaluated (a late reading is kept but cannot
reopen an episode that has moved on). Alerts go through ``services.alerts`` (one open alert per condition
and kind). Audited as one ``monitoring.alcohol_readings_ingested`` per batch, plus one event per alert.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.monitoring.models import AlcoholReading, Condition, Device, DeviceAssignment, MonitoringOrder
from oms.monitoring.rules.alcohol import BREATH, Reading, Thresholds, missed_test_states, reading_states
from oms.monitoring.rules.curfew import parse_timetable
from oms.monitoring.rules.episodes import transitions
from oms.monitoring.services._common import setting
from oms.monitoring.services.alerts import apply_transitions, open_keys

INGEST = "monitoring.ingest_fixes"
MAX_BATCH = 5000
MAX_READING = 1000.0  # far above any survivable level in either unit: a larger number is a broken device
DEVICE_TEST_TYPE = {Device.Kind.ALCOHOL_TAG: "transdermal", Device.Kind.BREATH_UNIT: "breath"}


@dataclass
class ReadingRow:
    device: str
    time: dt.datetime
    test_type: str
    reading: float
    obstructed: bool = False


@dataclass
class Rejected:
    index: int
    field: str
    reason: str


@dataclass
class AlcoholIngestResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    alerts_opened: int = 0
    alerts_closed: int = 0


def thresholds() -> Thresholds:
    """Settings ``ALCOHOL_TAC_MG_100ML`` and ``ALCOHOL_BRAC_UG_100ML`` (defaults in rules.alcohol)."""
    default = Thresholds()
    try:
        tac = float(setting("ALCOHOL_TAC_MG_100ML"))
    except KeyError:
        tac = default.transdermal_mg_100ml
    try:
        brac = float(setting("ALCOHOL_BRAC_UG_100ML"))
    except KeyError:
        brac = default.breath_ug_100ml
    return Thresholds(tac, brac)


def _problem(row: ReadingRow, device: Device, now: dt.datetime, max_future: dt.timedelta) -> tuple | None:
    if not isinstance(row.time, dt.datetime) or row.time.tzinfo is None:
        return ("time", "time_without_zone")
    if row.time > now + max_future:
        return ("time", "time_in_future")
    if row.test_type not in DEVICE_TEST_TYPE.values():
        return ("test_type", "test_type_unknown")
    if DEVICE_TEST_TYPE.get(device.kind) != row.test_type:
        return ("test_type", "test_type_not_of_device")
    value = row.reading
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        return ("reading", "reading_out_of_range")
    if not 0 <= value <= MAX_READING:
        return ("reading", "reading_out_of_range")
    return None


def ingest_alcohol_readings(actor: Actor, *, rows: list[ReadingRow]) -> AlcoholIngestResult:
    """Store a batch of alcohol readings and evaluate them (see the module docstring)."""
    actor.require(INGEST)
    result = AlcoholIngestResult()
    now = clock.now()
    max_future = dt.timedelta(seconds=int(setting("MAX_FUTURE_SECONDS")))
    serials = {row.device for row in rows if isinstance(row.device, str)}
    devices = {d.serial: d for d in Device.objects.filter(serial__in=serials)}
    candidates: dict[tuple[int, dt.datetime], ReadingRow] = {}
    for index, row in enumerate(rows):
        device = devices.get(row.device)
        if device is None:
            result.rejected.append(Rejected(index, "device", "unknown_device"))
            continue
        problem = _problem(row, device, now, max_future)
        if problem is not None:
            result.rejected.append(Rejected(index, *problem))
            continue
        key = (device.pk, row.time.astimezone(dt.UTC))
        if key in candidates:
            result.duplicates += 1
            continue
        candidates[key] = row
    for key in _existing(candidates):
        del candidates[key]
        result.duplicates += 1
    lineages = _lineages_at(candidates)
    new = [
        AlcoholReading(
            device_id=device_pk,
            recorded_at=at,
            test_type=row.test_type,
            value=float(row.reading),
            obstructed=bool(row.obstructed),
            lineage=lineages.get((device_pk, at)),
            received_at=now,
        )
        for (device_pk, at), row in candidates.items()
    ]
    by_lineage: dict = defaultdict(list)
    for reading in new:
        if reading.lineage is not None:
            by_lineage[reading.lineage].append(reading)
    previous = dict(
        AlcoholReading.objects.filter(lineage__in=list(by_lineage))
        .values_list("lineage")
        .annotate(latest=Max("recorded_at"))
        .values_list("lineage", "latest")
    )
    AlcoholReading.objects.bulk_create(new, batch_size=1000)
    result.accepted = len(new)
    for lineage, readings in by_lineage.items():
        opened, closed = _evaluate_lineage(actor, lineage, readings, previous.get(lineage), now)
        result.alerts_opened += opened
        result.alerts_closed += closed
    record_event(
        actor,
        "monitoring.alcohol_readings_ingested",
        object_type="monitoring_alcohol_batch",
        details={
            "accepted": result.accepted,
            "duplicates": result.duplicates,
            "rejected": len(result.rejected),
            "alerts_opened": result.alerts_opened,
            "alerts_closed": result.alerts_closed,
        },
    )
    return result


def _existing(candidates) -> set[tuple[int, dt.datetime]]:
    by_device: dict[int, list[dt.datetime]] = defaultdict(list)
    for device_pk, at in candidates:
        by_device[device_pk].append(at)
    found = set()
    for device_pk, times in by_device.items():
        rows = AlcoholReading.objects.filter(
            device_id=device_pk, recorded_at__gte=min(times), recorded_at__lte=max(times)
        ).values_list("recorded_at", flat=True)
        found |= {(device_pk, at.astimezone(dt.UTC)) for at in rows} & set(candidates)
    return found


def _lineages_at(candidates) -> dict:
    """The order each reading belongs to: the device's assignment covering the reading's time."""
    assignments: dict[int, list[DeviceAssignment]] = defaultdict(list)
    for a in DeviceAssignment.objects.filter(device_id__in={pk for pk, _ in candidates}):
        assignments[a.device_id].append(a)
    out = {}
    for device_pk, at in candidates:
        for a in assignments.get(device_pk, ()):
            if a.assigned_at <= at and (a.returned_at is None or at < a.returned_at):
                out[(device_pk, at)] = a.lineage
                break
    return out


def _alcohol_conditions(order: MonitoringOrder) -> list[Condition]:
    return list(order.conditions.filter(kind=Condition.Kind.ALCOHOL).order_by("position"))


def _epoch(at: dt.datetime) -> int:
    return int(at.timestamp())


def _evaluate_lineage(actor: Actor, lineage, readings, previous_at, now: dt.datetime) -> tuple[int, int]:
    # Lock the version in force: evaluations of one order run one after the other (PostgreSQL).
    order = (
        MonitoringOrder.objects.select_for_update()
        .filter(lineage=lineage, status=MonitoringOrder.Status.ACTIVE)
        .first()
    )
    if order is None:
        return 0, 0
    fresh = [r for r in readings if previous_at is None or r.recorded_at > previous_at]
    values = [Reading(_epoch(r.recorded_at), r.test_type, r.value, r.obstructed) for r in fresh]
    states = []
    for condition in _alcohol_conditions(order):
        states.extend(reading_states(condition.pk, values, thresholds()))
        if condition.timetable:
            states.extend(_missed_states(order, condition, now, fresh_tests=values))
    states.sort(key=lambda s: (s.at, s.breached is False))
    return apply_transitions(actor, order, transitions(open_keys(order), states))


def _missed_states(order: MonitoringOrder, condition: Condition, now: dt.datetime, *, fresh_tests=()) -> list:
    """Missed-window states for one condition up to ``now``. The check starts after the last unobstructed
    breath test before this batch (windows before it were settled then), and never before the tester was
    fitted for this order or this version began (its alerts would otherwise replay the old version's)."""
    fresh_times = [t.at for t in fresh_tests if t.test_type == BREATH and not t.obstructed]
    earlier = AlcoholReading.objects.filter(
        lineage=order.lineage, test_type=BREATH, obstructed=False, recorded_at__lte=now
    ).exclude(recorded_at__in=[dt.datetime.fromtimestamp(t, tz=dt.UTC) for t in fresh_times])
    last_before = earlier.aggregate(latest=Max("recorded_at"))["latest"]
    fitted = (
        DeviceAssignment.objects.filter(lineage=order.lineage, device__kind=Device.Kind.BREATH_UNIT)
        .aggregate(latest=Max("assigned_at"))
        .get("latest")
    )
    if fitted is None:
        return []  # no breath tester fitted: no test could be taken, none is missed
    since = max(_epoch(order.created_at), _epoch(fitted), _epoch(last_before) if last_before else 0)
    tests = fresh_times + ([_epoch(last_before)] if last_before else [])
    windows = parse_timetable(condition.timetable)
    return missed_test_states(condition.pk, windows, order.time_zone, tests=tests, since=since, until=_epoch(now))


def check_missed_alcohol_tests(actor: Actor) -> int:
    """Open an ``alcohol_test_missed`` alert for each order in force whose scheduled breath test window has
    ended without a test (run by the scheduler as the system, like check_silent_devices). Returns how many
    alerts were opened."""
    now = clock.now()
    opened = 0
    lineages = set(
        DeviceAssignment.objects.filter(returned_at__isnull=True, device__kind=Device.Kind.BREATH_UNIT).values_list(
            "lineage", flat=True
        )
    )
    orders = MonitoringOrder.objects.filter(lineage__in=lineages, status=MonitoringOrder.Status.ACTIVE)
    for order in orders:
        states = []
        for condition in _alcohol_conditions(order):
            if condition.timetable:
                states.extend(_missed_states(order, condition, now))
        if states:
            states.sort(key=lambda s: (s.at, s.breached is False))
            opened += apply_transitions(actor, order, transitions(open_keys(order), states))[0]
    return opened
