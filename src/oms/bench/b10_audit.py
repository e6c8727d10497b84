"""B10: audit chain verification (performance.md target: 100,000 events verify in under 10 s).

``run(tier)`` appends synthetic events to the configured database's chain (they stay: the trail is
append-only, so run it against a benchmark database), then times, in the same run and over the same
rows, ``oms audit verify``'s code path against a bare loop: a DB-API cursor and hashlib, no ORM, no
checkpoint or head checks. The ratio shows what the verifier's safety costs over the floor.
"""

from __future__ import annotations

import hashlib
import json
import time

from django.db import connection, transaction

from oms.audit.models import AuditChainHead, AuditEvent
from oms.audit.queries import verify_stored_chain
from oms.audit.rules import GENESIS, HASHED_FIELDS
from oms.audit.services import record_events_in_bulk
from oms.core.actor import Actor

TIERS = {"small": 20_000, "1m": 100_000}
TARGET_SECONDS_PER_100K = 10.0
ACTIONS = ("people.person_viewed", "people.person_edited", "people.alert_added", "accounts.user_logged_in")


def _synthetic_events(count: int):
    for n in range(count):
        yield {
            "action": ACTIONS[n % len(ACTIONS)],
            "object_type": "person",
            "object_id": str(n % 5000 + 1),
            "subject_person_id": n % 5000 + 1,
            "site_id": n % 7 + 1,
            "changed_fields": ["surname"] if n % 4 == 1 else [],
            "details": {"bench": True, "n": n},
        }


def _raw_hash_loop(up_to_seq: int) -> tuple[int, float]:
    """The floor: fetch the same rows with a plain cursor and chain SHA-256 over a JSON form of each.

    The values are hashed as the driver returns them (no conversion to the canonical form), so this
    measures fetching and hashing only; it does not check anything.
    """
    table = AuditEvent._meta.db_table
    columns = list(HASHED_FIELDS)
    started = time.perf_counter()
    count = 0
    prev = GENESIS
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE seq <= %s ORDER BY seq",  # noqa: S608 (fixed names)
            [up_to_seq],
        )
        while batch := cursor.fetchmany(5000):
            for row in batch:
                body = json.dumps(row, separators=(",", ":"), ensure_ascii=False, default=str)
                prev = hashlib.sha256((prev + body).encode()).hexdigest()
                count += 1
    return count, time.perf_counter() - started


def run(tier: str) -> dict:
    """Write the tier's events, then time verification against the raw loop. JSON-able figures."""
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}; choose from {sorted(TIERS)}")
    count = TIERS[tier]
    actor = Actor.system(channel="job", name="bench")

    started = time.perf_counter()
    with transaction.atomic():
        record_events_in_bulk(actor, _synthetic_events(count))
    write_seconds = time.perf_counter() - started

    started = time.perf_counter()
    verification = verify_stored_chain(actor)
    verify_seconds = time.perf_counter() - started

    head_seq = AuditChainHead.objects.get(pk=1).seq
    raw_count, raw_seconds = _raw_hash_loop(head_seq)

    per_100k = verify_seconds * 100_000 / max(verification.events, 1)
    return {
        "benchmark": "B10",
        "name": "audit chain verification",
        "tier": tier,
        "database": connection.vendor,
        "events_written": count,
        "write_seconds": round(write_seconds, 3),
        "events_verified": verification.events,
        "verify_ok": verification.ok,
        "verify_seconds": round(verify_seconds, 3),
        "verify_seconds_per_100k": round(per_100k, 3),
        "raw_hash_loop_events": raw_count,
        "raw_hash_loop_seconds": round(raw_seconds, 3),
        "verify_over_raw": round(verify_seconds / raw_seconds, 2) if raw_seconds else None,
        "target_seconds_per_100k": TARGET_SECONDS_PER_100K,
        "meets_target": verification.ok and per_100k < TARGET_SECONDS_PER_100K,
    }
