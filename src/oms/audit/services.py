"""Writing the audit trail. ``record_event`` is the one way any app records what happened."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from oms.audit.models import (
    AuditChainHead,
    AuditCheckpoint,
    AuditEvent,
    AuditPurgeAuthorisation,
    AuditRetentionAnchor,
)
from oms.audit.rules import (
    HASHED_FIELDS,
    Verification,
    chain_hash,
    is_read_action,
    sign_checkpoint,
    sign_retention_anchor,
)
from oms.audit.signing import SigningKeyUnavailable, signing_key
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import RuleViolation, ServiceUnavailable
from oms.core.middleware import current_request_id


def _normalised_ip(value: str | None) -> str | None:
    # PostgreSQL's inet type rewrites addresses (e.g. upper-case IPv6) on the way in; hashing the
    # canonical form means the stored value re-hashes to the same chain hash when verified.
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _event_fields(actor: Actor, action: str, *, seq: int, occurred_at, **content) -> dict:
    fields = {
        "seq": seq,
        "occurred_at": occurred_at,
        "actor_user_id": actor.user_id,
        "actor_username": actor.username,
        "organisation_id": actor.organisation_id,
        "channel": actor.channel,
        "request_id": actor.request_id or current_request_id(),
        "source_ip": _normalised_ip(actor.ip),
        "action": action,
        "outcome": str(content.get("outcome", AuditEvent.Outcome.SUCCESS)),
        "object_type": content.get("object_type", ""),
        "object_id": str(content.get("object_id", "")),
        "subject_person_id": content.get("subject_person_id"),
        "site_id": content.get("site_id"),
        "changed_fields": sorted(content.get("changed_fields", ())),
        "details": content.get("details") or {},
        "reason": content.get("reason", ""),
    }
    if fields["request_id"] == "-":
        fields["request_id"] = ""
    return fields


BULK_FIELDS = frozenset(
    {"object_type", "object_id", "subject_person_id", "site_id", "changed_fields", "details", "reason", "outcome"}
)


def _checkpoint_due(seq: int) -> bool:
    return seq % settings.AUDIT_CHECKPOINT_INTERVAL == 0


def _new_checkpoint(seq: int, event_hash: str) -> AuditCheckpoint:
    return AuditCheckpoint(
        seq=seq, hash=event_hash, signature=sign_checkpoint(signing_key(), seq, event_hash), created_at=clock.now()
    )


# PostgreSQL: lock the head row and, in the same statement, choose how this transaction commits
# (SET LOCAL via set_config(..., true): reverted with the transaction or savepoint it was made in).
# A transaction whose events are all consultations (reads) commits without waiting for its WAL flush;
# the first change event marks the transaction and makes the commit synchronous again, whatever
# reads come after it. The setting is read at COMMIT, so the last one made wins.
_HEAD_TABLE = AuditChainHead._meta.db_table
_LOCK_HEAD_FOR_CHANGE = (
    f"SELECT seq, hash, set_config('synchronous_commit', 'on', true), "  # noqa: S608 - model meta name
    f"set_config('oms.audit_change_recorded', 'on', true) FROM {_HEAD_TABLE} WHERE id = 1 FOR UPDATE"
)
_LOCK_HEAD_FOR_READ = (
    "SELECT seq, hash, set_config('synchronous_commit', "  # noqa: S608 - model meta name
    "CASE WHEN current_setting('oms.audit_change_recorded', true) = 'on' THEN 'on' ELSE 'off' END, true) "
    f"FROM {_HEAD_TABLE} WHERE id = 1 FOR UPDATE"
)


def _lock_head(action: str) -> tuple[int, str]:
    """The chain head (seq, hash), locked until the transaction ends: appends are serialised."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_LOCK_HEAD_FOR_READ if is_read_action(action) else _LOCK_HEAD_FOR_CHANGE)
            row = cursor.fetchone()
        if row is None:
            raise AuditChainHead.DoesNotExist("the audit chain head row is missing")
        return row[0], row[1]
    # SQLite has one writer at a time and always syncs its commit; the lock is the write lock.
    head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head.seq, head.hash


_EVENT_TABLE = AuditEvent._meta.db_table
_EVENT_COLUMNS = (*HASHED_FIELDS, "prev_hash", "hash")
_CASTS = {"source_ip": "::inet", "changed_fields": "::jsonb", "details": "::jsonb"}
# PostgreSQL: insert the event and move the head in one statement (one round trip, no ORM).
_APPEND_AND_MOVE_HEAD = (
    f"WITH appended AS (INSERT INTO {_EVENT_TABLE} ({', '.join(_EVENT_COLUMNS)}) "  # noqa: S608 - model meta names
    f"VALUES ({', '.join('%s' + _CASTS.get(name, '') for name in _EVENT_COLUMNS)}) RETURNING id) "
    f"UPDATE {_HEAD_TABLE} SET seq = %s, hash = %s WHERE id = 1 RETURNING (SELECT id FROM appended)"
)


def _append(fields: dict, prev_hash: str, event_hash: str) -> AuditEvent:
    """Insert the event and make it the chain head."""
    event = AuditEvent(prev_hash=prev_hash, hash=event_hash, **fields)
    if connection.vendor == "postgresql":
        values = [
            json.dumps(value) if name in ("changed_fields", "details") else value
            for name, value in ((name, getattr(event, name)) for name in _EVENT_COLUMNS)
        ]
        with connection.cursor() as cursor:
            cursor.execute(_APPEND_AND_MOVE_HEAD, [*values, event.seq, event_hash])
            row = cursor.fetchone()
        if row is None or row[0] is None:
            raise AuditChainHead.DoesNotExist("the audit chain head row is missing")
        event.pk = row[0]
        event._state.adding = False
        event._state.db = connection.alias
        return event
    event.save(force_insert=True)
    AuditChainHead.objects.filter(pk=1).update(seq=event.seq, hash=event_hash)
    return event


def record_event(
    actor: Actor,
    action: str,
    *,
    object_type: str = "",
    object_id: str | int = "",
    subject_person_id: int | None = None,
    site_id: int | None = None,
    changed_fields: Iterable[str] = (),
    details: dict | None = None,
    reason: str = "",
    outcome: str = AuditEvent.Outcome.SUCCESS,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction (AUD-3: no audit, no change).

    ``action`` is ``<app>.<entity>_<past verb>``. ``details`` must hold only non-sensitive values:
    never passwords, tokens, one-time codes or sensitive content (AUD-2). Raises ServiceUnavailable
    (503) when the event cannot be written, so the caller's change or read fails closed. Every
    AUDIT_CHECKPOINT_INTERVAL-th event also writes a signed checkpoint.

    Durability (PostgreSQL): when every event of the transaction so far is a consultation
    (``rules.is_read_action``), the transaction commits with ``synchronous_commit = off``: the event
    is still inserted and chained in the same transaction (no event, no data), but a crash of the
    database server can lose the last fraction of a second of such read events. Any change event
    switches the transaction back to a synchronous commit (docs/audit.md, "Read events").
    """
    try:
        # No savepoint of its own: if the append fails, the caller's transaction is spoilt and fails
        # as a whole (fail closed), which is what AUD-3 asks; it saves two round trips per event.
        with transaction.atomic(savepoint=False):
            # The head row serialises appends: each event needs the hash of the one before.
            head_seq, head_hash = _lock_head(action)
            fields = _event_fields(
                actor,
                action,
                seq=head_seq + 1,
                occurred_at=clock.now(),
                object_type=object_type,
                object_id=object_id,
                subject_person_id=subject_person_id,
                site_id=site_id,
                changed_fields=changed_fields,
                details=details,
                reason=reason,
                outcome=outcome,
            )
            event_hash = chain_hash(head_hash, fields)
            event = _append(fields, head_hash, event_hash)
            if _checkpoint_due(event.seq):
                _new_checkpoint(event.seq, event_hash).save()
            return event
    except (DatabaseError, AuditChainHead.DoesNotExist, SigningKeyUnavailable) as exc:
        raise ServiceUnavailable("The audit trail could not be written; nothing was changed.") from exc


def record_events_in_bulk(actor: Actor, events: Iterable[Mapping], *, batch_size: int = 5000) -> int:
    """Append many events at once (demo data, benchmarks, imports): one head lock, bulk inserts.

    Each item holds the keyword arguments of ``record_event`` after ``actor`` (``action`` required).
    The chain is built exactly as ``record_event`` would, checkpoints included. Returns the count.
    """
    written = 0
    try:
        with transaction.atomic():
            # Locked as for a change: a bulk append always commits synchronously.
            seq, prev_hash = _lock_head("audit.events_appended")
            rows: list[AuditEvent] = []
            checkpoints: list[AuditCheckpoint] = []
            for item in events:
                content = dict(item)
                action = content.pop("action")
                unknown = set(content) - BULK_FIELDS
                if unknown:
                    raise TypeError(f"unknown audit event fields: {sorted(unknown)}")
                seq += 1
                fields = _event_fields(actor, action, seq=seq, occurred_at=clock.now(), **content)
                event_hash = chain_hash(prev_hash, fields)
                rows.append(AuditEvent(prev_hash=prev_hash, hash=event_hash, **fields))
                if _checkpoint_due(seq):
                    checkpoints.append(_new_checkpoint(seq, event_hash))
                prev_hash = event_hash
                if len(rows) >= batch_size:
                    AuditEvent.objects.bulk_create(rows)
                    written += len(rows)
                    rows = []
            AuditEvent.objects.bulk_create(rows)
            written += len(rows)
            AuditCheckpoint.objects.bulk_create(checkpoints)
            AuditChainHead.objects.filter(pk=1).update(seq=seq, hash=prev_hash)
    except (DatabaseError, AuditChainHead.DoesNotExist, SigningKeyUnavailable) as exc:
        raise ServiceUnavailable("The audit trail could not be written; nothing was changed.") from exc
    return written


def write_checkpoint(actor: Actor) -> AuditCheckpoint | None:
    """Sign the current head (``oms audit checkpoint``, e.g. nightly and before a retention purge).

    Permission: audit.verify. Returns None when the head is already checkpointed or the chain is
    empty. The checkpoint itself is recorded as an event ("audit.checkpoint_written").
    """
    actor.require("audit.verify")
    head = AuditChainHead.objects.select_for_update().get(pk=1)
    if head.seq == 0 or AuditCheckpoint.objects.filter(seq=head.seq).exists():
        return None
    checkpoint = _new_checkpoint(head.seq, head.hash)
    checkpoint.save()
    record_event(actor, "audit.checkpoint_written", object_type="audit_checkpoint", object_id=checkpoint.seq)
    return checkpoint


def record_verification(actor: Actor, verification: Verification) -> AuditEvent:
    """Record the outcome of ``queries.verify_stored_chain`` as "audit.chain_verified".

    Permission: audit.verify. Kept apart from the read so the entry point can verify outside a
    transaction (on SQLite a transaction takes the write lock) and record inside one.
    """
    actor.require("audit.verify")
    return record_event(
        actor,
        "audit.chain_verified",
        outcome=AuditEvent.Outcome.SUCCESS if verification.ok else AuditEvent.Outcome.FAILURE,
        details={
            "events": verification.events,
            "head": verification.head_hash,
            "position": verification.position,
            "reason": verification.reason,
        },
    )


# --- retention (AUD-4, AUD-6) -----------------------------------------------------------------------
MINIMUM_RETENTION_DAYS = 365


@dataclass(frozen=True)
class PurgeResult:
    """What a retention purge removed (or, on a dry run, would remove)."""

    cutoff: dt.datetime  # events that occurred before this instant are past retention
    events: int  # how many events (0 when nothing is due)
    first_seq: int | None = None
    last_seq: int | None = None  # the anchor: the chain now starts after this position
    oldest_at: dt.datetime | None = None
    newest_at: dt.datetime | None = None
    dry_run: bool = False


def retention_days() -> int:
    """OMS_AUDIT_RETENTION_DAYS (default 730); below one year is refused (AUD-6)."""
    days = settings.AUDIT_RETENTION_DAYS
    if days < MINIMUM_RETENTION_DAYS:
        raise RuleViolation(
            f"OMS_AUDIT_RETENTION_DAYS is {days}: audit events are kept for at least {MINIMUM_RETENTION_DAYS} days.",
            code="audit.retention_too_short",
            field="OMS_AUDIT_RETENTION_DAYS",
        )
    return days


def retention_problems(app_configs=None, **kwargs):
    """System check: refuse to start with a retention period shorter than a year."""
    from django.core import checks

    if settings.AUDIT_RETENTION_DAYS < MINIMUM_RETENTION_DAYS:
        return [
            checks.Error(
                f"OMS_AUDIT_RETENTION_DAYS must be at least {MINIMUM_RETENTION_DAYS} (AUD-6); it is"
                f" {settings.AUDIT_RETENTION_DAYS}.",
                id="oms.audit.E002",
            )
        ]
    return []


def _authorise_deletion_through(seq: int | None) -> None:
    """Open (a position) or close (None) the append-only trigger's one gap, for this transaction only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('oms.audit_purge_through', %s, true)", [str(seq or "")])
    elif seq is None:
        AuditPurgeAuthorisation.objects.all().delete()
    else:
        AuditPurgeAuthorisation.objects.create(through_seq=seq)


def purge_expired_events(actor: Actor, *, dry_run: bool = False) -> PurgeResult:
    """Delete the audit events older than the retention period (AUD-4: its own audited job).

    Permission: audit.purge (the system actor of the scheduled job and of ``oms audit purge``). Only
    a prefix of the chain goes: positions 1..k where every one occurred before the cutoff, so the
    rest still links up. Before deleting, a signed retention anchor (k and the hash of event k) is
    written, from which ``oms audit verify`` checks the remaining chain. The delete passes the
    append-only trigger only through a gap this transaction opens for positions <= k and closes
    again. Recorded as ``audit.events_purged`` (count, positions, time range, cutoff), which is the
    first event of the remaining chain to mention the purge. ``dry_run`` reports and changes nothing
    (nor is it recorded). Must run inside the caller's transaction.
    """
    actor.require("audit.purge")
    cutoff = clock.now() - dt.timedelta(days=retention_days())
    # Lock the head: no append interleaves with the purge, and the anchor names a settled position.
    head_seq, _ = _lock_head("audit.events_purged")
    start = AuditRetentionAnchor.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    first_kept = (
        AuditEvent.objects.filter(seq__gt=start, occurred_at__gte=cutoff).order_by("seq").values_list("seq", flat=True)
    ).first()
    last_purged = (first_kept - 1) if first_kept is not None else head_seq
    if last_purged <= start:
        return PurgeResult(cutoff=cutoff, events=0, dry_run=dry_run)
    doomed = AuditEvent.objects.filter(seq__gt=start, seq__lte=last_purged)
    oldest_at = doomed.order_by("seq").values_list("occurred_at", flat=True).first()
    newest_at, anchor_hash = doomed.order_by("-seq").values_list("occurred_at", "hash").first()
    result = PurgeResult(
        cutoff=cutoff,
        events=last_purged - start,
        first_seq=start + 1,
        last_seq=last_purged,
        oldest_at=oldest_at,
        newest_at=newest_at,
        dry_run=dry_run,
    )
    if dry_run:
        return result
    try:
        AuditRetentionAnchor.objects.create(
            seq=last_purged,
            hash=anchor_hash,
            signature=sign_retention_anchor(signing_key(), last_purged, anchor_hash),
            events_purged=result.events,
            created_at=clock.now(),
        )
        _authorise_deletion_through(last_purged)
        deleted, _ = doomed.delete()  # nothing refers to events, so this is one DELETE statement
        _authorise_deletion_through(None)
    except (DatabaseError, SigningKeyUnavailable) as exc:
        raise ServiceUnavailable("The audit retention purge could not run; nothing was deleted.") from exc
    if deleted != result.events:
        # A gap in the positions means the chain was already damaged: keep everything.
        raise ServiceUnavailable(
            f"The audit retention purge expected {result.events} events at positions {result.first_seq}..{last_purged}"
            f" but found {deleted}; nothing was deleted. Run oms audit verify."
        )
    record_event(
        actor,
        "audit.events_purged",
        object_type="audit_retention_anchor",
        object_id=last_purged,
        details={
            "events": deleted,
            "first_seq": result.first_seq,
            "last_seq": last_purged,
            "oldest_at": oldest_at.isoformat(),
            "newest_at": newest_at.isoformat(),
            "cutoff": cutoff.isoformat(),
            "retention_days": retention_days(),
        },
    )
    return result
