"""The custody movements and observations API (mounted by oms.custody.api under /api/v1/custody).

Thin: parse, call one service or query, shape the answer. A rejected batch answers 422 with every bad
row in ``errors``; a keep-apart conflict answers 409 with the pairs in ``conflicts`` (both also carry the
usual ``code``, ``detail`` and ``field``) and change nothing.
"""

import datetime as dt
import uuid
from typing import Literal

from django.db import transaction
from ninja import Field, Query, Router, Schema, Status

from oms.custody.models import Movement, ObservationCheck, ObservationPlan
from oms.custody.queries import movements as movement_queries
from oms.custody.queries import observations as observation_queries
from oms.custody.rules.movements import BATCH_KINDS, OUT_KINDS
from oms.custody.services import movements as services
from oms.custody.services import observations as observation_services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, ErrorOut, StrictIn

router = Router(tags=["custody"])

MovementKind = Literal[(*OUT_KINDS, "internal", "transfer")]
BatchKind = Literal[tuple(BATCH_KINDS)]
Outcome = Literal[tuple(ObservationCheck.Outcome.values)]
WatchReason = Literal[tuple(ObservationPlan.Reason.values)]


# --- schemas -----------------------------------------------------------------------------------------


class MovementIn(StrictIn):
    """One movement: recorded now (``occurred_at`` empty or past), or planned when ``schedule`` is true."""

    episode_id: uuid.UUID
    kind: MovementKind
    schedule: bool = False
    scheduled_at: dt.datetime | None = None
    occurred_at: dt.datetime | None = None
    scheduled_movement_id: uuid.UUID | None = None
    destination: str = Field("", max_length=200)
    to_location_id: uuid.UUID | None = None
    to_site_id: uuid.UUID | None = None
    escort: str = Field("", max_length=200)
    reason: str = Field("", max_length=200)
    override_reason: str = Field("", max_length=500)


class BatchItemIn(StrictIn):
    episode_id: uuid.UUID | None = None
    booking_number: str | None = Field(None, max_length=20)
    kind: BatchKind
    destination: str = Field("", max_length=200)
    to_location_id: uuid.UUID | None = None
    escort: str = Field("", max_length=200)
    reason: str = Field("", max_length=200)
    occurred_at: dt.datetime | None = None


class BatchIn(StrictIn):
    site_id: uuid.UUID
    items: list[BatchItemIn] = Field(..., max_length=5000)
    override_reason: str = Field("", max_length=500)


class CancelIn(StrictIn):
    reason: str = Field(..., max_length=200)


class ReturnIn(StrictIn):
    occurred_at: dt.datetime | None = None
    escort: str = Field("", max_length=200)
    reason: str = Field("", max_length=200)
    from_internal: bool = False  # back from a place inside rather than from outside


class ReceiveIn(StrictIn):
    occurred_at: dt.datetime | None = None


class MovementOut(Schema):
    id: uuid.UUID
    episode_id: uuid.UUID
    person_id: uuid.UUID
    booking_number: str
    kind: str
    direction: str
    status: str
    scheduled_at: dt.datetime | None
    occurred_at: dt.datetime | None
    destination: str
    to_location: str | None
    to_site: str | None
    escort: str
    reason: str
    return_of: uuid.UUID | None
    batch_id: uuid.UUID | None
    during_uncleared_count: bool


class DayOut(Schema):
    date: dt.date
    movements: list[MovementOut]


class RowErrorOut(Schema):
    row: int
    field: str
    code: str
    detail: str


class BatchErrorOut(ErrorOut):
    errors: list[RowErrorOut] = []


class MovementConflictOut(ErrorOut):
    conflicts: list[str] = []


class BatchOut(Schema):
    batch_id: uuid.UUID
    recorded: int
    during_uncleared_count: bool
    movements: list[uuid.UUID]


class PlanIn(StrictIn):
    episode_id: uuid.UUID
    reason: WatchReason
    interval_minutes: int = Field(..., ge=1, le=10_000)
    instructions: str = Field("", max_length=500)


class CheckIn(StrictIn):
    outcome: Outcome
    note: str = Field("", max_length=500)
    checked_at: dt.datetime | None = None


class EndPlanIn(StrictIn):
    reason: str = Field(..., max_length=500)


class PlanOut(Schema):
    id: uuid.UUID
    episode_id: uuid.UUID
    person_id: uuid.UUID
    reason: str
    interval_minutes: int
    instructions: str
    started_at: dt.datetime
    next_due_at: dt.datetime
    minutes_overdue: int
    ended_at: dt.datetime | None


class CheckOut(Schema):
    plan_id: uuid.UUID
    checked_at: dt.datetime
    outcome: str
    late_by_minutes: int
    next_due_at: dt.datetime


def _movement_out(m: Movement) -> dict:
    return {
        "id": m.public_id,
        "episode_id": m.episode.public_id,
        "person_id": m.person.public_id,
        "booking_number": m.episode.booking_number,
        "kind": m.kind,
        "direction": m.direction,
        "status": m.status,
        "scheduled_at": m.scheduled_at,
        "occurred_at": m.occurred_at,
        "destination": m.destination,
        "to_location": m.to_location.key if m.to_location_id else None,
        "to_site": m.to_site.code if m.to_site_id else None,
        "escort": m.escort,
        "reason": m.reason,
        "return_of": m.return_of.public_id if m.return_of_id else None,
        "batch_id": m.batch_id,
        "during_uncleared_count": m.during_uncleared_count,
    }


def _reloaded(movement: Movement) -> Movement:
    return Movement.objects.select_related("episode", "person", "to_location", "to_site", "return_of").get(
        pk=movement.pk
    )


def _plan_out(plan: ObservationPlan) -> dict:
    return {
        "id": plan.public_id,
        "episode_id": plan.episode.public_id,
        "person_id": plan.person.public_id,
        "reason": plan.reason,
        "interval_minutes": plan.interval_minutes,
        "instructions": plan.instructions,
        "started_at": plan.started_at,
        "next_due_at": plan.next_due_at,
        "minutes_overdue": observation_queries.minutes_overdue(plan),
        "ended_at": plan.ended_at,
    }


def _refuse(status: int, body: dict) -> Status:
    # An answer built here (not raised) must still undo whatever the request wrote.
    if transaction.get_connection().in_atomic_block:
        transaction.set_rollback(True)
    return Status(status, body)


# --- movements -------------------------------------------------------------------------------------------


@router.post(
    "/movements",
    response={201: MovementOut, 409: MovementConflictOut, **{k: v for k, v in ERRORS.items() if k != 409}},
    summary="Record or schedule one movement (court, hospital, temporary release, escape, internal, transfer)",
)
@api("custody.record_movement")
def record_movement(request, payload: MovementIn):
    actor = request.actor
    data = payload.model_dump()
    try:
        if data["schedule"]:
            movement = services.schedule_movement(
                actor,
                episode_id=data["episode_id"],
                kind=data["kind"],
                scheduled_at=data["scheduled_at"],
                destination=data["destination"],
                to_location_id=data["to_location_id"],
                to_site_id=data["to_site_id"],
                escort=data["escort"],
                reason=data["reason"],
            )
        elif data["kind"] == "internal":
            movement = services.record_internal(
                actor,
                episode_id=data["episode_id"],
                to_location_id=data["to_location_id"],
                escort=data["escort"],
                reason=data["reason"],
                occurred_at=data["occurred_at"],
                scheduled_movement_id=data["scheduled_movement_id"],
            )
        elif data["kind"] == "transfer":
            movement = services.send_transfer(
                actor,
                episode_id=data["episode_id"],
                to_site_id=data["to_site_id"],
                escort=data["escort"],
                reason=data["reason"],
                occurred_at=data["occurred_at"],
                scheduled_movement_id=data["scheduled_movement_id"],
                override_reason=data["override_reason"],
            )
        else:
            movement = services.record_out(
                actor,
                episode_id=data["episode_id"],
                kind=data["kind"],
                destination=data["destination"],
                escort=data["escort"],
                reason=data["reason"],
                occurred_at=data["occurred_at"],
                scheduled_movement_id=data["scheduled_movement_id"],
                override_reason=data["override_reason"],
            )
    except services.KeepApartConflict as conflict:
        return _refuse(409, {**conflict.as_dict(), "conflicts": conflict.explanations})
    return Status(201, _movement_out(_reloaded(movement)))


@router.post(
    "/movements/batch",
    response={
        201: BatchOut,
        409: MovementConflictOut,
        422: BatchErrorOut,
        **{k: v for k, v in ERRORS.items() if k not in (409, 422)},
    },
    summary="Record a movement window: many people at once, all or nothing (every bad row is reported)",
)
@api("custody.record_movement")
def record_batch(request, payload: BatchIn):
    items = [item.model_dump(exclude_none=True) for item in payload.items]
    try:
        result = services.record_movement_batch(
            request.actor, site_id=payload.site_id, items=items, override_reason=payload.override_reason
        )
    except services.BatchRejected as rejected:
        return _refuse(422, {**rejected.as_dict(), "errors": [e.__dict__ for e in rejected.errors]})
    except services.KeepApartConflict as conflict:
        return _refuse(409, {**conflict.as_dict(), "conflicts": conflict.explanations})
    return Status(
        201,
        {
            "batch_id": result.batch_id,
            "recorded": len(result.movements),
            "during_uncleared_count": result.during_uncleared_count,
            "movements": [m.public_id for m in result.movements],
        },
    )


@router.get("/sites/{site_id}/movements", response={200: DayOut, **ERRORS}, summary="A site's movements on a day")
@api("custody.view")
def site_movements(request, site_id: uuid.UUID, date: dt.date | None = Query(None)):  # noqa: B008
    site = movement_queries.site_in_reach(request.actor, site_id)
    day = date or movement_queries.site_today(site)
    rows = movement_queries.movements_on_day(request.actor, site_id, day)
    return Status(200, {"date": day, "movements": [_movement_out(m) for m in rows]})


@router.post(
    "/movements/{movement_id}/cancel", response={200: MovementOut, **ERRORS}, summary="Cancel a scheduled movement"
)
@api("custody.record_movement")
def cancel(request, movement_id: uuid.UUID, payload: CancelIn):
    movement = services.cancel_movement(request.actor, movement_id=movement_id, reason=payload.reason)
    return Status(200, _movement_out(_reloaded(movement)))


class CarryOutIn(StrictIn):
    occurred_at: dt.datetime | None = None
    override_reason: str = Field("", max_length=500)


@router.post(
    "/movements/{movement_id}/record",
    response={201: MovementOut, 409: MovementConflictOut, **{k: v for k, v in ERRORS.items() if k != 409}},
    summary="Record that a scheduled movement happened (its actual time)",
)
@api("custody.record_movement")
def carry_out(request, movement_id: uuid.UUID, payload: CarryOutIn):
    try:
        movement = services.carry_out_movement(
            request.actor,
            movement_id=movement_id,
            occurred_at=payload.occurred_at,
            override_reason=payload.override_reason,
        )
    except services.KeepApartConflict as conflict:
        return _refuse(409, {**conflict.as_dict(), "conflicts": conflict.explanations})
    return Status(201, _movement_out(_reloaded(movement)))


@router.post(
    "/episodes/{episode_id}/return",
    response={201: MovementOut, **ERRORS},
    summary="Record someone back: from outside (closes the open out movement) or from a place inside",
)
@api("custody.record_movement")
def record_return(request, episode_id: uuid.UUID, payload: ReturnIn):
    if payload.from_internal:
        movement = services.record_internal_return(
            request.actor, episode_id=episode_id, occurred_at=payload.occurred_at
        )
    else:
        movement = services.record_return(
            request.actor,
            episode_id=episode_id,
            occurred_at=payload.occurred_at,
            escort=payload.escort,
            reason=payload.reason,
        )
    return Status(201, _movement_out(_reloaded(movement)))


@router.get(
    "/sites/{site_id}/transfers/incoming",
    response={200: list[MovementOut], **ERRORS},
    summary="Transfers en route here",
)
@api("custody.view")
def incoming(request, site_id: uuid.UUID):
    return Status(200, [_movement_out(m) for m in movement_queries.incoming_transfers(request.actor, site_id)])


@router.post(
    "/transfers/{movement_id}/receive",
    response={201: MovementOut, **ERRORS},
    summary="Receive a transferred person at the establishment they were sent to",
)
@api("custody.record_movement")
def receive(request, movement_id: uuid.UUID, payload: ReceiveIn):
    movement = services.receive_transfer(request.actor, movement_id=movement_id, occurred_at=payload.occurred_at)
    return Status(201, _movement_out(_reloaded(movement)))


# --- observations -----------------------------------------------------------------------------------------


@router.post("/observations", response={201: PlanOut, **ERRORS}, summary="Put a person on watch")
@api("custody.manage_observations")
def start_plan(request, payload: PlanIn):
    plan = observation_services.start_observation_plan(request.actor, **payload.model_dump())
    return Status(201, _plan_out(observation_queries.get_plan(request.actor, plan.public_id)))


@router.get(
    "/sites/{site_id}/observations",
    response={200: list[PlanOut], **ERRORS},
    summary="People on watch at a site (overdue=true: only those with a check overdue)",
)
@api("custody.view")
def site_plans(request, site_id: uuid.UUID, overdue: bool = False):
    if overdue:
        plans = observation_queries.overdue_observations(request.actor, site_id)
    else:
        plans = observation_queries.observation_plans(request.actor, site_id)
    return Status(200, [_plan_out(p) for p in plans])


@router.post("/observations/{plan_id}/checks", response={201: CheckOut, **ERRORS}, summary="Record a check")
@api("custody.observe")
def record_check(request, plan_id: uuid.UUID, payload: CheckIn):
    check = observation_services.record_observation_check(request.actor, plan_id=plan_id, **payload.model_dump())
    return Status(
        201,
        {
            "plan_id": check.plan.public_id,
            "checked_at": check.checked_at,
            "outcome": check.outcome,
            "late_by_minutes": check.late_by_minutes,
            "next_due_at": check.plan.next_due_at,
        },
    )


@router.post("/observations/{plan_id}/end", response={200: PlanOut, **ERRORS}, summary="Take a person off watch")
@api("custody.manage_observations")
def end_plan(request, plan_id: uuid.UUID, payload: EndPlanIn):
    plan = observation_services.end_observation_plan(request.actor, plan_id=plan_id, reason=payload.reason)
    return Status(200, _plan_out(plan))
