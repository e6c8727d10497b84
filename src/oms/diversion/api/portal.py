"""The participant portal's API under /api/v1/diversion/portal (diversion.use_portal).

The participant is the caller's own person (``portal_person``); no person or participation id is taken
from the request, and a requirement or message of anyone else answers 404. The answer is the
participant's view: requirements, progress, own hours, check-ins and messages, not the staff record
(offence summary, eligibility facts, who did what).
"""

import datetime as dt
from typing import Literal

from ninja import Field, Router, Schema, Status

from oms.diversion.models import PortalCheckIn
from oms.diversion.queries import portal as queries
from oms.diversion.services import messages as message_services
from oms.diversion.services import portal as services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router()

USE_PORTAL = "diversion.use_portal"
Wellbeing = Literal[tuple(PortalCheckIn.Wellbeing.values)]


class DiversionPortalHoursIn(StrictIn):
    worked_on: dt.date
    minutes: int = Field(..., ge=1, le=1440)
    place: str = Field(..., min_length=1, max_length=200)
    supervisor_name: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=500)


class DiversionCheckInIn(StrictIn):
    wellbeing: Wellbeing
    wants_contact: bool = False
    note: str = Field("", max_length=1000)


class DiversionPortalHoursOut(Schema):
    id: str
    worked_on: dt.date
    minutes: int
    place: str
    supervisor_name: str
    verified: bool


class DiversionPortalRequirementOut(Schema):
    id: str
    kind: str
    label: str
    target: int | None
    done: int
    pending: int
    due_on: dt.date
    status: str
    next_due_on: dt.date | None
    explanation: str
    hours: list[DiversionPortalHoursOut]


class DiversionCheckInOut(Schema):
    id: str
    on: dt.date
    wellbeing: str
    wants_contact: bool
    note: str
    counted_as_attendance: bool


class DiversionMessageOut(Schema):
    id: str
    subject: str
    body: str
    sent_at: dt.datetime
    sent_by: str | None
    read_at: dt.datetime | None


class DiversionPortalOut(Schema):
    participation_id: str
    programme_name: str
    state: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    percent_complete: int
    requirements: list[DiversionPortalRequirementOut]
    checked_in_today: bool
    check_ins: list[DiversionCheckInOut]
    unread_messages: int


def check_in_out(c: PortalCheckIn) -> dict:
    return {
        "id": str(c.public_id),
        "on": c.on,
        "wellbeing": c.wellbeing,
        "wants_contact": c.wants_contact,
        "note": c.note,
        "counted_as_attendance": c.attendance_id is not None,
    }


def message_out(m) -> dict:
    sender = m.sent_by
    return {
        "id": str(m.public_id),
        "subject": m.subject,
        "body": m.body,
        "sent_at": m.sent_at,
        "sent_by": (sender.get_full_name() or sender.get_username()) if sender else None,
        "read_at": m.read_at,
    }


def portal_out(o: queries.PortalOverview) -> dict:
    p = o.detail.participation
    return {
        "participation_id": str(p.public_id),
        "programme_name": p.programme.name,
        "state": p.state,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "percent_complete": o.detail.summary.percent_complete,
        "requirements": [
            {
                "id": str(i.requirement.public_id),
                "kind": i.requirement.kind,
                "label": i.label,
                "target": i.requirement.target,
                "done": i.facts.done,
                "pending": i.facts.pending,
                "due_on": i.requirement.due_on,
                "status": i.status.status,
                "next_due_on": i.status.next_due_on,
                "explanation": i.status.explanation,
                "hours": [
                    {
                        "id": str(e.public_id),
                        "worked_on": e.worked_on,
                        "minutes": e.minutes,
                        "place": e.place,
                        "supervisor_name": e.supervisor_name,
                        "verified": e.verified_at is not None,
                    }
                    for e in i.hours_entries
                ],
            }
            for i in o.detail.requirements
        ],
        "checked_in_today": o.checked_in_today,
        "check_ins": [check_in_out(c) for c in o.check_ins],
        "unread_messages": o.unread,
    }


@router.get("/portal", response={200: DiversionPortalOut, **ERRORS}, summary="Participant: my programme")
@api(USE_PORTAL)
def my_programme(request):
    return portal_out(queries.overview(request.actor))


@router.post(
    "/portal/requirements/{requirement_id}/hours",
    response={201: DiversionPortalOut, **ERRORS},
    summary="Participant: log community service hours (await a coordinator's verification)",
)
@api(USE_PORTAL)
def log_own_hours(request, requirement_id: str, payload: DiversionPortalHoursIn):
    services.log_own_hours(request.actor, requirement_id=requirement_id, **payload.model_dump())
    return Status(201, portal_out(queries.overview(request.actor)))


@router.post(
    "/portal/check-ins", response={201: DiversionCheckInOut, **ERRORS}, summary="Participant: check in (once a day)"
)
@api(USE_PORTAL)
def check_in(request, payload: DiversionCheckInIn):
    return Status(201, check_in_out(services.check_in(request.actor, **payload.model_dump())))


@router.get("/portal/messages", response={200: list[DiversionMessageOut], **ERRORS}, summary="Participant: my messages")
@api(USE_PORTAL)
def my_messages(request):
    return [message_out(m) for m in queries.overview(request.actor).messages]


@router.post(
    "/portal/messages/{message_id}/read",
    response={200: DiversionMessageOut, **ERRORS},
    summary="Participant: mark a message read",
)
@api(USE_PORTAL)
def read_message(request, message_id: str):
    return message_out(message_services.read_message(request.actor, message_id=message_id))
