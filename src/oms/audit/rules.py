"""The hash chain, as pure functions over plain values."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

GENESIS = "0" * 64

# The fields that are hashed, in a fixed order; adding one is a new chain version.
HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_user_id",
    "actor_username",
    "organisation_id",
    "channel",
    "request_id",
    "source_ip",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "subject_person_id",
    "site_id",
    "changed_fields",
    "details",
    "reason",
)


def canonical_timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(event: dict) -> str:
    body = {name: event.get(name) for name in HASHED_FIELDS}
    if isinstance(body["occurred_at"], datetime):
        body["occurred_at"] = canonical_timestamp(body["occurred_at"])
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def chain_hash(prev_hash: str, event: dict) -> str:
    return hashlib.sha256((prev_hash + canonical_json(event)).encode()).hexdigest()
