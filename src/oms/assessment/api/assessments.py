"""Assessments under /api/v1/assessment, keyed by public ids: start a draft, answer it (send the version
you read), complete, countersign, override, read, list a person's, and the reassessment due list.

A bad answer (an unknown item, an answer outside the options, an instrument version OMS does not have)
answers 422 naming the field."""

import datetime as dt
from typing import Any

from ninja import Field, Query, Router, Schema, Status

from oms.assessment.models import Assessment
from oms.assessment.queries import assessments as queries
from oms.assessment.services import assessments as services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router(tags=["assessment"])


class AssessmentStartIn(StrictIn):
    instrument: str = Field(..., min_length=1, max_length=60, description="ogrs3, tiering, criminogenic-needs")
    instrument_version: int | None = Field(None, ge=1, le=10_000, description="the latest when left out")
    answers: dict[str, Any] = Field(default_factory=dict)


class AssessmentAnswersIn(StrictIn):
    version: int = Field(..., ge=1, description="the version you read; 409 if it changed since")
    answers: dict[str, Any] = Field(..., description="merged into the draft; null removes an answer")


class AssessmentCompleteIn(StrictIn):
    version: int | None = Field(None, ge=1, description="the version you read; 409 if it changed since")


class AssessmentOverrideIn(StrictIn):
    band: str = Field(..., min_length=1, max_length=40)
    reason: str = Field(..., min_length=1, max_length=1000)


class AssessmentOut(Schema):
    id: str
    person_id: str
    instrument: str
    instrument_version: int
    status: str
    version: int
    answers: dict[str, Any]
    assessor: str
    started_at: dt.datetime
    completed_at: dt.datetime | None
    score: float | None
    computed_band: str
    band: str
    explanation: dict[str, Any]
    countersign_required: bool
    countersigned_by: str | None
    countersigned_at: dt.datetime | None
    override_band: str
    override_reason: str
    override_approved_by: str | None
    is_current: bool
    reassessment_due_on: dt.date | None
    reassessment_reason: str


class AssessmentDueParams(Schema):
    within_days: int = Field(28, ge=0, le=3660, description="due within this many days, or overdue")
    site: str | None = Field(None, max_length=20, description="only people at this site (its code)")


class AssessmentDueOut(Schema):
    assessment: AssessmentOut
    overdue: bool
    days_until_due: int


def _username(user) -> str | None:
    return user.username if user is not None else None


def assessment_out(assessment: Assessment) -> dict:
    return {
        "id": str(assessment.public_id),
        "person_id": str(assessment.person.public_id),
        "instrument": assessment.instrument_code,
        "instrument_version": assessment.instrument_version,
        "status": assessment.status,
        "version": assessment.version,
        "answers": assessment.answers,
        "assessor": assessment.assessor.username,
        "started_at": assessment.started_at,
        "completed_at": assessment.completed_at,
        "score": assessment.score,
        "computed_band": assessment.computed_band,
        "band": assessment.band,
        "explanation": assessment.explanation,
        "countersign_required": assessment.countersign_required,
        "countersigned_by": _username(assessment.countersigned_by),
        "countersigned_at": assessment.countersigned_at,
        "override_band": assessment.override_band,
        "override_reason": assessment.override_reason,
        "override_approved_by": _username(assessment.override_approved_by),
        "is_current": assessment.is_current,
        "reassessment_due_on": assessment.reassessment_due_on,
        "reassessment_reason": assessment.reassessment_reason,
    }


@router.get(
    "/people/{person_id}/assessments",
    response={200: list[AssessmentOut], **ERRORS},
    summary="A person's assessments, newest first",
)
@api("assessment.view")
def list_assessments(request, person_id: str, instrument: str | None = None):
    return [assessment_out(a) for a in queries.assessments_of(request.actor, person_id, instrument=instrument)]


@router.post(
    "/people/{person_id}/assessments",
    response={201: AssessmentOut, **ERRORS},
    summary="Start a draft assessment with an instrument",
)
@api("assessment.assess")
def start_assessment(request, person_id: str, payload: AssessmentStartIn):
    assessment = services.start_assessment(request.actor, person_id=person_id, **payload.model_dump())
    return Status(201, assessment_out(assessment))


@router.get(
    "/due",
    response={200: list[AssessmentDueOut], **ERRORS},
    summary="Current assessments due for reassessment within the days given, or overdue, soonest first",
)
@api("assessment.view")
def due_list(request, params: Query[AssessmentDueParams]):
    due = queries.due_assessments(request.actor, within_days=params.within_days, site_code=params.site)
    return [{"assessment": assessment_out(d.assessment), "overdue": d.overdue, "days_until_due": d.days} for d in due]


@router.get("/assessments/{assessment_id}", response={200: AssessmentOut, **ERRORS}, summary="One assessment")
@api("assessment.view")
def get_assessment(request, assessment_id: str):
    return assessment_out(queries.get_assessment(request.actor, assessment_id))


@router.patch(
    "/assessments/{assessment_id}",
    response={200: AssessmentOut, **ERRORS},
    summary="Answer a draft (send the version you read; 409 if it changed since)",
)
@api("assessment.assess")
def update_answers(request, assessment_id: str, payload: AssessmentAnswersIn):
    return assessment_out(services.update_answers(request.actor, assessment_id=assessment_id, **payload.model_dump()))


@router.post(
    "/assessments/{assessment_id}/complete",
    response={200: AssessmentOut, **ERRORS},
    summary="Complete a draft: score it and store the result",
)
@api("assessment.assess")
def complete_assessment(request, assessment_id: str, payload: AssessmentCompleteIn):
    return assessment_out(
        services.complete_assessment(request.actor, assessment_id=assessment_id, **payload.model_dump())
    )


@router.post(
    "/assessments/{assessment_id}/countersign",
    response={200: AssessmentOut, **ERRORS},
    summary="Countersign another assessor's completed assessment",
)
@api("assessment.countersign")
def countersign_assessment(request, assessment_id: str):
    return assessment_out(services.countersign_assessment(request.actor, assessment_id=assessment_id))


@router.post(
    "/assessments/{assessment_id}/override",
    response={200: AssessmentOut, **ERRORS},
    summary="Approve an override of the computed band or tier, with a reason",
)
@api("assessment.approve_override")
def override_assessment(request, assessment_id: str, payload: AssessmentOverrideIn):
    return assessment_out(services.override_band(request.actor, assessment_id=assessment_id, **payload.model_dump()))
