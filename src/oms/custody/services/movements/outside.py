"""Out and back: court, hospital, temporary release and escape, and the return that closes them. The bed
is kept while someone is out.
"""

from __future__ import annotations

import datetime as dt

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import RuleViolation
from oms.custody.models import CustodyEpisode, Movement
from oms.custody.queries.movements import open_out_movements, site_day_of
from oms.custody.rules import movements as rules
from oms.custody.services._common import count_in_progress, emit, new_movement
from oms.custody.services.movements._common import (
    MOVEMENT_EVENT,
    _audit_movement,
    _episode,
    _guard,
    _movement_payload,
    _occurred,
    _out_kind,
    _raise,
    _save_episode,
    _scheduled,
    _text,
)
from oms.custody.services.movements.keep_aparts import _already_away, _check_keep_aparts, _keep_apart_pairs


def record_out(
    actor: Actor,
    *,
    episode_id,
    kind: str,
    destination: str = "",
    escort: str = "",
    reason: str = "",
    occurred_at: dt.datetime | None = None,
    scheduled_movement_id=None,
    override_reason: str = "",
) -> Movement:
    """Record someone leaving the establishment: court, hospital, temporary release, escape or abscond.
    The episode goes OUT and its current location is cleared; the bed is kept for their return. Court
    and hospital need the escort (the responsible party). Keep-aparts with others on the same escort or
    at the same court today are refused unless overridden (``custody.override_housing`` + reason).
    ``custody.record_movement``; audited as ``custody.movement_recorded``."""
    episode = _episode(actor, episode_id)
    kind = _out_kind(kind)
    scheduled = _scheduled(episode, scheduled_movement_id, kind)
    _raise(
        rules.can_go_out(
            status=episode.status, in_out=episode.in_out, at_internal_location=episode.current_location_id is not None
        )
    )
    destination = _text(destination or (scheduled.destination if scheduled else ""), "destination")
    escort = _text(escort or (scheduled.escort if scheduled else ""), "escort")
    reason = _text(reason or (scheduled.reason if scheduled else ""), "reason")
    override_reason = _text(override_reason, "override_reason")
    if kind != "escape" and not destination:
        raise RuleViolation("Enter where the person is going", code="custody.required", field="destination")
    if kind in rules.ESCORTED_KINDS and not escort:
        raise RuleViolation("Enter who is escorting the person", code="custody.required", field="escort")
    occurred_at = _occurred(occurred_at)
    _guard(episode, kind)
    day = site_day_of(episode.site, occurred_at)
    travellers = [
        rules.Traveller(episode.person_id, kind, escort, destination, day),
        *_already_away(episode.site, day, [episode.pk]),
    ]
    overridden = _check_keep_aparts(actor, _keep_apart_pairs(travellers), override_reason)
    from_location = episode.current_location
    if scheduled is not None:
        movement = scheduled
        movement.status = Movement.Status.COMPLETED
        movement.occurred_at = occurred_at
        movement.destination, movement.escort, movement.reason = destination, escort, reason
        movement.from_location = from_location
        movement.during_uncleared_count = count_in_progress(episode.site_id)
        movement.recorded_by_id = actor.user_id
        movement.recorded_at = clock.now()
        movement.save()
    else:
        movement = new_movement(
            actor,
            episode,
            kind=kind,
            direction=Movement.Direction.OUT,
            occurred_at=occurred_at,
            destination=destination,
            escort=escort,
            reason=reason,
            from_location=from_location,
        )
    episode.in_out = CustodyEpisode.InOut.OUT
    episode.current_location = None
    _save_episode(episode, ["in_out", "current_location"])
    _audit_movement(
        actor,
        MOVEMENT_EVENT,
        movement,
        episode,
        changed_fields=["in_out", "current_location"],
        reason=override_reason,
        details={"overridden_keep_aparts": overridden} if overridden else {},
    )
    emit(actor, MOVEMENT_EVENT, episode, **_movement_payload(movement))
    return movement


def record_return(
    actor: Actor, *, episode_id, occurred_at: dt.datetime | None = None, escort: str = "", reason: str = ""
) -> Movement:
    """Record someone back from court, hospital, temporary release or recapture: a return IN that
    closes the open out movement (``return_of``). The episode is IN again (in their kept bed).
    ``custody.record_movement``; audited as ``custody.movement_recorded``."""
    episode = _episode(actor, episode_id)
    _raise(rules.can_return(status=episode.status, in_out=episode.in_out))
    occurred_at = _occurred(occurred_at)
    open_out = open_out_movements([episode.pk]).get(episode.pk)
    if open_out is not None and open_out.occurred_at and occurred_at < open_out.occurred_at:
        raise RuleViolation(
            "The return cannot be before the person went out", code="custody.return_before_out", field="occurred_at"
        )
    movement = new_movement(
        actor,
        episode,
        kind=Movement.Kind.RETURN,
        direction=Movement.Direction.IN,
        occurred_at=occurred_at,
        return_of=open_out,
        destination=open_out.destination if open_out else "",
        escort=_text(escort or (open_out.escort if open_out else ""), "escort"),
        reason=_text(reason, "reason"),
    )
    episode.in_out = CustodyEpisode.InOut.IN
    _save_episode(episode, ["in_out"])
    _audit_movement(
        actor,
        MOVEMENT_EVENT,
        movement,
        episode,
        changed_fields=["in_out"],
        details={"return_of": str(open_out.public_id) if open_out else None},
    )
    emit(actor, MOVEMENT_EVENT, episode, **_movement_payload(movement))
    return movement
