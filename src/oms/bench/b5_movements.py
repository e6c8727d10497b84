"""B5 (movements half): 1,000 movements recorded in one movement window (issue 3: under 2 s on
PostgreSQL, compared against a raw insert of the same rows in the same run; pass at >= 0.25x raw).

``run(tier)`` arranges one site of its own with the tier's people in custody (written directly: the
arrangement is not measured), then, ``repeats`` times:

1. OMS's path: ``oms.custody.services.record_movement_batch`` records the window (every person to a
   workshop or classroom, the unlock to work) for a supervisor-like system actor, inside a savepoint.
   It validates every row, checks keep-aparts and the uncleared count, writes the movements in bulk,
   updates the episodes, appends one audit event per movement to the hash chain and one outbox message
   per movement. The rows it wrote are read back, then the savepoint is rolled back so every repeat
   starts from the same fresh episodes.
2. The raw path: exactly those rows (movements, audit events, outbox messages, the episode updates and
   the chain head) written by the driver alone, ``cursor.copy()`` on PostgreSQL and ``executemany`` on
   SQLite, inside a savepoint rolled back the same way.

The median of each side is reported; ``ratio_to_raw`` is raw seconds / OMS seconds (1.0 = as fast as
the driver). The 2-second target binds on PostgreSQL only.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
import uuid

from django.db import connection, transaction

from oms.audit.models import AuditChainHead, AuditEvent
from oms.core import clock
from oms.core.actor import Actor
from oms.core.models import OutboxMessage
from oms.custody.models import CustodyEpisode, Movement
from oms.custody.services.movements import record_movement_batch
from oms.facilities.models import Location, Organisation, Site
from oms.people.models import Person

TIERS = {"small": {"people": 1_000, "movements": 1_000}, "1m": {"people": 10_000, "movements": 1_000}}
TARGET_RATIO = 0.25
TARGET_SECONDS = 2.0  # PostgreSQL, 1,000 movements
PLACES = ("WORKSHOP1", "WORKSHOP2", "EDUCATION", "GYM")


def _arrange(people: int) -> tuple[Site, list[CustodyEpisode], list[Location]]:
    """A site of the bench's own with ``people`` active episodes inside and four places to go."""
    tag = uuid.uuid4().hex[:6].upper()
    organisation = Organisation.objects.create(
        code=f"B5{tag}", name=f"B5 bench {tag}", kind=Organisation.Kind.PRISON_SERVICE
    )
    site = Site.objects.create(
        organisation=organisation, code=f"B5{tag}", name=f"B5 prison {tag}", kind=Site.Kind.PRISON
    )
    places = []
    for code in PLACES:
        place = Location(site=site, kind=Location.Kind.WORKSHOP, code=code, residential=False, name=code.title())
        place.place_under(None)
        place.save()
        place.set_path()
        place.save(update_fields=["path"])
        places.append(place)
    now = clock.now()
    persons = Person.objects.bulk_create(
        [
            Person(
                system_number=f"{tag[:2]}{n:05d}",
                family_name=f"Bench{n}",
                given_name="B5",
                legal_status=Person.LegalStatus.SENTENCED,
            )
            for n in range(people)
        ],
        batch_size=5000,
    )
    if persons and persons[0].pk is None:  # backends that do not return ids from a bulk insert
        persons = list(Person.objects.filter(system_number__startswith=tag[:2], given_name="B5").order_by("pk"))
    episodes = CustodyEpisode.objects.bulk_create(
        [
            CustodyEpisode(
                person=person,
                site=site,
                booking_number=f"B5{tag}{n:06d}",
                legal_status=Person.LegalStatus.SENTENCED,
                received_at=now,
                in_reception=False,
            )
            for n, person in enumerate(persons)
        ],
        batch_size=5000,
    )
    return site, episodes, places


def _items(episodes: list[CustodyEpisode], places: list[Location], count: int) -> list[dict]:
    return [
        {"episode_id": str(e.public_id), "kind": "internal", "to_location_id": str(places[n % len(places)].public_id)}
        for n, e in enumerate(episodes[:count])
    ]


def _columns(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


def _read_rows(model, where: str, params: list) -> list[tuple]:
    """Rows as the driver returns them, JSON re-encoded as text so the driver can write them back."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _columns(model))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE {where} ORDER BY id", params)  # noqa: S608 (model names)
        rows = cursor.fetchall()
    return [tuple(_as_driver_value(v) for v in row) for row in rows]


def _as_driver_value(value):
    if isinstance(value, dict | list):
        return json.dumps(value)
    if connection.vendor == "sqlite" and isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)  # the text SQLite stores, not a Python adapter
    return value


def _raw_insert(model, rows: list[tuple]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = [connection.ops.quote_name(c) for c in _columns(model)]
    driver = connection.connection
    if connection.vendor == "postgresql":
        with driver.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(quoted)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        placeholders = ", ".join("?" for _ in quoted)
        driver.executemany(f"INSERT INTO {table} ({', '.join(quoted)}) VALUES ({placeholders})", rows)  # noqa: S608


def _raw_update_episodes(updates: list[tuple]) -> None:
    table = connection.ops.quote_name(CustodyEpisode._meta.db_table)
    mark = "%s" if connection.vendor == "postgresql" else "?"
    sql = (
        f"UPDATE {table} SET in_out = {mark}, current_location_id = {mark}, version = {mark},"  # noqa: S608
        f" updated_at = {mark} WHERE id = {mark}"
    )
    driver = connection.connection
    if connection.vendor == "postgresql":
        with driver.cursor() as cursor:
            cursor.executemany(sql, updates)
    else:
        driver.executemany(sql, updates)


def _oms_once(actor: Actor, site: Site, items: list[dict]) -> tuple[float, dict]:
    """Time OMS's batch path, read back what it wrote, and roll it back."""
    head = AuditChainHead.objects.get(pk=1)
    last_outbox = OutboxMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0
    sid = transaction.savepoint()
    started = time.perf_counter()
    result = record_movement_batch(actor, site_id=site.public_id, items=items)
    seconds = time.perf_counter() - started
    episode_ids = [m.episode_id for m in result.movements]
    written = {
        "movements": _read_rows(
            Movement, "batch_id = %s", [result.batch_id.hex if connection.vendor == "sqlite" else result.batch_id]
        ),
        "audit": _read_rows(AuditEvent, "seq > %s", [head.seq]),
        "outbox": _read_rows(OutboxMessage, "id > %s", [last_outbox]),
        "episodes": list(
            CustodyEpisode.objects.filter(pk__in=episode_ids).values_list(
                "in_out", "current_location_id", "version", "updated_at", "pk"
            )
        ),
        "head": AuditChainHead.objects.values_list("seq", "hash").get(pk=1),
        "flagged": result.during_uncleared_count,
    }
    transaction.savepoint_rollback(sid)
    return seconds, written


def _raw_once(written: dict) -> float:
    """Write the same rows with the driver alone, and roll them back."""
    if connection.vendor == "sqlite":
        # The driver's own datetime values, as SQLite stores them (the ORM's read gave aware datetimes).
        episodes = [(a, b, c, _as_driver_value(d), e) for a, b, c, d, e in written["episodes"]]
    else:
        episodes = written["episodes"]
    head_table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    mark = "%s" if connection.vendor == "postgresql" else "?"
    sid = transaction.savepoint()
    started = time.perf_counter()
    _raw_insert(Movement, written["movements"])
    _raw_update_episodes(episodes)
    _raw_insert(AuditEvent, written["audit"])
    _raw_insert(OutboxMessage, written["outbox"])
    head_sql = f"UPDATE {head_table} SET seq = {mark}, hash = {mark} WHERE id = 1"  # noqa: S608 (model name)
    if connection.vendor == "postgresql":
        with connection.connection.cursor() as cursor:
            cursor.execute(head_sql, written["head"])
    else:
        connection.connection.execute(head_sql, written["head"])
    seconds = time.perf_counter() - started
    transaction.savepoint_rollback(sid)
    return seconds


def run(tier: str, *, people: int | None = None, movements: int | None = None, repeats: int = 3) -> dict:
    """Arrange the tier's population, then time OMS's batch path against the raw insert. JSON-able."""
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}; choose from {sorted(TIERS)}")
    people = people if people is not None else TIERS[tier]["people"]
    movements = min(movements if movements is not None else TIERS[tier]["movements"], people)
    actor = Actor.system(channel="job", name="oms bench")
    with transaction.atomic():
        arrange_started = time.perf_counter()
        site, episodes, places = _arrange(people)
        arrange_seconds = time.perf_counter() - arrange_started
    items = _items(episodes, places, movements)
    oms_times, raw_times, rows_written = [], [], 0
    with transaction.atomic():
        for _ in range(max(1, repeats)):
            oms_seconds, written = _oms_once(actor, site, items)
            oms_times.append(oms_seconds)
            raw_times.append(_raw_once(written))
            rows_written = sum(len(written[k]) for k in ("movements", "audit", "outbox", "episodes"))
            if len(written["movements"]) != movements:
                raise RuntimeError("the batch path did not record every movement")
        transaction.set_rollback(True)  # nothing of the measurement stays; the arranged population does
    oms_median, raw_median = statistics.median(oms_times), statistics.median(raw_times)
    ratio = raw_median / oms_median if oms_median else None
    binding = connection.vendor == "postgresql"
    meets_ratio = ratio is not None and ratio >= TARGET_RATIO
    meets_seconds = oms_median < TARGET_SECONDS * movements / 1_000
    return {
        "benchmark": "B5",
        "name": "movements recorded in one window",
        "database": connection.vendor,
        "people_in_custody": people,
        "movements": movements,
        "repeats": len(oms_times),
        "rows_written_per_window": rows_written,
        "oms_path": "oms.custody.services.record_movement_batch (validate, keep-aparts, bulk write, audit, outbox)",
        "raw_path": "psycopg cursor.copy() + executemany" if binding else "sqlite3 executemany",
        "oms_seconds": round(oms_median, 4),
        "raw_seconds": round(raw_median, 4),
        "oms_seconds_each": [round(s, 4) for s in oms_times],
        "raw_seconds_each": [round(s, 4) for s in raw_times],
        "oms_movements_per_second": round(movements / oms_median) if oms_median else 0,
        "raw_movements_per_second": round(movements / raw_median) if raw_median else 0,
        "arrange_seconds_excluded": round(arrange_seconds, 3),
        "ratio_to_raw": round(ratio, 3) if ratio is not None else None,
        "target_ratio": TARGET_RATIO,
        "target_seconds": TARGET_SECONDS,
        "seconds_target_binding": binding,
        "meets_ratio_target": meets_ratio,
        "meets_seconds_target": meets_seconds,
        "meets_target": meets_ratio and (meets_seconds or not binding),
    }
