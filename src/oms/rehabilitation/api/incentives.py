"""Incentive levels per facility and what each allows; reviews with outcome, reasons and the next review
date; overdue reviews. Mounted under /api/v1/rehabilitation/incentives, keyed by public ids (facilities,
people, reviews) and level codes. Bad input answers 422 naming the field."""

import datetime as dt

from ninja import Field, Query, Router, Schema, Status

from oms.rehabilitation.models import IncentiveLevel, IncentiveReview
from oms.rehabilitation.queries import incentives as queries
from oms.rehabilitation.services import incentives as services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router()


class IncentiveLevelIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=100)
    rank: int = Field(..., ge=1, le=100, description="1 is the lowest; basic must be the lowest")
    spending_limit_pence: int = Field(..., ge=0, le=services.MAX_SPENDING_LIMIT_PENCE, description="a week")
    visits_per_month: int = Field(..., ge=0, le=services.MAX_VISITS_PER_MONTH)
    privileges: list[str] = Field(default_factory=list, max_length=services.MAX_PRIVILEGES)
    is_basic: bool = False
    is_default: bool = False
    active: bool = True


class IncentiveLevelOut(Schema):
    code: str
    name: str
    rank: int
    spending_limit_pence: int
    visits_per_month: int
    privileges: list[str]
    is_basic: bool
    is_default: bool
    active: bool


class IncentiveReviewIn(StrictIn):
    level: str = Field(..., min_length=1, max_length=20, description="the code of an active level")
    reasons: str = Field(..., min_length=1, max_length=services.MAX_REASONS)
    reviewed_on: dt.date | None = Field(None, description="today when left out; never in the future")


class IncentiveReviewOut(Schema):
    id: str
    person_id: str
    facility: str
    level: IncentiveLevelOut
    previous_level: str | None
    outcome: str
    reviewed_on: dt.date
    reasons: str
    on_basic_since: dt.date | None
    next_review_on: dt.date
    is_current: bool
    reviewed_by: str | None
    recorded_at: dt.datetime


class IncentivePersonOut(Schema):
    person_id: str
    current: IncentiveReviewOut | None
    days_overdue: int | None
    history: list[IncentiveReviewOut]


class IncentiveDueParams(Schema):
    within_days: int = Field(0, ge=0, le=366, description="also list reviews due within this many days")
    site: str | None = Field(None, max_length=20, description="only this facility (its code)")


class IncentiveDueOut(Schema):
    review: IncentiveReviewOut
    overdue: bool
    days_overdue: int


def level_out(level: IncentiveLevel) -> dict:
    return {
        "code": level.code,
        "name": level.name,
        "rank": level.rank,
        "spending_limit_pence": level.spending_limit_pence,
        "visits_per_month": level.visits_per_month,
        "privileges": list(level.privileges),
        "is_basic": level.is_basic,
        "is_default": level.is_default,
        "active": level.active,
    }


def review_out(review: IncentiveReview) -> dict:
    return {
        "id": str(review.public_id),
        "person_id": str(review.person.public_id),
        "facility": review.facility.code,
        "level": level_out(review.level),
        "previous_level": review.previous_level.code if review.previous_level else None,
        "outcome": review.outcome,
        "reviewed_on": review.reviewed_on,
        "reasons": review.reasons,
        "on_basic_since": review.on_basic_since,
        "next_review_on": review.next_review_on,
        "is_current": review.is_current,
        "reviewed_by": review.reviewed_by.username if review.reviewed_by else None,
        "recorded_at": review.recorded_at,
    }


@router.get(
    "/incentives/facilities/{site_id}/levels",
    response={200: list[IncentiveLevelOut], **ERRORS},
    summary="A facility's incentive levels, lowest first, with what each allows",
)
@api("rehabilitation.view")
def list_levels(request, site_id: str):
    return [level_out(level) for level in queries.levels_of(request.actor, site_id)[1]]


@router.put(
    "/incentives/facilities/{site_id}/levels/{code}",
    response={200: IncentiveLevelOut, 201: IncentiveLevelOut, **ERRORS},
    summary="Add a level (201) or change the level with this code (200)",
)
@api(services.MANAGE)
def save_level(request, site_id: str, code: str, payload: IncentiveLevelIn):
    change = services.save_level(request.actor, site_id=site_id, code=code, **payload.model_dump())
    return Status(201 if change.created else 200, level_out(change.level))


@router.post(
    "/incentives/facilities/{site_id}/default-levels",
    response={200: list[IncentiveLevelOut], **ERRORS},
    summary="Install OMS's example basic, standard and enhanced levels at a facility that has none",
)
@api(services.MANAGE)
def install_default_levels(request, site_id: str):
    services.install_default_levels(request.actor, site_id=site_id)
    return [level_out(level) for level in queries.levels_of(request.actor, site_id)[1]]


@router.get(
    "/incentives/people/{person_id}",
    response={200: IncentivePersonOut, **ERRORS},
    summary="A person's current incentive level and review history, newest first",
)
@api("rehabilitation.view")
def person_incentives(request, person_id: str):
    found = queries.incentives_of(request.actor, person_id)
    return {
        "person_id": str(found.person.public_id),
        "current": review_out(found.current) if found.current else None,
        "days_overdue": found.days_overdue,
        "history": [review_out(r) for r in found.history],
    }


@router.post(
    "/incentives/people/{person_id}/reviews",
    response={201: IncentiveReviewOut, **ERRORS},
    summary="Record an incentive review: the outcome and next review date are derived",
)
@api(services.REVIEW)
def record_review(request, person_id: str, payload: IncentiveReviewIn):
    review = services.record_review(request.actor, person_id=person_id, **payload.model_dump())
    return Status(201, review_out(review))


@router.get(
    "/incentives/due",
    response={200: list[IncentiveDueOut], **ERRORS},
    summary="Incentive reviews overdue (or due within the days given), most overdue first",
)
@api("rehabilitation.view")
def reviews_due(request, params: Query[IncentiveDueParams]):
    due = queries.reviews_due(request.actor, within_days=params.within_days, site_code=params.site)
    return [{"review": review_out(d.review), "overdue": d.overdue, "days_overdue": d.days_overdue} for d in due]
