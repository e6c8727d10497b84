"""The fairness report of an instrument under /api/v1/assessment/fairness (assessment.view_reports):
score distribution and band rates by sex, ethnicity and age group over the current completed
assessments in the caller's scope; groups under 10 people come back marked ``suppressed`` with no
numbers."""

import datetime as dt

from ninja import Field, Query, Router, Schema

from oms.assessment.queries import fairness as queries
from oms.assessment.rules.fairness import report_as_dict
from oms.web.access import api
from oms.web.api_schemas import ERRORS

router = Router(tags=["assessment"])


class AssessmentFairnessParams(Schema):
    instrument: str = Field(..., min_length=1, max_length=60, description="criminogenic-needs, ogrs3, tiering...")
    site: str | None = Field(None, max_length=20, description="only people at this site (its code)")
    completed_from: dt.date | None = Field(None, description="completed on or after")
    completed_to: dt.date | None = Field(None, description="completed on or before")


class AssessmentFairnessBinOut(Schema):
    label: str
    lowest: float
    highest: float
    count: int | None
    suppressed: bool


class AssessmentFairnessDistributionOut(Schema):
    count: int
    mean: float | None
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    bins: list[AssessmentFairnessBinOut]


class AssessmentFairnessGroupOut(Schema):
    group: str
    count: int | None
    suppressed: bool
    band_counts: dict[str, int]
    band_rates: dict[str, float]


class AssessmentFairnessReportOut(Schema):
    instrument: str
    bands: list[str]
    population: int | None = Field(..., description="null when the whole population is under 10")
    suppressed: bool
    distribution: AssessmentFairnessDistributionOut | None
    by_sex: list[AssessmentFairnessGroupOut]
    by_ethnicity: list[AssessmentFairnessGroupOut]
    by_age_group: list[AssessmentFairnessGroupOut]


@router.get(
    "/fairness",
    response={200: AssessmentFairnessReportOut, **ERRORS},
    summary="An instrument's fairness report: score distribution and band rates by sex, ethnicity and age group",
)
@api("assessment.view_reports")
def fairness_report(request, params: Query[AssessmentFairnessParams]):
    report = queries.fairness_report(
        request.actor,
        instrument=params.instrument,
        site_code=params.site,
        completed_from=params.completed_from,
        completed_to=params.completed_to,
    )
    return report_as_dict(report)
