"""Internal moves: to a non-residential place of the same establishment and back to the cell."""

from __future__ import annotations

import datetime as dt

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict
from oms.custody.models import Movement
from oms.custody.rules import movements as rules
from oms.custody.services._common import count_in_progress, emit, new_movement
from oms.custody.services.movements._common import (
    MOVEMENT_EVENT,
    _audit_movement,
    _episode,
    _guard,
    _internal_location,
    _movement_payload,
    _occurred,
    _raise,
    _save_episode,
    _scheduled,
    _text,
)


def record_internal(
    actor: Actor,
    *,
    episode_id,
    to_location_id,
    escort: str = "",
    reason: str = "",
    occurred_at: dt.datetime | None = None,
    scheduled_movement_id=None,
) -> Movement:
    """Move someone inside the walls to an active non-residential location of the same site (workshop,
    classroom, visits, healthcare); their current location is set until they go back. Moving from one
    such place to another is one movement. ``custody.record_movement``; audited as
    ``custody.movement_recorded``."""
    episode = _episode(actor, episode_id)
    scheduled = _scheduled(episode, scheduled_movement_id, Movement.Kind.INTERNAL)
    _raise(rules.can_move_internally(status=episode.status, in_out=episode.in_out))
    location = _internal_location(
        episode.site_id, to_location_id or (scheduled.to_location.public_id if scheduled else None)
    )
    if episode.current_location_id == location.pk:
        raise Conflict("The person is already there.", code="custody.already_there", field="to_location")
    occurred_at = _occurred(occurred_at)
    _guard(episode, Movement.Kind.INTERNAL, location.pk)
    fields = {"escort": _text(escort, "escort"), "reason": _text(reason, "reason")}
    if scheduled is not None:
        movement = scheduled
        movement.status = Movement.Status.COMPLETED
        movement.occurred_at = occurred_at
        movement.to_location = location
        movement.from_location = episode.current_location
        movement.escort = fields["escort"] or movement.escort
        movement.during_uncleared_count = count_in_progress(episode.site_id)
        movement.recorded_by_id = actor.user_id
        movement.recorded_at = clock.now()
        movement.save()
    else:
        movement = new_movement(
            actor,
            episode,
            kind=Movement.Kind.INTERNAL,
            direction=Movement.Direction.INTERNAL,
            occurred_at=occurred_at,
            from_location=episode.current_location,
            to_location=location,
            **fields,
        )
    episode.current_location = location
    _save_episode(episode, ["current_location"])
    _audit_movement(actor, MOVEMENT_EVENT, movement, episode, changed_fields=["current_location"])
    emit(actor, MOVEMENT_EVENT, episode, **_movement_payload(movement), to_location=location.key)
    return movement


def record_internal_return(actor: Actor, *, episode_id, occurred_at: dt.datetime | None = None) -> Movement:
    """Bring someone back from an internal location to their cell (current location cleared).
    ``custody.record_movement``; audited as ``custody.movement_recorded``."""
    episode = _episode(actor, episode_id)
    _raise(
        rules.can_come_back_inside(
            status=episode.status, in_out=episode.in_out, at_internal_location=episode.current_location_id is not None
        )
    )
    went = (
        Movement.objects.filter(
            episode=episode, direction=Movement.Direction.INTERNAL, to_location=episode.current_location
        )
        .order_by("-occurred_at", "-pk")
        .first()
    )
    movement = new_movement(
        actor,
        episode,
        kind=Movement.Kind.INTERNAL,
        direction=Movement.Direction.INTERNAL,
        occurred_at=_occurred(occurred_at),
        from_location=episode.current_location,
        return_of=went,
    )
    episode.current_location = None
    _save_episode(episode, ["current_location"])
    _audit_movement(actor, MOVEMENT_EVENT, movement, episode, changed_fields=["current_location"])
    emit(actor, MOVEMENT_EVENT, episode, **_movement_payload(movement))
    return movement
