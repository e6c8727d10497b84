"""``Idempotency-Key`` support for creates (security.md API-1).

Same key, same actor, same operation and same body: the stored first response is returned and the
create does not run again. Same key with a different body: 409 ``idempotency.key_reused``. The key is
claimed by inserting its row before the work runs, in the caller's transaction, so two concurrent
retries serialise on the unique index and a failed create releases the key with its rollback.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.core.models import IdempotencyRecord

KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces


def actor_key(actor: Actor) -> str:
    if actor.api_token_id:
        return f"token:{actor.api_token_id}"
    if actor.user_id:
        return f"user:{actor.user_id}"
    return f"system:{actor.username}"


def request_hash(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def run_once(
    actor: Actor, *, key: str | None, scope: str, payload: Any, create: Callable[[], tuple[int, Any]]
) -> tuple[int, Any]:
    """Run ``create`` (returning status and a JSON-able body) at most once per key; replay otherwise."""
    if key is None:
        return create()
    if not KEY_PATTERN.match(key):
        raise RuleViolation(
            "The Idempotency-Key header must be 1 to 255 printable characters.",
            code="idempotency.invalid_key",
            field="Idempotency-Key",
        )
    who, digest = actor_key(actor), request_hash(payload)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(actor_key=who, scope=scope, key=key, request_hash=digest)
    except IntegrityError:
        existing = IdempotencyRecord.objects.get(actor_key=who, scope=scope, key=key)
        if existing.request_hash != digest:
            raise Conflict(
                "This Idempotency-Key was already used with a different request.",
                code="idempotency.key_reused",
                field="Idempotency-Key",
            )
        if existing.response_status is None:
            raise Conflict(
                "The first request with this Idempotency-Key is still running.", code="idempotency.in_flight"
            )
        return existing.response_status, existing.response_body
    status, body = create()
    body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))  # stored and replayed as plain JSON
    IdempotencyRecord.objects.filter(pk=record.pk).update(response_status=status, response_body=body)
    return status, body


RETENTION = dt.timedelta(hours=24)


def purge_expired(*, older_than: dt.timedelta = RETENTION) -> int:
    """Forget answers older than ``older_than`` (a client retries within minutes, not days), so the
    table stays small. Returns how many were removed. Meant for a daily scheduled job."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=clock.now() - older_than).delete()
    return deleted
