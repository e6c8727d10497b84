"""The device feed: ingest a batch of fixes, evaluate them against the orders the devices are fitted for,
open and close alerts; find silent devices; purge old fixes.

Ingest (monitoring.ingest_fixes) is idempotent per device and time: a fix already stored (or repeated in
the batch) counts as a duplicate and writes nothing. A row that cannot be a fix is rejected with its
index, field and reason; the good rows are kept. Fixes are attributed to the order (lineage) the device
was fitted for; only fixes newer than the order's latest evaluated fix are evaluated (a late fix is kept
for the trail but cannot reopen an episode that has moved on). Audited as one
``monitoring.fixes_ingested`` per batch, plus one event per alert opened or closed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field

from django.db.models import Max

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.monitoring.models import Condition, Device, DeviceAssignment, Fix, MonitoringOrder
from oms.monitoring.rules.curfew import parse_timetable
from oms.monitoring.rules.episodes import changes, transitions
from oms.monitoring.rules.evaluation import (
    ATTENDANCE_MISSED,
    CURFEW_BREACHED,
    EXCLUSION_ENTERED,
    INCLUSION_LEFT,
    NO_FIX,
    CompiledOrder,
    FixBatch,
    State,
    TimetableRule,
    ZoneRule,
    evaluate,
    silent,
)
from oms.monitoring.rules.zones import compile_zone
from oms.monitoring.services._common import evaluation_settings, setting
from oms.monitoring.services.alerts import apply_transitions, open_keys

INGEST = "monitoring.ingest_fixes"
TAMPERED = Fix.Strap.TAMPERED
MAX_BATCH = 5000


@dataclass
class FixRow:
    device: str
    time: dt.datetime
    latitude: float
    longitude: float
    accuracy: float
    battery: int
    strap: str


@dataclass
class Rejected:
    index: int
    field: str
    reason: str


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    alerts_opened: int = 0
    alerts_closed: int = 0


def _check_row(row: FixRow, now: dt.datetime, max_future: dt.timedelta) -> Rejected | None:
    def bad(name, reason):
        return (name, reason)

    problem = None
    if not isinstance(row.time, dt.datetime) or row.time.tzinfo is None:
        problem = bad("time", "time_without_zone")
    elif row.time > now + max_future:
        problem = bad("time", "time_in_future")
    elif not _finite(row.latitude) or not -90 <= row.latitude <= 90:
        problem = bad("latitude", "latitude_out_of_range")
    elif not _finite(row.longitude) or not -180 <= row.longitude <= 180:
        problem = bad("longitude", "longitude_out_of_range")
    elif not _finite(row.accuracy) or not 0 <= row.accuracy <= 100_000:
        problem = bad("accuracy", "accuracy_out_of_range")
    elif not isinstance(row.battery, int) or isinstance(row.battery, bool) or not 0 <= row.battery <= 100:
        problem = bad("battery", "battery_out_of_range")
    elif row.strap not in Fix.Strap.values:
        problem = bad("strap", "strap_unknown")
    return problem


def _finite(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def ingest_fixes(actor: Actor, *, rows: list[FixRow]) -> IngestResult:
    """Store a batch of fixes and evaluate them (see the module docstring)."""
    actor.require(INGEST)
    result = IngestResult()
    now = clock.now()
    max_future = dt.timedelta(seconds=int(setting("MAX_FUTURE_SECONDS")))
    serials = {row.device for row in rows if isinstance(row.device, str)}
    devices = {d.serial: d for d in Device.objects.filter(serial__in=serials)}
    candidates: dict[tuple[int, dt.datetime], tuple[int, FixRow]] = {}
    for index, row in enumerate(rows):
        device = devices.get(row.device)
        if device is None:
            result.rejected.append(Rejected(index, "device", "unknown_device"))
            continue
        problem = _check_row(row, now, max_future)
        if problem is not None:
            result.rejected.append(Rejected(index, *problem))
            continue
        key = (device.pk, row.time.astimezone(dt.UTC))
        if key in candidates:
            result.duplicates += 1
            continue
        candidates[key] = (index, row)
    if candidates:
        existing = _existing(candidates)
        result.duplicates += len(existing)
        for key in existing:
            del candidates[key]
    lineages = _lineages_at(candidates)
    new_fixes = [
        Fix(
            device_id=device_pk,
            recorded_at=at,
            latitude=float(row.latitude),
            longitude=float(row.longitude),
            accuracy_m=float(row.accuracy),
            battery_pct=row.battery,
            strap=row.strap,
            lineage=lineages.get((device_pk, at)),
            received_at=now,
        )
        for (device_pk, at), (_, row) in candidates.items()
    ]
    # Before inserting: the latest fix each order had, so only newer fixes are evaluated.
    by_lineage: dict = defaultdict(list)
    for fix in new_fixes:
        if fix.lineage is not None:
            by_lineage[fix.lineage].append(fix)
    previous = dict(
        Fix.objects.filter(lineage__in=list(by_lineage))
        .values_list("lineage")
        .annotate(latest=Max("recorded_at"))
        .values_list("lineage", "latest")
    )
    Fix.objects.bulk_create(new_fixes, batch_size=1000)
    result.accepted = len(new_fixes)
    for lineage, fixes in by_lineage.items():
        opened, closed = _evaluate_lineage(actor, lineage, fixes, previous.get(lineage))
        result.alerts_opened += opened
        result.alerts_closed += closed
    record_event(
        actor,
        "monitoring.fixes_ingested",
        object_type="monitoring_fix_batch",
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
        rows = Fix.objects.filter(device_id=device_pk, recorded_at__gte=min(times), recorded_at__lte=max(times))
        stored = {(device_pk, at.astimezone(dt.UTC)) for at in rows.values_list("recorded_at", flat=True)}
        found |= {key for key in stored if key in candidates}
    return found


def _lineages_at(candidates) -> dict[tuple[int, dt.datetime], object]:
    """The order each fix belongs to: the device's assignment covering the fix's time."""
    device_pks = {device_pk for device_pk, _ in candidates}
    assignments: dict[int, list[DeviceAssignment]] = defaultdict(list)
    for a in DeviceAssignment.objects.filter(device_id__in=device_pks):
        assignments[a.device_id].append(a)
    out = {}
    for device_pk, at in candidates:
        for a in assignments.get(device_pk, ()):
            if a.assigned_at <= at and (a.returned_at is None or at < a.returned_at):
                out[(device_pk, at)] = a.lineage
                break
    return out


# --- evaluation --------------------------------------------------------------------------------------

_COMPILED: OrderedDict = OrderedDict()
_COMPILED_LIMIT = 2048
ZONE_KINDS = {Condition.Kind.EXCLUSION_ZONE: EXCLUSION_ENTERED, Condition.Kind.INCLUSION_ZONE: INCLUSION_LEFT}
TIMED_KINDS = {Condition.Kind.CURFEW: CURFEW_BREACHED, Condition.Kind.ATTENDANCE: ATTENDANCE_MISSED}


def compiled(order: MonitoringOrder) -> CompiledOrder:
    """The order's rules with zones prepared once. An order version's conditions never change (a variation
    is a new version), so the public id is a safe cache key."""
    key = order.public_id
    if key in _COMPILED:
        _COMPILED.move_to_end(key)
        return _COMPILED[key]
    zones, timetables = [], []
    for c in order.conditions.select_related("zone").order_by("position"):
        if c.kind in ZONE_KINDS:
            zones.append(ZoneRule(c.pk, ZONE_KINDS[c.kind], compile_zone(c.zone.geojson, c.zone.radius_m)))
        elif c.kind in TIMED_KINDS:
            shape = compile_zone(c.zone.geojson, c.zone.radius_m)
            timetables.append(TimetableRule(c.pk, TIMED_KINDS[c.kind], shape, tuple(parse_timetable(c.timetable))))
    result = CompiledOrder(order.time_zone, tuple(zones), tuple(timetables))
    _COMPILED[key] = result
    if len(_COMPILED) > _COMPILED_LIMIT:
        _COMPILED.popitem(last=False)
    return result


def _evaluate_lineage(actor: Actor, lineage, fixes: list[Fix], previous_at: dt.datetime | None) -> tuple[int, int]:
    # Lock the order version in force: evaluations of one order run one after the other.
    order = (
        MonitoringOrder.objects.select_for_update()
        .filter(lineage=lineage, status=MonitoringOrder.Status.ACTIVE)
        .first()
    )
    if order is None:
        return 0, 0
    if previous_at is not None:
        fixes = [f for f in fixes if f.recorded_at > previous_at]
    if not fixes:
        return 0, 0
    batch = FixBatch.of(
        [
            (int(f.recorded_at.timestamp()), f.longitude, f.latitude, f.accuracy_m, f.battery_pct, f.strap == TAMPERED)
            for f in fixes
        ]
    )
    previous_s = int(previous_at.timestamp()) if previous_at is not None else None
    series = evaluate(compiled(order), batch, evaluation_settings(), previous_fix_s=previous_s)
    return apply_transitions(actor, order, changes(open_keys(order), series))


def check_silent_devices(actor: Actor) -> int:
    """Open a no-fix alert for each order in force whose fitted devices have sent nothing for longer than
    the gap (run by the scheduler, as the system). Returns how many alerts were opened."""
    now_s = int(clock.now().timestamp())
    max_gap_s = evaluation_settings().max_gap_s
    opened = 0
    fitted = DeviceAssignment.objects.filter(returned_at__isnull=True).values_list("lineage", "assigned_at")
    earliest: dict = {}
    for lineage, assigned_at in fitted:
        earliest[lineage] = min(assigned_at, earliest.get(lineage, assigned_at))
    latest = dict(
        Fix.objects.filter(lineage__in=list(earliest))
        .values_list("lineage")
        .annotate(latest=Max("recorded_at"))
        .values_list("lineage", "latest")
    )
    for lineage, since in earliest.items():
        last = latest.get(lineage)
        began = silent(int(last.timestamp()) if last else None, int(since.timestamp()), now_s, max_gap_s)
        if began is None:
            continue
        order = MonitoringOrder.objects.filter(lineage=lineage, status=MonitoringOrder.Status.ACTIVE).first()
        if order is None:
            continue
        decided = transitions(open_keys(order), [State((None, NO_FIX), began, True)])
        opened += apply_transitions(actor, order, decided)[0]
    return opened


def purge_fixes(actor: Actor, *, older_than_days: int | None = None) -> int:
    """Delete fixes recorded more than the retention period ago (setting FIX_RETENTION_DAYS). Alerts keep
    their times; only the raw positions go. Audited as ``monitoring.fixes_purged``."""
    days = int(older_than_days if older_than_days is not None else setting("FIX_RETENTION_DAYS"))
    if days < 1:
        raise ValueError("the retention period is at least one day")
    cutoff = clock.now() - dt.timedelta(days=days)
    deleted, _ = Fix.objects.filter(recorded_at__lt=cutoff).delete()
    record_event(
        actor,
        "monitoring.fixes_purged",
        object_type="monitoring_fix",
        details={"deleted": deleted, "before": cutoff.isoformat(), "retention_days": days},
    )
    return deleted
