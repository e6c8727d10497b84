"""B2 (monitoring): device fixes ingested through the API in batches, against a raw COPY of the same fixes
into the same table, in one run (performance.md: pass when the API path is at least 0.25x raw COPY on
PostgreSQL); then a sustained feed and a catch-up burst.

Arranged untimed: a fleet of ``devices`` GPS tags, ``fitted`` of them fitted to monitoring orders (an
exclusion zone and a 19:00-07:00 home curfew each, through the monitoring services, so their fixes are
evaluated and alerts opened as in production), and the feed's API client: a user with the
``monitoring_feed`` role and a bearer token scoped to ``monitoring.ingest_fixes``.

- **Ratio**: ``steps`` batches, each one fix from every device (a random walk around central London).
  For each batch the raw path first writes the very same fixes, already as database values, with
  psycopg ``cursor.copy()`` (SQLite: ``executemany``) into ``monitoring_fix`` and commits (then, untimed,
  deletes them again); then the API path posts the batch as JSON with the bearer token through Django's test
  client: the whole request (middleware, token check, schema validation, the ingest service with its
  per-row checks, duplicate handling, order attribution, evaluation, audit event, the commit). Both
  sides pay a commit; the COPY alone is reported too.
- **Sustained**: ``rate`` fixes a second for ``seconds`` seconds, one batch a second stamped with the
  second it belongs to, posted when that second starts; lag = when the batch was stored minus its second.
- **Burst**: ``burst`` fixes (15 s of the whole fleet, as a supplier catching up after an outage) posted
  at once in batches of ``burst_batch``; time to drain, and a count in the table that nothing was lost.

Wall seconds (``time.perf_counter``) give the rates and the ratio (the raw side's work is in the database
server, which no process clock of ours sees); CPU seconds of this process (``time.process_time``) are
reported beside them for the API side.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import secrets
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.test import Client

from oms.accounts.api_auth import hash_token
from oms.accounts.models import ApiToken, Role, User, UserRole
from oms.core import clock
from oms.core.actor import Actor, Scope
from oms.monitoring.models import Device, DeviceAssignment, Fix
from oms.monitoring.services import devices as device_services
from oms.monitoring.services import orders as order_services
from oms.people.models import Person

TARGET_RATIO = 0.25
SUSTAINED_TARGET = 1_000  # fixes a second
BURST_TARGET = 15_000  # fixes arriving in one second
URL = "/api/v1/monitoring/fixes"
CENTRE = (-0.1276, 51.5072)
METRES_PER_DEGREE = 111_195.0
COPY_COLUMNS = (
    "device_id",
    "recorded_at",
    "latitude",
    "longitude",
    "accuracy_m",
    "battery_pct",
    "strap",
    "lineage",
    "received_at",
)


@dataclass
class Fleet:
    serials: list[str]
    device_pks: list[int]
    lineages: list[uuid.UUID | None]
    auth: dict
    lon: list[float] = field(default_factory=list)
    lat: list[float] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random(2))
    next_at: dt.datetime | None = None  # fixes are stamped from here on, so each phase's are the newest

    def stamps_from(self) -> dt.datetime:
        """Where the next phase's stamps begin: after everything sent so far, and not before now."""
        now = clock.now().replace(microsecond=0) + dt.timedelta(seconds=1)
        return max(now, self.next_at) if self.next_at else now

    def batch(self, at: dt.datetime, received_at: dt.datetime) -> tuple[bytes, list[tuple]]:
        """One fix from every device at ``at``: the JSON body the supplier posts, and the same fixes as
        database rows for the raw path."""
        stamp = at.isoformat()
        body, rows = [], []
        for n, serial in enumerate(self.serials):
            heading = self.rng.uniform(0, 2 * math.pi)
            self.lat[n] += 15 * math.cos(heading) / METRES_PER_DEGREE
            self.lon[n] += 15 * math.sin(heading) / (METRES_PER_DEGREE * math.cos(math.radians(self.lat[n])))
            accuracy = round(self.rng.uniform(3, 30), 1)
            battery = 90
            body.append(
                {
                    "device": serial,
                    "time": stamp,
                    "latitude": self.lat[n],
                    "longitude": self.lon[n],
                    "accuracy": accuracy,
                    "battery": battery,
                    "strap": "ok",
                }
            )
            rows.append(
                (
                    self.device_pks[n],
                    at,
                    self.lat[n],
                    self.lon[n],
                    accuracy,
                    battery,
                    "ok",
                    self.lineages[n],
                    received_at,
                )
            )
        return json.dumps({"fixes": body}).encode(), rows


def arrange(devices: int, fitted: int) -> Fleet:
    """The fleet, the fitted orders and the feed's token (untimed)."""
    tag = uuid.uuid4().hex[:6].upper()
    now = clock.now()
    actor = Actor.system(channel="job", name="oms bench")
    Device.objects.bulk_create(
        [
            Device(
                serial=f"B2{tag}-{n:05d}", kind=Device.Kind.GPS_TAG, notes="B2 bench", created_at=now, updated_at=now
            )
            for n in range(devices)
        ],
        batch_size=5000,
    )
    found = dict(Device.objects.filter(serial__startswith=f"B2{tag}-").values_list("serial", "pk"))
    serials = sorted(found)
    fitted = min(fitted, devices, 9_999)
    if fitted:
        prefix = _free_person_prefix()
        Person.objects.bulk_create(
            [
                Person(
                    system_number=f"{prefix}{n:04d}",
                    family_name=f"Bench{n}",
                    given_name="B2",
                    legal_status=Person.LegalStatus.SENTENCED,
                )
                for n in range(fitted)
            ],
            batch_size=5000,
        )
        people = list(Person.objects.filter(system_number__startswith=prefix, given_name="B2").order_by("pk"))
        square = [[0.0, 51.0], [0.01, 51.0], [0.01, 51.01], [0.0, 51.01], [0.0, 51.0]]
        for person, serial in zip(people, serials, strict=False):
            with transaction.atomic():
                order = order_services.make_order(
                    actor,
                    person_id=person.public_id,
                    starts_on=now.date(),
                    conditions=[
                        order_services.ConditionSpec(
                            kind="exclusion_zone", label="Exclusion", zone={"type": "Polygon", "coordinates": [square]}
                        ),
                        order_services.ConditionSpec(
                            kind="curfew",
                            label="Home",
                            zone={"type": "Point", "coordinates": list(CENTRE)},
                            radius_m=2000,
                            timetable=[{"days": list(range(7)), "start": "19:00", "end": "07:00"}],
                        ),
                    ],
                )
                device = Device.objects.get(serial=serial)
                device_services.assign_device(actor, device_id=device.public_id, order_id=order.public_id)
    lineage_of = dict(
        DeviceAssignment.objects.filter(device__serial__in=serials, returned_at__isnull=True).values_list(
            "device__serial", "lineage"
        )
    )
    user = User.objects.create_user(username=f"b2-feed-{tag.lower()}", password=None, scope=Scope.NATIONAL)
    UserRole.objects.create(user=user, role=Role.objects.get(code="monitoring_feed"))
    secret = secrets.token_urlsafe(24)
    ApiToken.objects.create(
        user=user, name="B2 feed", prefix=secret[:8], token_hash=hash_token(secret), scopes=["monitoring.ingest_fixes"]
    )
    rng = random.Random(1)
    return Fleet(
        serials=serials,
        device_pks=[found[s] for s in serials],
        lineages=[lineage_of.get(s) for s in serials],
        auth={"HTTP_AUTHORIZATION": f"Bearer {secret}"},
        lon=[CENTRE[0] + rng.uniform(-0.01, 0.01) for _ in serials],
        lat=[CENTRE[1] + rng.uniform(-0.01, 0.01) for _ in serials],
    )


def _free_person_prefix() -> str:
    """Three characters no system number starts with yet (a system number has seven)."""
    while True:
        prefix = f"Z{uuid.uuid4().hex[:2].upper()}"
        if not Person.objects.filter(system_number__startswith=prefix).exists():
            return prefix


def _client() -> Client:
    hosts = [h for h in settings.ALLOWED_HOSTS if h not in ("*",) and not h.startswith(".")]
    return Client(HTTP_HOST=hosts[0] if hosts else "testserver", raise_request_exception=True)


def _post(client: Client, fleet: Fleet, body: bytes) -> dict:
    response = client.post(URL, body, content_type="application/json", secure=True, **fleet.auth)
    if response.status_code != 200:
        raise RuntimeError(f"B2: the feed answered {response.status_code}: {response.content[:300]!r}")
    return response.json()


def _raw_write(rows: list[tuple]) -> None:
    """The raw library path: the driver's COPY (SQLite: executemany) of database-ready rows, nothing else."""
    columns = ", ".join(COPY_COLUMNS)
    if connection.vendor == "postgresql":
        with connection.connection.cursor() as cursor, cursor.copy(f"COPY monitoring_fix ({columns}) FROM STDIN") as c:
            for row in rows:
                c.write_row(row)
    else:
        placeholders = ", ".join("?" for _ in COPY_COLUMNS)
        fields = [Fix._meta.get_field(name.removesuffix("_id")) for name in COPY_COLUMNS]
        converted = [
            tuple(f.get_db_prep_value(v, connection) for f, v in zip(fields, row, strict=True)) for row in rows
        ]
        connection.connection.executemany(
            f"INSERT INTO monitoring_fix ({columns}) VALUES ({placeholders})",  # noqa: S608 - constant names
            converted,
        )


def _raw_commit_then_remove(rows: list[tuple]) -> tuple[float, float]:
    """The raw side of one batch: COPY and COMMIT, timed (the API side commits too: an ingest that is
    not committed has not ingested anything); then, untimed, the rows are deleted again so the API
    path can write the very same fixes. Returns (seconds with the commit, seconds of the COPY alone)."""
    connection.ensure_connection()
    started = time.perf_counter()
    with transaction.atomic():
        _raw_write(rows)
        copied = time.perf_counter() - started
    seconds = time.perf_counter() - started
    with transaction.atomic():
        Fix.objects.filter(
            device_id__in=list({r[0] for r in rows}), recorded_at__in=list({r[1] for r in rows})
        ).delete()
    return seconds, copied


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))] if ordered else 0.0


def run(
    *,
    devices: int = 1_000,
    fitted: int = 100,
    steps: int = 20,
    sustained_seconds: int = 10,
    rate: int = SUSTAINED_TARGET,
    burst: int = BURST_TARGET,
    burst_batch: int = 5_000,
    max_batch: int = 5_000,
    log: Callable[[str], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict:
    """Arrange the fleet, then the three measurements (see the module docstring)."""
    log = log or (lambda line: None)
    arrange_started = time.perf_counter()
    fleet = arrange(devices, fitted)
    arrange_seconds = time.perf_counter() - arrange_started
    client = _client()
    _post(client, fleet, json.dumps({"fixes": []}).encode())  # warm-up: URL resolution, first token use

    # Ratio: one fix from every device per batch, then the API's largest batch (several rounds of the
    # fleet in one post): the per-request costs (token, audit event, commit) are the same for both sizes.
    by_size = {}
    for group in sorted({1, max(1, min(max_batch // devices, steps))}):
        one = _ratio(client, fleet, steps=max(group, math.ceil(steps / group) * group), group=group)
        by_size[one["batch_size"]] = one
        log(
            f"  ratio, batches of {one['batch_size']:,}: {one['fixes']:,} fixes, API {one['api_fixes_per_s']:,}/s,"
            f" raw {one['raw_fixes_per_s']:,}/s = {one['ratio_to_raw']}x"
        )
    main = by_size[max(by_size)]

    # Sustained: one batch of ``rate`` fixes a second (devices report every devices/rate seconds).
    sustained = _sustained(client, fleet, rate=rate, seconds=sustained_seconds, sleep=sleep)
    log(f"  sustained: {sustained['achieved_fixes_per_s']:,}/s, lag p99 {sustained['lag_p99_s']} s")

    # Burst: 15 s of the whole fleet's fixes arrive at once, as a supplier catching up after an outage.
    burst_result = _burst(client, fleet, burst=burst, burst_batch=burst_batch)
    log(f"  burst: {burst_result['fixes']:,} drained in {burst_result['drain_s']} s, lost {burst_result['lost']}")

    binding = connection.vendor == "postgresql"
    meets_ratio = main["ratio_to_raw"] is not None and main["ratio_to_raw"] >= TARGET_RATIO
    return {
        "benchmark": "B2",
        "name": "fix ingest through the API",
        "database": connection.vendor,
        "devices": devices,
        "fitted_devices": min(fitted, devices),
        "arrange_seconds": round(arrange_seconds, 2),
        "api_path": "POST /api/v1/monitoring/fixes (Django test client, bearer token, JSON) -> ingest service",
        "raw_path": "psycopg cursor.copy() into monitoring_fix + COMMIT (rows removed again, untimed)"
        if binding
        else "sqlite3 executemany into monitoring_fix + COMMIT (rows removed again, untimed)",
        **main,
        "by_batch_size": by_size,
        "target_ratio": TARGET_RATIO,
        "ratio_binding": binding,
        "meets_ratio": meets_ratio,
        "sustained": sustained,
        "burst": burst_result,
        "meets_target": (meets_ratio or not binding) and sustained["meets_target"] and burst_result["meets_target"],
    }


def _ratio(client: Client, fleet: Fleet, *, steps: int, group: int) -> dict:
    """``steps`` rounds of the fleet, ``group`` rounds a post; per post, raw (committed, then removed) then
    the API on the same fixes. Stamped from now on, a second a round (the server accepts fixes up to
    MAX_FUTURE_SECONDS ahead), so fitted devices' fixes are evaluated."""
    start = fleet.stamps_from()
    raw_s = raw_copy_s = api_s = api_cpu = 0.0
    accepted = opened = posts = 0
    for first in range(0, steps, group):
        bodies, rows = [], []
        for step in range(first, first + group):
            body, step_rows = fleet.batch(start + dt.timedelta(seconds=step), clock.now())
            bodies.extend(json.loads(body)["fixes"])
            rows.extend(step_rows)
        body = json.dumps({"fixes": bodies}).encode()
        with_commit, copy_only = _raw_commit_then_remove(rows)
        raw_s += with_commit
        raw_copy_s += copy_only
        wall, cpu = time.perf_counter(), time.process_time()
        answer = _post(client, fleet, body)
        api_s += time.perf_counter() - wall
        api_cpu += time.process_time() - cpu
        accepted += answer["accepted"]
        opened += answer["alerts_opened"]
        posts += 1
    fleet.next_at = start + dt.timedelta(seconds=steps)
    fixes = steps * len(fleet.serials)
    api_rate = fixes / api_s if api_s else 0.0
    raw_rate = fixes / raw_s if raw_s else 0.0
    ratio = api_rate / raw_rate if raw_rate else None
    return {
        "batch_size": group * len(fleet.serials),
        "posts": posts,
        "fixes": fixes,
        "accepted": accepted,
        "alerts_opened": opened,
        "api_seconds": round(api_s, 3),
        "api_cpu_seconds": round(api_cpu, 3),
        "api_cpu_us_per_fix": round(1e6 * api_cpu / fixes, 1) if fixes else None,
        "raw_seconds": round(raw_s, 3),
        "raw_copy_seconds_without_commit": round(raw_copy_s, 3),
        "api_fixes_per_s": round(api_rate),
        "raw_fixes_per_s": round(raw_rate),
        "ratio_to_raw": round(ratio, 3) if ratio is not None else None,
    }


def _sustained(client: Client, fleet: Fleet, *, rate: int, seconds: int, sleep) -> dict:
    per_tick = min(rate, len(fleet.serials))
    ticks_per_second = max(1, round(rate / per_tick))
    interval = 1.0 / ticks_per_second
    ticks = seconds * ticks_per_second
    subset = Fleet(
        serials=fleet.serials[:per_tick],
        device_pks=fleet.device_pks[:per_tick],
        lineages=fleet.lineages[:per_tick],
        auth=fleet.auth,
        lon=fleet.lon[:per_tick],
        lat=fleet.lat[:per_tick],
        rng=fleet.rng,
    )
    lags, accepted, sent = [], 0, 0
    cpu = time.process_time()
    started_mono = time.monotonic()
    started_at = fleet.stamps_from()
    for tick in range(ticks):
        due = started_mono + tick * interval
        sleep(max(0.0, due - time.monotonic()))
        body, _ = subset.batch(started_at + dt.timedelta(seconds=tick * interval), clock.now())
        answer = _post(client, fleet, body)
        lags.append(time.monotonic() - due)
        accepted += answer["accepted"]
        sent += per_tick
    elapsed = time.monotonic() - started_mono
    cpu = time.process_time() - cpu
    fleet.next_at = started_at + dt.timedelta(seconds=ticks * interval)
    achieved = accepted / elapsed if elapsed else 0.0
    # Kept up: the fixes went in at the rate they came (within 5 %) and no batch waited more than a second.
    kept_up = accepted == sent and achieved >= 0.95 * rate * min(1.0, per_tick * ticks_per_second / rate)
    return {
        "target_fixes_per_s": rate,
        "seconds": seconds,
        "batches": ticks,
        "batch_size": per_tick,
        "sent": sent,
        "accepted": accepted,
        "achieved_fixes_per_s": round(achieved),
        "lag_p50_s": round(statistics.median(lags), 3) if lags else None,
        "lag_p99_s": round(_percentile(lags, 0.99), 3),
        "lag_max_s": round(max(lags), 3) if lags else None,
        "cpu_seconds": round(cpu, 2),
        "cpu_share_of_one_core": round(cpu / elapsed, 2) if elapsed else None,
        "meets_target": kept_up and (max(lags) if lags else 0) < 1.0,
    }


def _burst(client: Client, fleet: Fleet, *, burst: int, burst_batch: int) -> dict:
    per_step = len(fleet.serials)
    steps = max(1, math.ceil(burst / per_step))
    start = fleet.stamps_from()
    batches, rows_all = [], []
    body_rows: list[dict] = []
    for step in range(steps):
        body, rows = fleet.batch(start + dt.timedelta(seconds=step), clock.now())
        body_rows.extend(json.loads(body)["fixes"])
        rows_all.extend(rows)
    body_rows, rows_all = body_rows[:burst], rows_all[:burst]
    for n in range(0, len(body_rows), burst_batch):
        batches.append(json.dumps({"fixes": body_rows[n : n + burst_batch]}).encode())
    keys = {(r[0], r[1]) for r in rows_all}
    before = _count(rows_all)
    accepted = duplicates = 0
    cpu = time.process_time()
    started = time.perf_counter()
    for body in batches:
        answer = _post(client, fleet, body)
        accepted += answer["accepted"]
        duplicates += answer["duplicates"]
    drain = time.perf_counter() - started
    cpu = time.process_time() - cpu
    stored = _count(rows_all) - before
    lost = len(keys) - stored
    return {
        "fixes": len(body_rows),
        "batches": len(batches),
        "batch_size": burst_batch,
        "accepted": accepted,
        "duplicates": duplicates,
        "stored": stored,
        "lost": lost,
        "drain_s": round(drain, 3),
        "cpu_seconds": round(cpu, 3),
        "drain_fixes_per_s": round(len(body_rows) / drain) if drain else None,
        "drained_within_1s": drain <= 1.0,
        "meets_target": lost == 0 and accepted == len(keys),
    }


def _count(rows: list[tuple]) -> int:
    """Fixes stored for these devices in the burst's time span (a count in the table, not the answers)."""
    device_pks = {r[0] for r in rows}
    times = [r[1] for r in rows]
    return Fix.objects.filter(
        device_id__in=device_pks, recorded_at__gte=min(times), recorded_at__lte=max(times)
    ).count()
