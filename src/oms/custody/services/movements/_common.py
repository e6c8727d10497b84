"""Shared by the movement services: constants, input checks, lookups of the episode, scheduled movement,
destination and internal location, and the audit and outbox shapes of a movement.
"""

from __future__ import annotations

import datetime as dt
import uuid

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.custody import queries
from oms.custody.models import CustodyEpisode, Movement
from oms.custody.queries.movements import parse_movement_id
from oms.custody.rules import movements as rules
from oms.custody.services.movement_guards import PlannedMove, bed_location_ids, check_movement_guards
from oms.facilities.models import Location, Site

PERMISSION = "custody.record_movement"
OVERRIDE_PERMISSION = "custody.override_housing"
MOVEMENT_EVENT = "custody.movement_recorded"
TEXT_LIMITS = {"destination": 200, "escort": 200, "reason": 200, "override_reason": 500}
SCHEDULABLE_KINDS = ("court", "hospital", "temporary_release", "internal", "transfer")
FUTURE_TOLERANCE = dt.timedelta(minutes=5)  # clock drift between a handheld and the server


def _text(value: str | None, field_name: str, *, required: str = "") -> str:
    value = " ".join(str(value or "").split())
    if required and not value:
        raise RuleViolation(required, code="custody.required", field=field_name)
    limit = TEXT_LIMITS.get(field_name, 200)
    if len(value) > limit:
        raise RuleViolation(
            f"{field_name.replace('_', ' ').capitalize()} must be {limit} characters or less",
            code="custody.too_long",
            field=field_name,
        )
    return value


def _occurred(value: dt.datetime | None, field_name: str = "occurred_at") -> dt.datetime:
    now = clock.now()
    if value is None:
        return now
    if value.tzinfo is None:
        raise RuleViolation("Give the time with its time zone", code="custody.naive_time", field=field_name)
    if value > now + FUTURE_TOLERANCE:
        raise RuleViolation(
            "The time it happened cannot be in the future", code="custody.future_time", field=field_name
        )
    return value


def _raise(blocker: rules.Blocker | None) -> None:
    if blocker is not None:
        raise Conflict(blocker.detail, code=blocker.code, field=blocker.field)


def _out_kind(kind: str) -> str:
    if kind not in rules.OUT_KINDS:
        raise RuleViolation(
            "Select court, hospital, temporary release or escape", code="custody.invalid_kind", field="kind"
        )
    return kind


def _internal_location(site_id: int, location_id) -> Location:
    """An active non-residential location of the same site (unknown and closed are told apart)."""
    try:
        public_id = location_id if isinstance(location_id, uuid.UUID) else uuid.UUID(str(location_id))
    except (ValueError, TypeError, AttributeError):
        public_id = None
    location = Location.objects.filter(site_id=site_id, public_id=public_id).first() if public_id else None
    if location is None or location.residential:
        raise RuleViolation(
            "Select a place inside this establishment (not a cell)",
            code="custody.unknown_location",
            field="to_location",
        )
    if not location.active:
        raise RuleViolation(
            f"{location.name or location.key} is closed: select another place",
            code="custody.location_closed",
            field="to_location",
        )
    return location


def _destination_site(episode: CustodyEpisode, to_site_id) -> Site:
    if not to_site_id:
        raise RuleViolation("Select the establishment the person is going to", code="custody.required", field="to_site")
    try:
        public_id = to_site_id if isinstance(to_site_id, uuid.UUID) else uuid.UUID(str(to_site_id))
    except (ValueError, TypeError, AttributeError):
        public_id = None
    site = Site.objects.filter(public_id=public_id, active=True, kind=Site.Kind.PRISON).first() if public_id else None
    if site is None:
        raise RuleViolation("Select an open establishment", code="custody.unknown_site", field="to_site")
    if site.pk == episode.site_id:
        raise RuleViolation(
            "A transfer must go to a different establishment", code="custody.same_site_transfer", field="to_site"
        )
    return site


def _episode(actor: Actor, episode_id) -> CustodyEpisode:
    return queries.get_episode(actor, episode_id, permission=PERMISSION, for_update=True)


def _scheduled(episode: CustodyEpisode, movement_id, kind: str | None) -> Movement | None:
    """The scheduled movement being carried out, if one was named: it must be this person's and open."""
    if not movement_id:
        return None
    movement = (
        Movement.objects.select_for_update().filter(public_id=parse_movement_id(movement_id), episode=episode).first()
    )
    if movement is None:
        raise NotFound("Movement not found.", code="custody.movement_not_found", field="movement")
    if movement.status != Movement.Status.SCHEDULED:
        raise Conflict("That movement is no longer scheduled.", code="custody.not_scheduled", field="movement")
    if kind and movement.kind != kind:
        raise RuleViolation(
            f"The scheduled movement is a {movement.get_kind_display().lower()} movement",
            code="custody.kind_mismatch",
            field="kind",
        )
    return movement


def _save_episode(episode: CustodyEpisode, fields: list[str]) -> None:
    episode.version += 1
    episode.save(update_fields=[*fields, "version", "updated_at"])


def _audit_movement(actor: Actor, action: str, movement: Movement, episode: CustodyEpisode, **extra) -> None:
    details = {
        "kind": movement.kind,
        "direction": movement.direction,
        "status": movement.status,
        "during_uncleared_count": movement.during_uncleared_count,
        **extra.pop("details", {}),
    }
    record_event(
        actor,
        action,
        object_type="movement",
        object_id=movement.public_id,
        subject_person_id=episode.person_id,
        site_id=movement.site_id,
        details=details,
        **extra,
    )


def _movement_payload(movement: Movement) -> dict:
    return {
        "movement_id": str(movement.public_id),
        "kind": movement.kind,
        "direction": movement.direction,
        "status": movement.status,
        "occurred_at": movement.occurred_at.isoformat() if movement.occurred_at else None,
    }


def _guard(episode: CustodyEpisode, kind: str, to_location_id: int | None = None) -> None:
    """Ask the registered movement guards (an emergency lockdown) before recording this movement."""
    where = episode.current_location_id or bed_location_ids([episode.pk]).get(episode.pk)
    check_movement_guards([PlannedMove(episode.site_id, episode.person_id, kind, where, to_location_id)])
