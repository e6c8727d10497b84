"""Emergency response under /api/v1/incidents/emergencies: declare, read and list, update instructions
(send the version you read), log, authorise a movement exception, stand down, the after-action review,
link an incident, start a roll, read it with the unaccounted count, and mark people (send the entry
version you saw; 409 if someone marked them meanwhile)."""

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from oms.incidents.models import Emergency, EmergencyRoll, RollEntry
from oms.incidents.queries import emergencies as queries
from oms.incidents.services import emergencies as services
from oms.incidents.services import emergency_roll
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router(tags=["incidents"])


class EmergencyDeclareIn(StrictIn):
    facility_id: str = Field(..., min_length=1, max_length=64, description="the facility's public id")
    kind: Literal["lockdown", "evacuation", "escape", "medical", "fire"]
    instructions: str = Field(..., min_length=1, max_length=5000)
    location_ids: list[str] = Field(default_factory=list, max_length=200, description="empty: the whole facility")
    blocks_movements: bool = True


class EmergencyInstructionsIn(StrictIn):
    instructions: str = Field(..., min_length=1, max_length=5000)
    version: int | None = Field(None, ge=1, le=1_000_000, description="the version you read; 409 if it changed")


class EmergencyLogIn(StrictIn):
    text: str = Field(..., min_length=1, max_length=2000)


class EmergencyExceptionIn(StrictIn):
    person_id: str = Field(..., min_length=1, max_length=64)
    reason: str = Field(..., min_length=1, max_length=1000)


class EmergencyStandDownIn(StrictIn):
    note: str = Field("", max_length=2000)


class EmergencyReviewIn(StrictIn):
    text: str = Field(..., min_length=1, max_length=20000)


class EmergencyLinkIncidentIn(StrictIn):
    incident_id: str = Field(..., min_length=1, max_length=64)


class EmergencyMarkIn(StrictIn):
    person_id: str = Field(..., min_length=1, max_length=64)
    mark: Literal["accounted", "missing", "found"]
    version: int | None = Field(None, ge=1, le=1_000_000, description="the entry version you saw")
    found_at: str = Field("", max_length=200, description="where they were found (required for found)")


class EmergencyListParams(Schema):
    status: Literal["active", "stood_down"] | None = None


class EmergencyActionOut(Schema):
    at: dt.datetime
    by: str | None
    kind: str
    text: str


class EmergencyExceptionOut(Schema):
    person_id: str
    reason: str
    authorised_by: str
    authorised_at: dt.datetime
    used_at: dt.datetime | None


class EmergencyOut(Schema):
    id: str
    facility_id: str
    kind: str
    scope: str
    location_ids: list[str]
    instructions: str
    blocks_movements: bool
    status: str
    declared_by: str
    declared_at: dt.datetime
    stood_down_by: str | None
    stood_down_at: dt.datetime | None
    after_action_review: str
    version: int


class EmergencyDetailOut(EmergencyOut):
    timeline: list[EmergencyActionOut]
    exceptions: list[EmergencyExceptionOut]
    roll_ids: list[str]


class EmergencyPlaceCountOut(Schema):
    expected_where: str
    unaccounted: int
    missing: int


class EmergencyRollEntryOut(Schema):
    person_id: str
    name: str
    expected_where: str
    status: str
    found_at: str
    marked_by: str | None
    marked_at: dt.datetime | None
    version: int


class EmergencyRollOut(Schema):
    id: str
    emergency_id: str
    started_at: dt.datetime
    completed_at: dt.datetime | None
    expected: int
    unaccounted: int
    missing: int
    accounted: int
    by_place: list[EmergencyPlaceCountOut]
    entries: list[EmergencyRollEntryOut]


def _user(user) -> str | None:
    return user.username if user is not None else None


def emergency_out(e: Emergency) -> dict:
    return {
        "id": str(e.public_id),
        "facility_id": str(e.facility.public_id),
        "kind": e.kind,
        "scope": services.scope_label(e),
        "location_ids": [str(loc.public_id) for loc in e.locations.all()],
        "instructions": e.instructions,
        "blocks_movements": e.blocks_movements,
        "status": e.status,
        "declared_by": e.declared_by.username,
        "declared_at": e.declared_at,
        "stood_down_by": _user(e.stood_down_by),
        "stood_down_at": e.stood_down_at,
        "after_action_review": e.after_action_review,
        "version": e.version,
    }


def emergency_detail_out(e: Emergency) -> dict:
    return {
        **emergency_out(e),
        "timeline": [
            {"at": a.at, "by": _user(a.by), "kind": a.kind, "text": a.text}
            for a in e.actions.select_related("by").all()
        ],
        "exceptions": [
            {
                "person_id": str(x.person.public_id),
                "reason": x.reason,
                "authorised_by": x.authorised_by.username,
                "authorised_at": x.authorised_at,
                "used_at": x.used_at,
            }
            for x in e.exceptions.select_related("person", "authorised_by").order_by("authorised_at", "pk")
        ],
        "roll_ids": [str(r.public_id) for r in e.rolls.order_by("started_at", "pk")],
    }


def entry_out(entry: RollEntry) -> dict:
    return {
        "person_id": str(entry.person.public_id),
        "name": f"{entry.person.family_name.upper()}, {entry.person.given_name}",
        "expected_where": entry.expected_where,
        "status": entry.status,
        "found_at": entry.found_at_text,
        "marked_by": _user(entry.marked_by),
        "marked_at": entry.marked_at,
        "version": entry.version,
    }


def roll_out(roll: EmergencyRoll) -> dict:
    summary = queries.roll_summary(roll)
    return {
        "id": str(roll.public_id),
        "emergency_id": str(roll.emergency.public_id),
        "started_at": roll.started_at,
        "completed_at": roll.completed_at,
        "expected": summary["expected"],
        "unaccounted": summary["unaccounted"],
        "missing": summary["missing"],
        "accounted": summary["accounted"],
        "by_place": summary["by_place"],
        "entries": [entry_out(e) for e in queries.roll_entries(roll)],
    }


def _detail(request, emergency_id) -> dict:
    return emergency_detail_out(queries.get_emergency(request.actor, emergency_id))


@router.get("/emergencies", response={200: list[EmergencyOut], **ERRORS}, summary="Emergencies, newest first")
@api("incidents.view")
def list_emergencies(request, params: Query[EmergencyListParams]):
    rows = queries.emergencies_in_scope(request.actor, status=params.status or "").prefetch_related("locations")
    return [emergency_out(e) for e in rows[:500]]


@router.post("/emergencies", response={201: EmergencyDetailOut, **ERRORS}, summary="Declare an emergency")
@api("incidents.declare_emergency")
def declare_emergency(request, payload: EmergencyDeclareIn):
    emergency = services.declare_emergency(request.actor, **payload.model_dump())
    return Status(201, _detail(request, emergency.public_id))


@router.get("/emergencies/{emergency_id}", response={200: EmergencyDetailOut, **ERRORS}, summary="One emergency")
@api("incidents.view")
def get_emergency(request, emergency_id: str):
    return _detail(request, emergency_id)


@router.post(
    "/emergencies/{emergency_id}/instructions",
    response={200: EmergencyDetailOut, **ERRORS},
    summary="Update the instructions to staff",
)
@api("incidents.declare_emergency")
def update_instructions(request, emergency_id: str, payload: EmergencyInstructionsIn):
    services.update_instructions(request.actor, emergency_id=emergency_id, **payload.model_dump())
    return _detail(request, emergency_id)


@router.post("/emergencies/{emergency_id}/log", response={201: EmergencyDetailOut, **ERRORS}, summary="Add a log entry")
@api("incidents.emergency_roll")
def add_log_entry(request, emergency_id: str, payload: EmergencyLogIn):
    services.add_log_entry(request.actor, emergency_id=emergency_id, **payload.model_dump())
    return Status(201, _detail(request, emergency_id))


@router.post(
    "/emergencies/{emergency_id}/exceptions",
    response={201: EmergencyDetailOut, **ERRORS},
    summary="Authorise one movement of one person while movements are blocked",
)
@api("incidents.declare_emergency")
def authorise_exception(request, emergency_id: str, payload: EmergencyExceptionIn):
    services.authorise_movement_exception(request.actor, emergency_id=emergency_id, **payload.model_dump())
    return Status(201, _detail(request, emergency_id))


@router.post(
    "/emergencies/{emergency_id}/stand-down", response={200: EmergencyDetailOut, **ERRORS}, summary="Stand down"
)
@api("incidents.declare_emergency")
def stand_down(request, emergency_id: str, payload: EmergencyStandDownIn):
    services.stand_down(request.actor, emergency_id=emergency_id, **payload.model_dump())
    return _detail(request, emergency_id)


@router.post(
    "/emergencies/{emergency_id}/review",
    response={200: EmergencyDetailOut, **ERRORS},
    summary="Record the after-action review (after stand-down)",
)
@api("incidents.declare_emergency")
def record_review(request, emergency_id: str, payload: EmergencyReviewIn):
    services.record_review(request.actor, emergency_id=emergency_id, **payload.model_dump())
    return _detail(request, emergency_id)


@router.post(
    "/emergencies/{emergency_id}/incidents",
    response={200: EmergencyDetailOut, **ERRORS},
    summary="Link an incident of the same facility to the emergency",
)
@api("incidents.declare_emergency")
def link_incident(request, emergency_id: str, payload: EmergencyLinkIncidentIn):
    services.link_incident_to_emergency(request.actor, emergency_id=emergency_id, **payload.model_dump())
    return _detail(request, emergency_id)


@router.post(
    "/emergencies/{emergency_id}/rolls",
    response={201: EmergencyRollOut, **ERRORS},
    summary="Start an emergency roll (frozen now)",
)
@api("incidents.emergency_roll")
def start_roll(request, emergency_id: str):
    roll = emergency_roll.start_roll(request.actor, emergency_id=emergency_id)
    return Status(201, roll_out(roll))


@router.get(
    "/emergencies/rolls/{roll_id}",
    response={200: EmergencyRollOut, **ERRORS},
    summary="A roll with its entries and the unaccounted count by place",
)
@api("incidents.view")
def get_roll(request, roll_id: str):
    return roll_out(queries.get_roll(request.actor, roll_id))


@router.post(
    "/emergencies/rolls/{roll_id}/marks",
    response={200: EmergencyRollEntryOut, **ERRORS},
    summary="Mark a person accounted for, missing or found (409 if marked meanwhile)",
)
@api("incidents.emergency_roll")
def mark_person(request, roll_id: str, payload: EmergencyMarkIn):
    entry = emergency_roll.mark_person(request.actor, roll_id=roll_id, **payload.model_dump())
    return entry_out(entry)


@router.post(
    "/emergencies/rolls/{roll_id}/finish",
    response={200: EmergencyRollOut, **ERRORS},
    summary="Finish a roll: no more marks; the result goes on the emergency's timeline",
)
@api("incidents.emergency_roll")
def finish_roll(request, roll_id: str):
    emergency_roll.finish_roll(request.actor, roll_id=roll_id)
    return roll_out(queries.get_roll(request.actor, roll_id))
