"""Drug and alcohol testing under /api/v1/supervision: run the seeded random selection for a date, the
tests due on a day, order a test on a case, record a result (a positive, refused or missed result raises
a violation). Permission supervision.manage_testing (reading the due list: supervision.view)."""

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from oms.core import clock
from oms.supervision.api.cases import SupervisionCaseOut, SupervisionDrugTestOut, case_out, drug_test_out
from oms.supervision.queries import cases as queries
from oms.supervision.queries import testing as testing_queries
from oms.supervision.rules.testing import RESULTS
from oms.supervision.services import testing as services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router()

VIEW = "supervision.view"
MANAGE_TESTING = "supervision.manage_testing"

Result = Literal[RESULTS]


class SupervisionSelectionIn(StrictIn):
    on: dt.date
    seed: int | None = Field(None, ge=0, lt=services.MAX_SEED, description="leave out for a new random seed")


class SupervisionSelectionOut(Schema):
    id: str
    on: dt.date
    seed: int
    roster_size: int
    selected: list[str] = Field(..., description="case ids")
    reproducible: bool


class SupervisionTestOrderIn(StrictIn):
    due_on: dt.date | None = None
    notes: str = Field("", max_length=2000)


class SupervisionTestResultIn(StrictIn):
    result: Result
    substances: list[str] = Field(default_factory=list, max_length=20)
    notes: str = Field("", max_length=2000)


class SupervisionTestsDueQuery(Schema):
    on: dt.date | None = None


@router.post(
    "/tests/selections",
    response={201: SupervisionSelectionOut, **ERRORS},
    summary="Run the seeded random drug test selection for a date",
)
@api(MANAGE_TESTING)
def select_tests(request, payload: SupervisionSelectionIn):
    selection = services.select_tests(request.actor, **payload.model_dump())
    return Status(
        201,
        {
            "id": str(selection.public_id),
            "on": selection.on,
            "seed": selection.seed,
            "roster_size": len(selection.roster),
            "selected": list(selection.selected),
            "reproducible": testing_queries.verify(selection),
        },
    )


@router.get("/tests/due", response={200: list[SupervisionDrugTestOut], **ERRORS}, summary="Tests due on a day")
@api(VIEW)
def tests_due(request, filters: Query[SupervisionTestsDueQuery]):
    on = filters.on or clock.today()
    return [drug_test_out(t) for t in testing_queries.tests_due(request.actor, on)]


@router.post("/cases/{case_id}/tests", response={201: SupervisionCaseOut, **ERRORS}, summary="Order a test")
@api(MANAGE_TESTING)
def order_test(request, case_id: str, payload: SupervisionTestOrderIn):
    test = services.order_test(request.actor, case_id=case_id, **payload.model_dump())
    return Status(201, case_out(queries.detail_of(test.case)))


@router.post(
    "/tests/{test_id}/result",
    response={200: SupervisionCaseOut, **ERRORS},
    summary="Record a test result (positive, refused or missed raises a violation)",
)
@api(MANAGE_TESTING)
def record_result(request, test_id: str, payload: SupervisionTestResultIn):
    test = services.record_result(request.actor, test_id=test_id, **payload.model_dump())
    return case_out(queries.detail_of(test.case))
