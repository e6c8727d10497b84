"""Warnings and breach proceedings under /api/v1/supervision: issue a warning, start a breach, move a
breach to its next state. Each answers the case as ``GET /cases/{case_id}`` does.

Permission supervision.manage_breach; 404 when the case's person is out of scope; 422 naming the field
for bad input or an illegal move (``supervision.breach_bad_transition`` on ``state``); 409 for a second
open breach or a stale breach ``version``.
"""

import datetime as dt
from typing import Literal

from ninja import Field, Router, Status

from oms.supervision.api.cases import SupervisionCaseOut, case_out
from oms.supervision.models import Breach
from oms.supervision.queries import cases as queries
from oms.supervision.services import breach as services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router()

MANAGE_BREACH = "supervision.manage_breach"

NextState = Literal["summons", "warrant", "proven", "withdrawn"]
BreachOutcome = Literal[tuple(o for o in Breach.Outcome.values if o)]


class SupervisionWarningIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=1000)
    appointment_id: str | None = Field(None, max_length=40, description="the failed appointment it answers")
    issued_on: dt.date | None = None


class SupervisionBreachIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=2000)
    initiated_on: dt.date | None = None


class SupervisionBreachAdvanceIn(StrictIn):
    version: int = Field(..., ge=1, le=2_000_000_000, description="the breach version you read")
    state: NextState
    reason: str = Field(..., min_length=1, max_length=2000)
    on: dt.date | None = None
    outcome: BreachOutcome | None = Field(None, description="required when proven")


def _fresh(case) -> dict:
    return case_out(queries.detail_of(case))


@router.post(
    "/cases/{case_id}/warnings",
    response={201: SupervisionCaseOut, **ERRORS},
    summary="Issue a warning for a failure to comply",
)
@api(MANAGE_BREACH)
def issue_warning(request, case_id: str, payload: SupervisionWarningIn):
    warning = services.issue_warning(request.actor, case_id=case_id, **payload.model_dump())
    return Status(201, _fresh(warning.case))


@router.post(
    "/cases/{case_id}/breaches",
    response={201: SupervisionCaseOut, **ERRORS},
    summary="Start breach proceedings",
)
@api(MANAGE_BREACH)
def start_breach(request, case_id: str, payload: SupervisionBreachIn):
    breach = services.start_breach(request.actor, case_id=case_id, **payload.model_dump())
    return Status(201, _fresh(breach.case))


@router.post(
    "/breaches/{breach_id}/advance",
    response={200: SupervisionCaseOut, **ERRORS},
    summary="Move a breach to summons, warrant, proven (with its outcome) or withdrawn",
)
@api(MANAGE_BREACH)
def advance_breach(request, breach_id: str, payload: SupervisionBreachAdvanceIn):
    values = payload.model_dump()
    values["outcome"] = values["outcome"] or ""
    breach = services.advance_breach(request.actor, breach_id=breach_id, **values)
    return _fresh(breach.case)
