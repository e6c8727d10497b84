"""Remote check-ins under /api/v1/supervision: set a case's schedule and list its check-ins (officers),
the participant's own open check-ins and their submission (supervision.use_portal; the person is always
the caller's own, never taken from the request), the officer's review.

The photo is not taken here (it is a page upload, size-checked while streaming); the answers are.
"""

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from oms.supervision.models import CheckIn, CheckInSchedule
from oms.supervision.queries import checkins as queries
from oms.supervision.rules import checkins as rules
from oms.supervision.services import checkins as services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router()

VIEW = "supervision.view"
RECORD = "supervision.record_contacts"
USE_PORTAL = "supervision.use_portal"

Frequency = Literal[tuple(CheckInSchedule.Frequency.values)]
State = Literal[tuple(CheckIn.State.values)]
ReviewOutcome = Literal[rules.REVIEW_OUTCOMES]


def _choices(key: str):
    return Literal[tuple(c for c, _ in rules.SURVEY[key][1])]


class SupervisionCheckInScheduleIn(StrictIn):
    frequency: Frequency
    starts_on: dt.date
    window_hours: int = Field(72, ge=rules.MIN_WINDOW_HOURS, le=rules.MAX_WINDOW_HOURS)


class SupervisionCheckInScheduleOut(Schema):
    id: str
    case_id: str
    frequency: str
    starts_on: dt.date
    window_hours: int
    active: bool


class SupervisionCheckInSurveyIn(StrictIn):
    accommodation: _choices("accommodation")
    employment: _choices("employment")
    substance_use: _choices("substance_use")
    wellbeing: _choices("wellbeing")


class SupervisionCheckInSubmitIn(StrictIn):
    date_of_birth: dt.date
    postcode: str = Field(..., min_length=1, max_length=20)
    answers: SupervisionCheckInSurveyIn
    message: str = Field("", max_length=rules.MESSAGE_LIMIT)


class SupervisionCheckInReviewIn(StrictIn):
    outcome: ReviewOutcome
    note: str = Field("", max_length=2000)
    version: int = Field(..., ge=1, le=2_000_000_000, description="the check-in version you read")


class SupervisionCheckInOut(Schema):
    id: str
    case_id: str
    state: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    expires_at: dt.datetime
    submitted_at: dt.datetime | None
    identity_confirmed: bool | None = Field(..., description="null until submitted")
    flags: list[str]
    answers: dict | None = Field(..., description="the survey answers; staff only, null on the participant's list")
    has_photo: bool
    review_outcome: str
    review_note: str
    reviewed_at: dt.datetime | None
    version: int


class SupervisionCheckInListQuery(Schema):
    case_id: str | None = Field(None, max_length=40)
    state: State | None = None


def schedule_out(s: CheckInSchedule) -> dict:
    return {
        "id": str(s.public_id),
        "case_id": str(s.case.public_id),
        "frequency": s.frequency,
        "starts_on": s.starts_on,
        "window_hours": s.window_hours,
        "active": s.active,
    }


def check_in_out(c: CheckIn, *, staff: bool = True) -> dict:
    return {
        "id": str(c.public_id),
        "case_id": str(c.case.public_id),
        "state": c.state,
        "opens_at": c.opens_at,
        "closes_at": c.closes_at,
        "expires_at": rules.expires_at(c.closes_at),
        "submitted_at": c.submitted_at,
        "identity_confirmed": (not c.identity_failures) if c.submitted_at else None,
        "flags": list(c.flags) if staff else [],
        "answers": dict(c.answers) if staff else None,
        "has_photo": bool(c.photo_content_type),
        "review_outcome": c.review_outcome if staff else "",
        "review_note": c.review_note if staff else "",
        "reviewed_at": c.reviewed_at,
        "version": c.version,
    }


@router.put(
    "/cases/{case_id}/check-in-schedule",
    response={200: SupervisionCheckInScheduleOut, **ERRORS},
    summary="Set the case's remote check-in schedule (replaces the one in force)",
)
@api(RECORD)
def set_schedule(request, case_id: str, payload: SupervisionCheckInScheduleIn):
    return schedule_out(services.set_schedule(request.actor, case_id=case_id, **payload.model_dump()))


@router.delete(
    "/cases/{case_id}/check-in-schedule",
    response={200: SupervisionCheckInScheduleOut, **ERRORS},
    summary="Stop the case's check-ins (those already open stay open)",
)
@api(RECORD)
def end_schedule(request, case_id: str):
    return schedule_out(services.end_schedule(request.actor, case_id=case_id))


@router.get("/check-ins", response={200: list[SupervisionCheckInOut], **ERRORS}, summary="Check-ins, newest first")
@api(VIEW)
def list_check_ins(request, filters: Query[SupervisionCheckInListQuery]):
    rows = queries.list_check_ins(request.actor, case_id=filters.case_id, state=filters.state or "")
    return [check_in_out(c) for c in rows]


@router.get(
    "/check-ins/{check_in_id}", response={200: SupervisionCheckInOut, **ERRORS}, summary="One check-in (audited)"
)
@api(VIEW)
def get_check_in(request, check_in_id: str):
    return check_in_out(queries.get_check_in(request.actor, check_in_id))


@router.post(
    "/check-ins/{check_in_id}/review",
    response={200: SupervisionCheckInOut, **ERRORS},
    summary="Review a submitted check-in",
)
@api(RECORD)
def review(request, check_in_id: str, payload: SupervisionCheckInReviewIn):
    return check_in_out(services.review_check_in(request.actor, check_in_id=check_in_id, **payload.model_dump()))


@router.get(
    "/portal/check-ins",
    response={200: list[SupervisionCheckInOut], **ERRORS},
    summary="The participant's own check-ins open now",
)
@api(USE_PORTAL)
def my_check_ins(request):
    return [check_in_out(c, staff=False) for c in queries.portal_home(request.actor).open_check_ins]


@router.post(
    "/portal/check-ins/{check_in_id}",
    response={201: SupervisionCheckInOut, **ERRORS},
    summary="Submit the participant's own check-in",
)
@api(USE_PORTAL)
def submit(request, check_in_id: str, payload: SupervisionCheckInSubmitIn):
    data = payload.model_dump()
    check_in = services.submit_check_in(
        request.actor,
        check_in_id=check_in_id,
        date_of_birth=data["date_of_birth"],
        postcode=data["postcode"],
        answers=data["answers"],
        message=data["message"],
    )
    return Status(201, check_in_out(check_in, staff=False))
