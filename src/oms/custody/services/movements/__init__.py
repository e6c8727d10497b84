"""Movements: scheduling, out and back (court, hospital, temporary release, escape), internal moves,
transfers between establishments (sent -> en route -> received) and batch recording of a movement window.

Every service needs ``custody.record_movement`` and the episode's site in the actor's reach (a
transfer is received by staff of the site it goes to). Each writes one audit event
(``custody.movement_scheduled``, ``custody.movement_cancelled``, ``custody.movement_recorded``,
``custody.transfer_sent``, ``custody.person_transferred``) and puts the movement on the outbox. A bed is
kept while someone is out (they come back to it) and freed when they are sent on transfer.

Keep-aparts: people who travel together (same escort) or wait together (same court on the same day:
court holding) are checked against open non-associations and keep-apart groups. A conflict is refused
with the pairs explained unless an actor holding ``custody.override_housing`` gives a reason.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F

from oms.audit.services import record_event, record_events_in_bulk
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.core.events import Event, publish
from oms.core.models import OutboxMessage
from oms.custody import queries
from oms.custody.models import CustodyEpisode, Movement
from oms.custody.queries.movements import (
    get_movement,
    open_out_movements,
    parse_movement_id,
    site_day_bounds,
    site_day_of,
)
from oms.custody.rules import movements as rules
from oms.custody.services._common import count_in_progress, emit, end_bed_assignment, new_movement
from oms.facilities.models import Location, Site
from oms.people.models import Person, PersonSiteLink

PERMISSION = "custody.record_movement"
OVERRIDE_PERMISSION = "custody.override_housing"
MOVEMENT_EVENT = "custody.movement_recorded"
TEXT_LIMITS = {"destination": 200, "escort": 200, "reason": 200, "override_reason": 500}
SCHEDULABLE_KINDS = ("court", "hospital", "temporary_release", "internal", "transfer")
FUTURE_TOLERANCE = dt.timedelta(minutes=5)  # clock drift between a handheld and the server


# --- errors ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeepApartPair:
    """Two people who must be kept apart but would travel or wait together."""

    person_id: int
    other_person_id: int
    restriction_level: str
    source: str  # non_association / group
    why_together: str

    def explain(self, numbers: Mapping[int, str]) -> str:
        kind = "non-association" if self.source == "non_association" else "keep-apart group"
        return (
            f"{numbers.get(self.person_id, '?')} and {numbers.get(self.other_person_id, '?')} must be kept apart"
            f" ({kind}, {self.restriction_level} level) but would be together: {self.why_together}"
        )


class KeepApartConflict(Conflict):
    """People who must be kept apart would travel or wait together."""

    code = "custody.keep_apart_conflict"

    def __init__(self, pairs: list[KeepApartPair], numbers: Mapping[int, str]):
        self.pairs = pairs
        self.explanations = [p.explain(numbers) for p in pairs]
        super().__init__(
            "; ".join(self.explanations) + ". A supervisor can record it anyway with a reason.",
            field="override_reason",
        )


@dataclass(frozen=True)
class RowError:
    row: int  # 0-based index of the item in the batch
    field: str
    code: str
    detail: str


class BatchRejected(RuleViolation):
    """Some rows of the batch are wrong; nothing was recorded."""

    code = "custody.batch_rejected"

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the batch; nothing was recorded.", field="items")


# --- input checks ----------------------------------------------------------------------------------


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


# --- keep-aparts when travelling together -----------------------------------------------------------


def _already_away(site: Site, day: dt.date, exclude_episode_ids: Iterable[int]) -> list[rules.Traveller]:
    """People already out today from the site (escorted or at court): they share vehicles and court
    holding with whoever leaves now."""
    start, end = site_day_bounds(site, day)
    rows = (
        Movement.objects.filter(
            site=site,
            direction=Movement.Direction.OUT,
            kind__in=("court", "hospital", "temporary_release"),
            status=Movement.Status.COMPLETED,
            returns__isnull=True,
            occurred_at__gte=start,
            occurred_at__lt=end,
            episode__in_out=CustodyEpisode.InOut.OUT,
            episode__status=CustodyEpisode.Status.ACTIVE,
        )
        .exclude(episode_id__in=list(exclude_episode_ids))
        .values_list("person_id", "kind", "escort", "destination")
    )
    return [rules.Traveller(p, k, e, d, day, new=False) for p, k, e, d in rows]


def _keep_apart_pairs(travellers: list[rules.Traveller]) -> list[KeepApartPair]:
    """Keep-aparts among the travellers (one query), then which of those pairs would be together."""
    people = {t.person_id for t in travellers if t.kind not in ("escape", "internal", "return")}
    if len(people) < 2:
        return []
    keep_aparts = queries.keep_aparts_among(people)
    together = rules.together(travellers, [(k.person_id, k.other_person_id) for k in keep_aparts])
    return [
        KeepApartPair(
            k.person_id, k.other_person_id, k.restriction_level, k.source, together[(k.person_id, k.other_person_id)]
        )
        for k in keep_aparts
        if (k.person_id, k.other_person_id) in together
    ]


def _numbers(person_ids: Iterable[int]) -> dict[int, str]:
    return dict(Person.objects.filter(pk__in=set(person_ids)).values_list("pk", "system_number"))


def _check_keep_aparts(actor: Actor, pairs: list[KeepApartPair], override_reason: str) -> list[dict]:
    """Refuse conflicts unless overridden by someone allowed to; returns what was overridden (audited)."""
    if not pairs:
        return []
    numbers = _numbers([p.person_id for p in pairs] + [p.other_person_id for p in pairs])
    if not override_reason:
        raise KeepApartConflict(pairs, numbers)
    actor.require(OVERRIDE_PERMISSION)
    return [
        {
            "person": numbers.get(p.person_id),
            "other_person": numbers.get(p.other_person_id),
            "level": p.restriction_level,
            "source": p.source,
            "why": p.why_together,
        }
        for p in pairs
    ]


# --- scheduling -----------------------------------------------------------------------------------


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


# --- out and back ---------------------------------------------------------------------------------


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


# --- internal ---------------------------------------------------------------------------------------


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


# --- transfers ----------------------------------------------------------------------------------------


def send_transfer(
    actor: Actor,
    *,
    episode_id,
    to_site_id,
    escort: str,
    reason: str = "",
    occurred_at: dt.datetime | None = None,
    scheduled_movement_id=None,
    override_reason: str = "",
) -> Movement:
    """Send someone to another establishment: the movement goes en route, the episode's status is
    TRANSFER and their bed is freed (they will not come back to it). The escort is required. Keep-aparts
    with others on the same escort today are checked. ``custody.record_movement``; audited as
    ``custody.transfer_sent``."""
    episode = _episode(actor, episode_id)
    scheduled = _scheduled(episode, scheduled_movement_id, Movement.Kind.TRANSFER)
    _raise(
        rules.can_go_out(
            status=episode.status, in_out=episode.in_out, at_internal_location=episode.current_location_id is not None
        )
    )
    to_site = _destination_site(episode, to_site_id or (scheduled.to_site.public_id if scheduled else None))
    escort = _text(
        escort or (scheduled.escort if scheduled else ""), "escort", required="Enter who is escorting the person"
    )
    reason = _text(reason or (scheduled.reason if scheduled else ""), "reason")
    override_reason = _text(override_reason, "override_reason")
    occurred_at = _occurred(occurred_at)
    day = site_day_of(episode.site, occurred_at)
    travellers = [
        rules.Traveller(episode.person_id, "transfer", escort, to_site.name, day),
        *_already_away(episode.site, day, [episode.pk]),
        *[
            rules.Traveller(p, "transfer", e, "", day, new=False)
            for p, e in Movement.objects.filter(
                site_id=episode.site_id, kind=Movement.Kind.TRANSFER, status=Movement.Status.EN_ROUTE
            )
            .exclude(episode=episode)
            .values_list("person_id", "escort")
        ],
    ]
    overridden = _check_keep_aparts(actor, _keep_apart_pairs(travellers), override_reason)
    if scheduled is not None:
        movement = scheduled
        movement.status = Movement.Status.EN_ROUTE
        movement.occurred_at = occurred_at
        movement.to_site, movement.escort, movement.reason = to_site, escort, reason
        movement.from_location = episode.current_location
        movement.during_uncleared_count = count_in_progress(episode.site_id)
        movement.recorded_by_id = actor.user_id
        movement.recorded_at = clock.now()
        movement.save()
    else:
        movement = new_movement(
            actor,
            episode,
            kind=Movement.Kind.TRANSFER,
            direction=Movement.Direction.OUT,
            status=Movement.Status.EN_ROUTE,
            occurred_at=occurred_at,
            to_site=to_site,
            escort=escort,
            reason=reason,
            from_location=episode.current_location,
        )
    freed = end_bed_assignment(actor, episode, at=occurred_at)
    episode.in_out = CustodyEpisode.InOut.TRANSFER
    episode.current_location = None
    _save_episode(episode, ["in_out", "current_location"])
    _audit_movement(
        actor,
        "custody.transfer_sent",
        movement,
        episode,
        changed_fields=["in_out", "current_location", *(["bed"] if freed else [])],
        reason=override_reason,
        details={"to_site": to_site.code, **({"overridden_keep_aparts": overridden} if overridden else {})},
    )
    emit(actor, "custody.transfer_sent", episode, **_movement_payload(movement), to_site=to_site.code)
    return movement


def receive_transfer(actor: Actor, *, movement_id, occurred_at: dt.datetime | None = None) -> Movement:
    """Receive a transferred person at the establishment they were sent to (staff of that site, with
    ``custody.record_movement``). The transfer completes; a transfer IN is recorded at the new site;
    the episode moves there, IN and in reception (to be housed); the custody site link closes at the
    old site and opens at the new. Audited as ``custody.person_transferred``; the domain event
    ``custody.person_transferred`` goes to the outbox."""
    actor.require(PERMISSION)
    sent = get_movement(actor, movement_id, permission=PERMISSION, for_update=True)
    if sent.to_site_id is None or not actor.can_reach_site(sent.to_site_id, sent.to_site.organisation_id):
        # The sending site sees its transfer but only the receiving site can receive it.
        raise NotFound("Transfer not found.", code="custody.movement_not_found")
    _raise(rules.can_receive_transfer(movement_kind=sent.kind, movement_status=sent.status))
    episode = CustodyEpisode.objects.select_for_update().select_related("person", "site").get(pk=sent.episode_id)
    if episode.status != CustodyEpisode.Status.ACTIVE or episode.in_out != CustodyEpisode.InOut.TRANSFER:
        raise Conflict("This person is not en route.", code="custody.not_en_route", field="movement")
    occurred_at = _occurred(occurred_at)
    if sent.occurred_at and occurred_at < sent.occurred_at:
        raise RuleViolation(
            "The person cannot arrive before they were sent",
            code="custody.arrival_before_departure",
            field="occurred_at",
        )
    from_site = episode.site
    sent.status = Movement.Status.COMPLETED
    sent.save(update_fields=["status"])

    today = clock.today()
    PersonSiteLink.objects.filter(
        person_id=episode.person_id, site=from_site, kind=PersonSiteLink.Kind.CUSTODY, ended_on__isnull=True
    ).update(ended_on=today)
    PersonSiteLink.objects.get_or_create(
        person_id=episode.person_id,
        site=sent.to_site,
        kind=PersonSiteLink.Kind.CUSTODY,
        ended_on=None,
        defaults={"started_on": today},
    )
    episode.site = sent.to_site
    episode.in_out = CustodyEpisode.InOut.IN
    episode.in_reception = True
    episode.current_location = None
    _save_episode(episode, ["site", "in_out", "in_reception", "current_location"])
    arrived = new_movement(
        actor,
        episode,
        kind=Movement.Kind.TRANSFER,
        direction=Movement.Direction.IN,
        occurred_at=occurred_at,
        return_of=sent,
        destination=from_site.name,
        escort=sent.escort,
        reason=sent.reason,
    )
    record_event(
        actor,
        "custody.person_transferred",
        object_type="custody_episode",
        object_id=episode.public_id,
        subject_person_id=episode.person_id,
        site_id=episode.site_id,
        changed_fields=["site", "in_out", "in_reception", "site_links"],
        details={"from_site": from_site.code, "to_site": episode.site.code, "movement": str(sent.public_id)},
    )
    emit(
        actor,
        "custody.person_transferred",
        episode,
        from_site=from_site.code,
        to_site=episode.site.code,
        movement_id=str(sent.public_id),
        received_at=occurred_at.isoformat(),
    )
    return arrived


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


# --- batch recording of a movement window ---------------------------------------------------------------


@dataclass
class BatchResult:
    batch_id: uuid.UUID
    movements: list[Movement]
    during_uncleared_count: bool
    overridden_keep_aparts: list[dict] = field(default_factory=list)


@dataclass
class _Row:
    index: int
    episode: dict
    kind: str
    destination: str
    escort: str
    reason: str
    occurred_at: dt.datetime
    to_location_id: int | None = None
    return_of_id: int | None = None
    back_from_internal: bool = False


_EPISODE_COLUMNS = (
    "pk",
    "public_id",
    "booking_number",
    "status",
    "in_out",
    "current_location_id",
    "person_id",
    "person__public_id",
    "person__system_number",
)


def _batch_episodes(site: Site, items: list[Mapping]) -> tuple[dict, dict]:
    """The site's episodes named by the items (by public id or booking number), locked, as dicts."""
    by_public: dict[str, dict] = {}
    by_booking: dict[str, dict] = {}
    public_ids, bookings = set(), set()
    for item in items:
        if item.get("episode_id"):
            try:
                public_ids.add(uuid.UUID(str(item["episode_id"])))
            except ValueError:
                pass
        elif item.get("booking_number"):
            bookings.add(str(item["booking_number"]).strip().upper())
    rows = CustodyEpisode.objects.filter(site=site)
    if connection.vendor == "postgresql":
        rows = rows.select_for_update(of=("self",))
    if public_ids:
        for row in rows.filter(public_id__in=public_ids).values(*_EPISODE_COLUMNS):
            by_public[str(row["public_id"])] = row
    if bookings:
        for row in rows.filter(booking_number__in=bookings).values(*_EPISODE_COLUMNS):
            by_booking[row["booking_number"].upper()] = row
    return by_public, by_booking


def _validate_batch(site: Site, items: list[Mapping]) -> tuple[list[_Row], list[RowError]]:
    errors: list[RowError] = []
    rows: list[_Row] = []
    by_public, by_booking = _batch_episodes(site, items)
    location_ids = set()
    for item in items:
        if item.get("to_location_id"):
            try:
                location_ids.add(uuid.UUID(str(item["to_location_id"])))
            except ValueError:
                pass
    locations = {
        str(loc["public_id"]): loc
        for loc in Location.objects.filter(site=site, public_id__in=location_ids).values(
            "pk", "public_id", "residential", "active", "key"
        )
    }
    seen: dict[int, int] = {}
    now = clock.now()
    for index, item in enumerate(items):
        row_errors: list[RowError] = []

        def bad(field_name: str, code: str, detail: str) -> None:
            row_errors.append(RowError(index, field_name, code, detail))  # noqa: B023 (used in this iteration)

        if item.get("episode_id"):
            episode = by_public.get(str(item["episode_id"]).strip().lower())
        else:
            episode = by_booking.get(str(item.get("booking_number") or "").strip().upper())
        if episode is None:
            bad("episode", "custody.episode_not_found", "No one with that record is in custody here")
        kind = str(item.get("kind") or "").strip()
        if kind not in rules.BATCH_KINDS:
            bad(
                "kind",
                "custody.invalid_kind",
                "Kind must be court, hospital, temporary_release, escape, internal or return",
            )
        texts = {}
        for name in ("destination", "escort", "reason"):
            value = " ".join(str(item.get(name) or "").split())
            if len(value) > TEXT_LIMITS[name]:
                bad(name, "custody.too_long", f"{name.capitalize()} must be {TEXT_LIMITS[name]} characters or less")
            texts[name] = value
        occurred_at = item.get("occurred_at") or now
        if isinstance(occurred_at, str):
            try:
                occurred_at = dt.datetime.fromisoformat(occurred_at)
            except ValueError:
                occurred_at = None
                bad("occurred_at", "custody.invalid_time", "Time must be like 2026-05-01T09:30:00+00:00")
        if isinstance(occurred_at, dt.datetime):
            if occurred_at.tzinfo is None:
                bad("occurred_at", "custody.naive_time", "Give the time with its time zone")
            elif occurred_at > now + FUTURE_TOLERANCE:
                bad("occurred_at", "custody.future_time", "The time it happened cannot be in the future")
        location = None
        if kind == "internal":
            location = locations.get(str(item.get("to_location_id") or "").strip().lower())
            if location is None or location["residential"]:
                bad("to_location", "custody.unknown_location", "Select a place inside this establishment (not a cell)")
            elif not location["active"]:
                bad("to_location", "custody.location_closed", f"{location['key']} is closed")
        if kind in rules.OUT_KINDS and kind != "escape" and not texts["destination"]:
            bad("destination", "custody.required", "Enter where the person is going")
        if kind in rules.ESCORTED_KINDS and not texts["escort"]:
            bad("escort", "custody.required", "Enter who is escorting the person")
        back_from_internal = False
        if episode is not None and episode["pk"] in seen:
            bad("episode", "custody.duplicate_row", f"The same person is already on row {seen[episode['pk']] + 1}")
        elif episode is not None and kind in rules.BATCH_KINDS:
            seen[episode["pk"]] = index
            at_internal = episode["current_location_id"] is not None
            if kind in rules.OUT_KINDS:
                blocker = rules.can_go_out(
                    status=episode["status"], in_out=episode["in_out"], at_internal_location=at_internal
                )
            elif kind == "internal":
                blocker = rules.can_move_internally(status=episode["status"], in_out=episode["in_out"])
                if blocker is None and location is not None and episode["current_location_id"] == location["pk"]:
                    blocker = rules.Blocker("custody.already_there", "to_location", "The person is already there")
            elif episode["in_out"] == CustodyEpisode.InOut.IN and episode["status"] == "active":
                # "return" in a window means back to the cell: from outside, or from a place inside.
                blocker = (
                    None
                    if at_internal
                    else rules.Blocker("custody.not_out", "episode", "This person is neither out nor at a place inside")
                )
                back_from_internal = True
            else:
                blocker = rules.can_return(status=episode["status"], in_out=episode["in_out"])
            if blocker is not None:
                bad(blocker.field, blocker.code, blocker.detail)
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(
            _Row(
                index=index,
                episode=episode,
                kind=kind,
                occurred_at=occurred_at,
                to_location_id=location["pk"] if location else None,
                back_from_internal=back_from_internal,
                **texts,
            )
        )
    return rows, errors


def _batch_row_movement(
    actor: Actor, site: Site, row: _Row, *, batch_id, flagged: bool, now: dt.datetime, returns: dict
) -> Movement:
    episode = row.episode
    common = {
        "public_id": uuid.uuid4(),
        "episode_id": episode["pk"],
        "person_id": episode["person_id"],
        "site_id": site.pk,
        "status": Movement.Status.COMPLETED,
        "occurred_at": row.occurred_at,
        "escort": row.escort,
        "reason": row.reason,
        "batch_id": batch_id,
        "during_uncleared_count": flagged,
        "recorded_by_id": actor.user_id,
        "recorded_at": now,
    }
    if row.kind in rules.OUT_KINDS:
        return Movement(
            kind=row.kind,
            direction=Movement.Direction.OUT,
            destination=row.destination,
            from_location_id=episode["current_location_id"],
            **common,
        )
    if row.kind == "internal":
        return Movement(
            kind=Movement.Kind.INTERNAL,
            direction=Movement.Direction.INTERNAL,
            from_location_id=episode["current_location_id"],
            to_location_id=row.to_location_id,
            destination=row.destination,
            **common,
        )
    if row.back_from_internal:
        return Movement(
            kind=Movement.Kind.INTERNAL,
            direction=Movement.Direction.INTERNAL,
            from_location_id=episode["current_location_id"],
            return_of_id=returns.get(episode["pk"]),
            **common,
        )
    return Movement(
        kind=Movement.Kind.RETURN,
        direction=Movement.Direction.IN,
        return_of_id=returns.get(episode["pk"]),
        destination=row.destination,
        **common,
    )


def _returns_closed(rows: list[_Row]) -> dict[int, int]:
    """The movement each return row closes: the open out movement, or the internal move there."""
    out_ids = [r.episode["pk"] for r in rows if r.kind == "return" and not r.back_from_internal]
    internal_ids = [r.episode["pk"] for r in rows if r.back_from_internal]
    closes: dict[int, int] = {}
    if out_ids:
        for episode_id, movement_id in (
            Movement.objects.filter(
                episode_id__in=out_ids,
                direction=Movement.Direction.OUT,
                kind__in=rules.OUT_KINDS,
                status=Movement.Status.COMPLETED,
                returns__isnull=True,
            )
            .order_by("occurred_at", "pk")
            .values_list("episode_id", "pk")
        ):
            closes[episode_id] = movement_id
    if internal_ids:
        for episode_id, movement_id in (
            Movement.objects.filter(
                episode_id__in=internal_ids, direction=Movement.Direction.INTERNAL, to_location__isnull=False
            )
            .order_by("occurred_at", "pk")
            .values_list("episode_id", "pk")
        ):
            closes[episode_id] = movement_id  # the latest move to an internal location wins
    return closes


def record_movement_batch(actor: Actor, *, site_id, items: list[Mapping], override_reason: str = "") -> BatchResult:
    """Record a movement window: many people at once (unlock to work, the court run, everyone back).

    Each item names an episode (``episode_id`` public id or ``booking_number``) and a ``kind`` (court,
    hospital, temporary_release, escape, internal with ``to_location_id``, or return: back from out or
    from an internal location), plus ``destination``, ``escort``, ``reason`` and ``occurred_at``.

    All or nothing: every row is checked first and EVERY bad row is reported (``BatchRejected`` with
    row, field, code and reason); nothing is written if any row is bad, so a window is never half
    recorded. Keep-aparts among people sharing an escort or a court today are refused unless
    overridden (``custody.override_housing`` + reason). Then rows are written in bulk: the movements,
    one episode update per resulting state, one audit event per movement
    (``custody.movement_recorded``, same ``batch_id``) and one outbox message per movement. Movements
    are flagged ``during_uncleared_count`` when a count at the site is not cleared (checked once).
    ``custody.record_movement``."""
    site = queries.site_in_reach(actor, site_id, permission=PERMISSION)
    items = list(items)
    if not items:
        raise RuleViolation("Select at least one person", code="custody.empty_batch", field="items")
    if len(items) > 5000:
        raise RuleViolation("Record at most 5,000 movements at once", code="custody.batch_too_large", field="items")
    override_reason = _text(override_reason, "override_reason")
    rows, errors = _validate_batch(site, items)
    if errors:
        raise BatchRejected(errors)

    travellers = [
        rules.Traveller(r.episode["person_id"], r.kind, r.escort, r.destination, site_day_of(site, r.occurred_at))
        for r in rows
    ]
    days = {t.day for t in travellers if t.kind in ("court", "hospital", "temporary_release")}
    batch_episode_ids = [r.episode["pk"] for r in rows]
    for day in sorted(days):
        travellers.extend(_already_away(site, day, batch_episode_ids))
    overridden = _check_keep_aparts(actor, _keep_apart_pairs(travellers), override_reason)

    now = clock.now()
    batch_id = uuid.uuid4()
    flagged = count_in_progress(site.pk)
    returns = _returns_closed(rows)
    movements = [
        _batch_row_movement(actor, site, r, batch_id=batch_id, flagged=flagged, now=now, returns=returns) for r in rows
    ]
    Movement.objects.bulk_create(movements, batch_size=1000)

    # One UPDATE per resulting episode state (a window usually has one or two), not one per person.
    states: dict[tuple[str, int | None, bool], list[int]] = {}
    for r in rows:
        if r.kind in rules.OUT_KINDS:
            state = (CustodyEpisode.InOut.OUT, None, True)
        elif r.kind == "internal":
            state = (CustodyEpisode.InOut.IN, r.to_location_id, True)
        elif r.back_from_internal:
            state = (CustodyEpisode.InOut.IN, None, True)
        else:
            state = (CustodyEpisode.InOut.IN, None, False)  # back from out: location was already cleared
        states.setdefault(state, []).append(r.episode["pk"])
    for (in_out, location_id, set_location), episode_ids in states.items():
        changes = {"in_out": in_out, "version": F("version") + 1, "updated_at": now}
        if set_location:
            changes["current_location_id"] = location_id
        CustodyEpisode.objects.filter(pk__in=episode_ids).update(**changes)

    details_common = {"batch_id": str(batch_id), "during_uncleared_count": flagged}
    record_events_in_bulk(
        actor,
        (
            {
                "action": MOVEMENT_EVENT,
                "object_type": "movement",
                "object_id": str(m.public_id),
                "subject_person_id": m.person_id,
                "site_id": site.pk,
                "changed_fields": ["in_out", "current_location"],
                "details": {"kind": m.kind, "direction": m.direction, **details_common}
                | ({"overridden_keep_aparts": overridden} if overridden else {}),
                "reason": override_reason,
            }
            for m in movements
        ),
    )
    outbox = []
    for r, m in zip(rows, movements, strict=True):
        body = {
            "person_id": str(r.episode["person__public_id"]),
            "episode_id": str(r.episode["public_id"]),
            "booking_number": r.episode["booking_number"],
            "site": site.code,
            "movement_id": str(m.public_id),
            "kind": m.kind,
            "direction": m.direction,
            "status": m.status,
            "occurred_at": m.occurred_at.isoformat(),
            "batch_id": str(batch_id),
        }
        outbox.append(
            OutboxMessage(
                name=MOVEMENT_EVENT, payload=body, person_public_id=r.episode["person__public_id"], site_code=site.code
            )
        )
        publish(actor, Event(MOVEMENT_EVENT, body))
    OutboxMessage.objects.bulk_create(outbox, batch_size=1000)
    return BatchResult(
        batch_id=batch_id, movements=movements, during_uncleared_count=flagged, overridden_keep_aparts=overridden
    )
