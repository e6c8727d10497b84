"""Writing the audit trail. ``record_event`` is the one way any app records what happened."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db import DatabaseError, transaction

from oms.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from oms.audit.rules import Verification, chain_hash, sign_checkpoint
from oms.audit.signing import SigningKeyUnavailable, signing_key
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import ServiceUnavailable
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
    """
    try:
        with transaction.atomic():
            # The head row serialises appends: each event needs the hash of the one before.
            head = AuditChainHead.objects.select_for_update().get(pk=1)
            fields = _event_fields(
                actor,
                action,
                seq=head.seq + 1,
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
            event_hash = chain_hash(head.hash, fields)
            event = AuditEvent.objects.create(prev_hash=head.hash, hash=event_hash, **fields)
            AuditChainHead.objects.filter(pk=1).update(seq=event.seq, hash=event_hash)
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
            head = AuditChainHead.objects.select_for_update().get(pk=1)
            seq, prev_hash = head.seq, head.hash
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
