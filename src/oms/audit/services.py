"""Writing the audit trail. ``record_event`` is the one way any app records what happened."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import DatabaseError, transaction

from oms.audit.models import AuditChainHead, AuditEvent
from oms.audit.rules import chain_hash
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import ServiceUnavailable
from oms.core.middleware import current_request_id


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
    (503) when the event cannot be written, so the caller's change or read fails closed.
    """
    try:
        with transaction.atomic():
            # The head row serialises appends: each event needs the hash of the one before.
            head = AuditChainHead.objects.select_for_update().get(pk=1)
            fields = {
                "seq": head.seq + 1,
                "occurred_at": clock.now(),
                "actor_user_id": actor.user_id,
                "actor_username": actor.username,
                "organisation_id": actor.organisation_id,
                "channel": actor.channel,
                "request_id": actor.request_id or current_request_id(),
                "source_ip": actor.ip,
                "action": action,
                "outcome": str(outcome),
                "object_type": object_type,
                "object_id": str(object_id),
                "subject_person_id": subject_person_id,
                "site_id": site_id,
                "changed_fields": sorted(changed_fields),
                "details": details or {},
                "reason": reason,
            }
            if fields["request_id"] == "-":
                fields["request_id"] = ""
            event_hash = chain_hash(head.hash, fields)
            event = AuditEvent.objects.create(prev_hash=head.hash, hash=event_hash, **fields)
            AuditChainHead.objects.filter(pk=1).update(seq=event.seq, hash=event_hash)
            return event
    except DatabaseError as exc:
        raise ServiceUnavailable("The audit trail could not be written; nothing was changed.") from exc
