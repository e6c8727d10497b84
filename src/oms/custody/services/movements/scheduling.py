"""Planning movements ahead, cancelling them, and carrying a scheduled movement out (by the service for
its kind).
"""

from __future__ import annotations

import datetime as dt

from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.custody.models import Movement
from oms.custody.queries.movements import get_movement
from oms.custody.rules import movements as rules
from oms.custody.services._common import new_movement
from oms.custody.services.movements._common import (
    PERMISSION,
    SCHEDULABLE_KINDS,
    _audit_movement,
    _destination_site,
    _episode,
    _internal_location,
    _raise,
    _text,
)
from oms.custody.services.movements.internal import record_internal
from oms.custody.services.movements.outside import record_out
from oms.custody.services.movements.transfers import send_transfer


def schedule_movement(
    actor: Actor,
    *,
    episode_id,
    kind: str,
    scheduled_at: dt.datetime | None,
    destination: str = "",
    to_location_id=None,
    to_site_id=None,
    escort: str = "",
    reason: str = "",
) -> Movement:
    """Plan a movement (court, hospital, temporary release, internal or transfer) for a person in
    custody. ``custody.record_movement``; audited as ``custody.movement_scheduled``."""
    episode = _episode(actor, episode_id)
    if kind not in SCHEDULABLE_KINDS:
        raise RuleViolation(
            "Select court, hospital, temporary release, internal or transfer",
            code="custody.invalid_kind",
            field="kind",
        )
    _raise(rules.must_be_active(episode.status))
    if scheduled_at is None:
        raise RuleViolation("Enter when the movement is planned", code="custody.required", field="scheduled_at")
    if scheduled_at.tzinfo is None:
        raise RuleViolation("Give the time with its time zone", code="custody.naive_time", field="scheduled_at")
    fields: dict = {
        "destination": _text(destination, "destination"),
        "escort": _text(escort, "escort"),
        "reason": _text(reason, "reason"),
    }
    if kind == "internal":
        fields["to_location"] = _internal_location(episode.site_id, to_location_id)
    elif kind == "transfer":
        fields["to_site"] = _destination_site(episode, to_site_id)
    elif not fields["destination"]:
        raise RuleViolation("Enter where the person is going", code="custody.required", field="destination")
    movement = new_movement(
        actor,
        episode,
        kind=kind,
        direction=rules.direction_of(kind),
        status=Movement.Status.SCHEDULED,
        scheduled_at=scheduled_at,
        **fields,
    )
    _audit_movement(
        actor,
        "custody.movement_scheduled",
        movement,
        episode,
        changed_fields=["kind", "scheduled_at", *[k for k, v in fields.items() if v]],
    )
    return movement


def cancel_movement(actor: Actor, *, movement_id, reason: str) -> Movement:
    """Cancel a scheduled movement (kept, marked cancelled). ``custody.record_movement``; audited as
    ``custody.movement_cancelled`` with the reason."""
    movement = get_movement(actor, movement_id, permission=PERMISSION, for_update=True)
    if not actor.can_reach_site(movement.site_id, movement.site.organisation_id):
        raise NotFound("Movement not found.", code="custody.movement_not_found")
    reason = _text(reason, "reason", required="Enter why the movement is cancelled")
    if movement.status != Movement.Status.SCHEDULED:
        raise Conflict("Only a scheduled movement can be cancelled.", code="custody.not_scheduled", field="movement")
    movement.status = Movement.Status.CANCELLED
    movement.save(update_fields=["status"])
    _audit_movement(
        actor, "custody.movement_cancelled", movement, movement.episode, changed_fields=["status"], reason=reason
    )
    return movement


def carry_out_movement(
    actor: Actor, *, movement_id, occurred_at: dt.datetime | None = None, override_reason: str = ""
) -> Movement:
    """Record that a scheduled movement happened, with its actual time: the scheduled row is completed
    (or goes en route, for a transfer) by the service for its kind, with the same checks and audit.
    ``custody.record_movement``."""
    movement = get_movement(actor, movement_id, permission=PERMISSION)
    if not actor.can_reach_site(movement.site_id, movement.site.organisation_id):
        raise NotFound("Movement not found.", code="custody.movement_not_found")
    if movement.status != Movement.Status.SCHEDULED:
        raise Conflict("That movement is no longer scheduled.", code="custody.not_scheduled", field="movement")
    episode_id = movement.episode.public_id
    if movement.kind == Movement.Kind.INTERNAL:
        return record_internal(
            actor,
            episode_id=episode_id,
            to_location_id=None,
            occurred_at=occurred_at,
            scheduled_movement_id=movement_id,
        )
    if movement.kind == Movement.Kind.TRANSFER:
        return send_transfer(
            actor,
            episode_id=episode_id,
            to_site_id=None,
            escort="",
            occurred_at=occurred_at,
            scheduled_movement_id=movement_id,
            override_reason=override_reason,
        )
    return record_out(
        actor,
        episode_id=episode_id,
        kind=movement.kind,
        occurred_at=occurred_at,
        scheduled_movement_id=movement_id,
        override_reason=override_reason,
    )
