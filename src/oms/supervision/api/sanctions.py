"""Graduated sanctions under /api/v1/supervision: the matrix (read with supervision.view, change a band
with supervision.manage_sanctions), violations on a case and the response chosen
(supervision.manage_breach). A response outside the allowed band without ``override_reason`` is 422 on
that field."""

import datetime as dt
from typing import Literal

from ninja import Field, Router, Schema, Status

from oms.supervision.api.cases import SupervisionCaseOut, case_out
from oms.supervision.models import Level, Severity, Violation
from oms.supervision.queries import cases as queries
from oms.supervision.queries import sanctions as sanction_queries
from oms.supervision.rules.sanctions import RESPONSES
from oms.supervision.services import sanctions as services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router()

VIEW = "supervision.view"
MANAGE_SANCTIONS = "supervision.manage_sanctions"
MANAGE_BREACH = "supervision.manage_breach"

Response = Literal[RESPONSES]
SeverityName = Literal[tuple(Severity.values)]
LevelName = Literal[tuple(Level.values)]
Source = Literal[tuple(Violation.Source.values)]


class SupervisionBandIn(StrictIn):
    severity: SeverityName
    level: LevelName
    least: Response
    most: Response
    reason: str = Field(..., min_length=1, max_length=1000)


class SupervisionBandOut(Schema):
    severity: str
    level: str
    least: str
    most: str
    responses: list[str] = Field(..., description="least to most, before dropping recall for non-licence cases")
    reason: str
    updated_at: dt.datetime | None
    updated_by: str | None


class SupervisionViolationIn(StrictIn):
    source: Source
    severity: SeverityName
    description: str = Field(..., min_length=1, max_length=2000)
    occurred_on: dt.date | None = None
    appointment_id: str | None = Field(None, max_length=40)


class SupervisionResponseIn(StrictIn):
    response: Response
    reason: str = Field(..., min_length=1, max_length=2000)
    override_reason: str = Field("", max_length=2000)


def _bands(actor) -> list[dict]:
    stored = {(b.severity, b.level): b for b in sanction_queries.bands(actor)}
    rows = []
    for (severity, level), (least, most) in sanction_queries.matrix().items():
        band = stored.get((severity, level))
        rows.append(
            {
                "severity": severity,
                "level": level,
                "least": least,
                "most": most,
                "responses": list(RESPONSES[RESPONSES.index(least) : RESPONSES.index(most) + 1]),
                "reason": band.reason if band else "OMS default",
                "updated_at": band.updated_at if band else None,
                "updated_by": band.updated_by.get_username() if band and band.updated_by_id else None,
            }
        )
    return rows


@router.get("/sanctions/matrix", response={200: list[SupervisionBandOut], **ERRORS}, summary="The sanctions matrix")
@api(VIEW)
def get_matrix(request):
    return _bands(request.actor)


@router.post(
    "/sanctions/matrix",
    response={200: list[SupervisionBandOut], **ERRORS},
    summary="Set the responses allowed for a severity at a level",
)
@api(MANAGE_SANCTIONS)
def set_band(request, payload: SupervisionBandIn):
    services.set_band(request.actor, **payload.model_dump())
    return _bands(request.actor)


@router.post("/cases/{case_id}/violations", response={201: SupervisionCaseOut, **ERRORS}, summary="Record a violation")
@api(MANAGE_BREACH)
def record_violation(request, case_id: str, payload: SupervisionViolationIn):
    violation = services.record_violation(request.actor, case_id=case_id, **payload.model_dump())
    return Status(201, case_out(queries.detail_of(violation.case)))


@router.post(
    "/violations/{violation_id}/response",
    response={200: SupervisionCaseOut, **ERRORS},
    summary="Record the response to a violation (outside the matrix only with an override reason)",
)
@api(MANAGE_BREACH)
def respond(request, violation_id: str, payload: SupervisionResponseIn):
    violation = services.respond(request.actor, violation_id=violation_id, **payload.model_dump())
    return case_out(queries.detail_of(violation.case))
