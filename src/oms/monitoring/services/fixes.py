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

import psycopg
from django.db import IntegrityError, connection, transaction
from django.db.models import Max

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.monitoring.models import Alert, Condition, Device, DeviceAssignment, Fix, MonitoringOrder
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
from oms.monitoring.services import partitions
from oms.monitoring.services._common import evaluation_settings, setting
from oms.monitoring.services.alerts import apply_transitions, open_keys

INGEST = "monitoring.ingest_fixes"
TAMPERED = Fix.Strap.TAMPERED
MAX_BATCH = 5000
STRAPS = frozenset(Fix.Strap.values)


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
    elif row.strap not in STRAPS:
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
    devices, assignments = _devices_and_assignments(serials)
    candidates: dict[tuple[int, dt.datetime], tuple[int, FixRow]] = {}
    for index, row in enumerate(rows):
        device_pk = devices.get(row.device)
        if device_pk is None:
            result.rejected.append(Rejected(index, "device", "unknown_device"))
            continue
        problem = _check_row(row, now, max_future)
        if problem is not None:
            result.rejected.append(Rejected(index, *problem))
            continue
        key = (device_pk, row.time.astimezone(dt.UTC))
        if key in candidates:
            result.duplicates += 1
            continue
        candidates[key] = (index, row)
    lineages = _lineages_at(candidates, assignments)
    # Before inserting: the latest fix each order had, so only newer fixes are evaluated.
    previous = _latest_by_lineage({lineage for lineage in lineages.values() if lineage is not None})
    if not candidates:
        stored = []
    elif connection.vendor == "postgresql":
        stored = _insert_postgresql(candidates, lineages, now)
    else:
        stored = _insert_orm(candidates, lineages, now)
    result.duplicates += len(candidates) - len(stored)
    result.accepted = len(stored)
    by_lineage: dict = defaultdict(list)
    for key in stored:
        lineage = lineages.get(key)
        if lineage is not None:
            by_lineage[lineage].append((key[1], candidates[key][1]))
    if by_lineage:
        opened, closed = _evaluate_lineages(actor, by_lineage, previous)
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


def _insert_postgresql(candidates, lineages, now) -> list[tuple[int, dt.datetime]]:
    """Write the batch's new fixes; returns the keys written. The fast path: one query finds which of the
    batch's keys are already stored, and the rest go straight into the table with COPY (the driver's
    bulk path, a raw writer's speed). If a concurrent ingest stores one of them between the check and the
    COPY, the unique key refuses it, the COPY is undone (savepoint) and the batch goes through the
    conflict-proof path instead."""
    connection.ensure_connection()
    stored = _stored_postgresql(candidates)
    fresh = [key for key in candidates if key not in stored]
    if not fresh:
        return []
    try:
        with transaction.atomic(), connection.connection.cursor() as cursor, cursor.copy(_COPY_FIX_SQL) as copy:
            for key in fresh:
                copy.write_row((*_values(key, candidates[key][1], lineages.get(key)), now))
    except (IntegrityError, psycopg.errors.UniqueViolation):
        return _insert_skipping_conflicts(candidates, lineages, now)
    return fresh


def _values(key, row: FixRow, lineage) -> tuple:
    device_pk, at = key
    return (
        device_pk,
        at,
        float(row.latitude),
        float(row.longitude),
        float(row.accuracy),
        row.battery,
        row.strap,
        lineage,
    )


def _stored_postgresql(candidates) -> set[tuple[int, dt.datetime]]:
    """The batch's keys already in the table: one query, the keys as two array parameters bound on the
    server in binary (not spelt out in the SQL text), the time range letting PostgreSQL skip other days'
    partitions."""
    times = [at for _, at in candidates]
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            "SELECT f.device_id, f.recorded_at FROM monitoring_fix f"
            " JOIN unnest(%b::bigint[], %b::timestamptz[]) AS k(device_id, recorded_at)"
            " ON f.device_id = k.device_id AND f.recorded_at = k.recorded_at"
            " WHERE f.recorded_at BETWEEN %s AND %s",
            [[device_pk for device_pk, _ in candidates], times, min(times), max(times)],
        )
        return {(device_pk, at.astimezone(dt.UTC)) for device_pk, at in cursor.fetchall()}


_COPY_FIX_SQL = (
    "COPY monitoring_fix (device_id, recorded_at, latitude, longitude, accuracy_m, battery_pct, strap, lineage,"
    " received_at) FROM STDIN"
)


def _insert_skipping_conflicts(candidates, lineages, now) -> list[tuple[int, dt.datetime]]:
    """COPY the batch into a temporary table, then one INSERT ... SELECT of it that skips fixes already
    stored (the unique key decides, so a concurrent ingest of the same fix cannot slip through) and
    returns the keys actually written. ON CONFLICT cannot be used with COPY itself, hence the staging
    table (per session, emptied by the INSERT that reads it)."""
    with connection.connection.cursor() as cursor:
        if getattr(connection, "_oms_fix_staging", None) is not connection.connection:
            cursor.execute(_STAGING_SQL)
            # Known to exist once committed (a rolled-back CREATE leaves nothing): one round trip less a batch.
            driver_connection = connection.connection
            transaction.on_commit(lambda: setattr(connection, "_oms_fix_staging", driver_connection))
        with cursor.copy(_COPY_SQL) as copy:
            for key, (_, row) in candidates.items():
                copy.write_row(_values(key, row, lineages.get(key)))
        cursor.execute(_INSERT_SQL, [now])
        return [(device_pk, at.astimezone(dt.UTC)) for device_pk, at in cursor.fetchall()]


_STAGING_SQL = """
CREATE TEMPORARY TABLE IF NOT EXISTS monitoring_fix_incoming (
    device_id bigint, recorded_at timestamptz, latitude float8, longitude float8, accuracy_m float8,
    battery_pct int2, strap varchar(10), lineage uuid
) ON COMMIT DELETE ROWS
"""
_COPY_SQL = (
    "COPY monitoring_fix_incoming (device_id, recorded_at, latitude, longitude, accuracy_m, battery_pct, strap,"
    " lineage) FROM STDIN"
)
_INSERT_SQL = """
WITH incoming AS (DELETE FROM monitoring_fix_incoming RETURNING *)
INSERT INTO monitoring_fix
    (recorded_at, latitude, longitude, accuracy_m, battery_pct, strap, lineage, received_at, device_id)
SELECT recorded_at, latitude, longitude, accuracy_m, battery_pct, strap, lineage, %s, device_id FROM incoming
ON CONFLICT (device_id, recorded_at) DO NOTHING
RETURNING device_id, recorded_at
"""


def _insert_orm(candidates, lineages, now) -> list[tuple[int, dt.datetime]]:
    """SQLite: drop the fixes already stored (one query per device over the batch's time span), then one
    bulk insert."""
    by_device: dict[int, list[dt.datetime]] = defaultdict(list)
    for device_pk, at in candidates:
        by_device[device_pk].append(at)
    stored = set()
    for device_pk, times in by_device.items():
        rows = Fix.objects.filter(device_id=device_pk, recorded_at__gte=min(times), recorded_at__lte=max(times))
        stored |= {(device_pk, at.astimezone(dt.UTC)) for at in rows.values_list("recorded_at", flat=True)}
    new = [key for key in candidates if key not in stored]
    Fix.objects.bulk_create(
        [
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
            for device_pk, at in new
            for row in (candidates[(device_pk, at)][1],)
        ],
        batch_size=1000,
    )
    return new


def _latest_by_lineage(lineages: set) -> dict:
    """The latest stored fix time of each order lineage. On PostgreSQL one max() per lineage, which the
    (lineage, recorded_at) index answers from each day partition's end without reading the trail."""
    if not lineages:
        return {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT l, (SELECT max(recorded_at) FROM monitoring_fix WHERE lineage = l)"
                " FROM unnest(%s::uuid[]) AS l",
                [list(lineages)],
            )
            return {lineage: latest for lineage, latest in cursor.fetchall() if latest is not None}
    return dict(
        Fix.objects.filter(lineage__in=list(lineages))
        .values_list("lineage")
        .annotate(latest=Max("recorded_at"))
        .values_list("lineage", "latest")
    )


def _devices_and_assignments(serials: set[str]) -> tuple[dict[str, int], dict[int, list[tuple]]]:
    """The batch's devices by serial, and each one's assignments (lineage, assigned_at, returned_at), in
    one query on PostgreSQL (the serials as one array parameter: a batch names up to 5,000 devices, and
    an IN list of that many parameters costs more to build than the query takes)."""
    assignments: dict[int, list[tuple]] = defaultdict(list)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT d.serial, d.id, a.lineage, a.assigned_at, a.returned_at FROM monitoring_device d"
                " LEFT JOIN monitoring_deviceassignment a ON a.device_id = d.id WHERE d.serial = ANY(%s)",
                [list(serials)],
            )
            devices = {}
            for serial, device_pk, lineage, assigned_at, returned_at in cursor.fetchall():
                devices[serial] = device_pk
                if lineage is not None:
                    assignments[device_pk].append((lineage, assigned_at, returned_at))
        return devices, assignments
    devices = dict(Device.objects.filter(serial__in=serials).values_list("serial", "pk"))
    for device_pk, lineage, assigned_at, returned_at in DeviceAssignment.objects.filter(
        device_id__in=list(devices.values())
    ).values_list("device_id", "lineage", "assigned_at", "returned_at"):
        assignments[device_pk].append((lineage, assigned_at, returned_at))
    return devices, assignments


def _lineages_at(candidates, assignments: dict[int, list[tuple]]) -> dict[tuple[int, dt.datetime], object]:
    """The order each fix belongs to: the device's assignment covering the fix's time."""
    out = {}
    for device_pk, at in candidates:
        for lineage, assigned_at, returned_at in assignments.get(device_pk, ()):
            if assigned_at <= at and (returned_at is None or at < returned_at):
                out[(device_pk, at)] = lineage
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


def _evaluate_lineages(actor: Actor, by_lineage: dict, previous: dict) -> tuple[int, int]:
    """Evaluate each order's new fixes. The order versions in force are read and locked in one query (in
    primary-key order, so two ingests lock in the same order: no deadlock) and their open alerts in
    another, rather than two queries per order."""
    orders = list(
        MonitoringOrder.objects.select_for_update()
        .filter(lineage__in=list(by_lineage), status=MonitoringOrder.Status.ACTIVE)
        .order_by("pk")
    )
    open_by_order: dict[int, set] = defaultdict(set)
    for order_pk, condition_id, kind in Alert.objects.filter(order__in=orders, closed_at__isnull=True).values_list(
        "order_id", "condition_id", "kind"
    ):
        open_by_order[order_pk].add((condition_id, kind))
    opened = closed = 0
    for order in orders:
        previous_at = previous.get(order.lineage)
        fixes = by_lineage[order.lineage]
        if previous_at is not None:
            fixes = [(at, row) for at, row in fixes if at > previous_at]
        if not fixes:
            continue
        fixes.sort(key=lambda fix: fix[0])
        batch = FixBatch.of(
            [
                (int(at.timestamp()), row.longitude, row.latitude, row.accuracy, row.battery, row.strap == TAMPERED)
                for at, row in fixes
            ]
        )
        previous_s = int(previous_at.timestamp()) if previous_at is not None else None
        series = evaluate(compiled(order), batch, evaluation_settings(), previous_fix_s=previous_s)
        o, c = apply_transitions(actor, order, changes(open_by_order[order.pk], series))
        opened += o
        closed += c
    return opened, closed


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
    """Remove fixes recorded more than the retention period ago (setting FIX_RETENTION_DAYS). On PostgreSQL
    whole day partitions that have expired are dropped (and expired rows in the default partition
    deleted): a day partition is kept until all of its day is past the cutoff. On SQLite the rows are
    deleted. Alerts keep their times; only the raw positions go. Audited as ``monitoring.fixes_purged``."""
    days = int(older_than_days if older_than_days is not None else setting("FIX_RETENTION_DAYS"))
    if days < 1:
        raise ValueError("the retention period is at least one day")
    cutoff = clock.now() - dt.timedelta(days=days)
    details: dict = {"before": cutoff.isoformat(), "retention_days": days}
    if partitions.partitioned():
        deleted, dropped = partitions.drop_expired(cutoff)
        details["partitions_dropped"] = dropped
    else:
        deleted, _ = Fix.objects.filter(recorded_at__lt=cutoff).delete()
    record_event(
        actor,
        "monitoring.fixes_purged",
        object_type="monitoring_fix",
        details={"deleted": deleted, **details},
    )
    return deleted


def prepare_partitions(actor: Actor) -> list[str]:
    """Create today's and the coming days' fix partitions (PostgreSQL; nothing on SQLite), run daily by
    the scheduler as the system before the purge. Audited as ``monitoring.fix_partitions_created`` when it
    created any."""
    created = partitions.ensure_partitions(clock.now().astimezone(dt.UTC).date())
    if created:
        record_event(
            actor, "monitoring.fix_partitions_created", object_type="monitoring_fix", details={"created": created}
        )
    return created
