"""Case plans: a person's plan, its goals (derived from assessed needs), actions, reviews and version history;
overdue actions and reviews per caseload. Mounted under /api/v1/rehabilitation/plans, keyed by public ids.

Thin: parse, call one service or query, shape the answer. Every change takes the plan ``version`` read
(409 ``rehabilitation.plan_version_conflict`` when stale) and answers the whole plan with its new version.
A plan whose person is out of the caller's scope answers 404 like a missing one.
"""

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from oms.rehabilitation.models import CasePlan, CasePlanVersion, PlanAction, PlanGoal, PlanReview
from oms.rehabilitation.queries import plans as queries
from oms.rehabilitation.rules.plans import MAX_ATTENDEES, NEED_GOALS
from oms.rehabilitation.services import plans as services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router()

VIEW = "rehabilitation.view"
MANAGE = "rehabilitation.manage_plans"

OwnerKind = Literal[tuple(PlanAction.OwnerKind.values)]
ActionStatus = Literal[tuple(PlanAction.Status.values)]
Need = Literal[("", *NEED_GOALS)]
GoalClosing = Literal["achieved", "withdrawn"]
DueSort = Literal["urgency", "person", "due"]
Version = Field(..., ge=1, le=2_000_000_000, description="the plan version you read")


# --- schemas -------------------------------------------------------------------------------------


class CasePlanOpenIn(StrictIn):
    persons_words: str = Field("", max_length=5000)
    next_review_on: dt.date | None = None


class CasePlanVersionIn(StrictIn):
    version: int = Version


class CasePlanPersonsWordsIn(StrictIn):
    version: int = Version
    persons_words: str = Field(..., max_length=5000)


class CasePlanCloseIn(StrictIn):
    version: int = Version
    reason: str = Field(..., min_length=1, max_length=500)


class CasePlanGoalIn(StrictIn):
    version: int = Version
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=2000)
    need: Need = ""


class CasePlanGoalChangeIn(StrictIn):
    version: int = Version
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    status: Literal["open"] | None = Field(None, description="reopen a closed goal")


class CasePlanGoalCloseIn(StrictIn):
    version: int = Version
    status: GoalClosing
    reason: str = Field("", max_length=500)


class CasePlanActionIn(StrictIn):
    version: int = Version
    description: str = Field(..., min_length=1, max_length=500)
    owner_kind: OwnerKind = "case_manager"
    owner_name: str = Field("", max_length=200)
    target_on: dt.date | None = None
    status: ActionStatus = "not_started"
    programme_id: str | None = Field(None, max_length=40, description="the programme it refers the person to")


class CasePlanActionChangeIn(StrictIn):
    version: int = Version
    description: str | None = Field(None, min_length=1, max_length=500)
    owner_kind: OwnerKind | None = None
    owner_name: str | None = Field(None, max_length=200)
    target_on: dt.date | None = None
    status: ActionStatus | None = None
    programme_id: str | None = Field(None, max_length=40, description="null removes the programme")


class CasePlanReviewIn(StrictIn):
    version: int = Version
    held_on: dt.date
    attendees: list[str] = Field(..., min_length=1, max_length=MAX_ATTENDEES)
    summary: str = Field(..., min_length=1, max_length=5000)
    persons_words: str = Field("", max_length=5000)
    next_review_on: dt.date | None = None


class CasePlanProgrammeOut(Schema):
    id: str
    code: str
    title: str


class CasePlanActionOut(Schema):
    id: str
    description: str
    owner_kind: str
    owner_name: str
    target_on: dt.date | None
    status: str
    programme: CasePlanProgrammeOut | None
    completed_on: dt.date | None


class CasePlanGoalOut(Schema):
    id: str
    need: str
    need_level: str
    title: str
    description: str
    status: str
    actions: list[CasePlanActionOut]


class CasePlanReviewOut(Schema):
    id: str
    held_on: dt.date
    attendees: list[str]
    summary: str
    persons_words: str
    next_review_on: dt.date | None


class CasePlanOut(Schema):
    id: str
    person_id: str
    status: str
    version: int
    persons_words: str
    next_review_on: dt.date | None
    owner: str | None
    needs_assessment_id: str | None
    closed_reason: str
    goals: list[CasePlanGoalOut]
    reviews: list[CasePlanReviewOut]


class CasePlanVersionSummaryOut(Schema):
    number: int
    change: str
    changed_by: str | None
    changed_at: dt.datetime


class CasePlanVersionOut(CasePlanVersionSummaryOut):
    snapshot: dict


class CasePlanDueOut(Schema):
    kind: str
    person_id: str
    person_name: str
    system_number: str
    plan_id: str
    action_id: str | None
    goal_title: str
    description: str
    owner: str
    due_on: dt.date
    days_overdue: int


class CasePlanDueQuery(Schema):
    within_days: int = Field(0, ge=0, le=queries.MAX_WITHIN_DAYS, description="include reviews due this soon")
    sort: DueSort = "urgency"


# --- shaping -------------------------------------------------------------------------------------


def _action_out(action: PlanAction) -> dict:
    programme = action.programme
    return {
        "id": str(action.public_id),
        "description": action.description,
        "owner_kind": action.owner_kind,
        "owner_name": action.owner_name,
        "target_on": action.target_on,
        "status": action.status,
        "programme": (
            {"id": str(programme.public_id), "code": programme.code, "title": programme.title} if programme else None
        ),
        "completed_on": action.completed_on,
    }


def _goal_out(goal: PlanGoal) -> dict:
    return {
        "id": str(goal.public_id),
        "need": goal.need,
        "need_level": goal.need_level,
        "title": goal.title,
        "description": goal.description,
        "status": goal.status,
        "actions": [_action_out(a) for a in goal.actions.all()],
    }


def _review_out(review: PlanReview) -> dict:
    return {
        "id": str(review.public_id),
        "held_on": review.held_on,
        "attendees": list(review.attendees),
        "summary": review.summary,
        "persons_words": review.persons_words,
        "next_review_on": review.next_review_on,
    }


def plan_out(plan: CasePlan) -> dict:
    """The whole plan, read fresh (goals, actions and reviews loaded in a few queries)."""
    plan = queries.plan_of(plan.person)
    return {
        "id": str(plan.public_id),
        "person_id": str(plan.person.public_id),
        "status": plan.status,
        "version": plan.version,
        "persons_words": plan.persons_words,
        "next_review_on": plan.next_review_on,
        "owner": plan.owner.get_username() if plan.owner_id else None,
        "needs_assessment_id": str(plan.needs_assessment.public_id) if plan.needs_assessment_id else None,
        "closed_reason": plan.closed_reason,
        "goals": [_goal_out(g) for g in plan.goals.all()],
        "reviews": [_review_out(r) for r in plan.reviews.all()],
    }


def _version_out(version: CasePlanVersion, *, snapshot: bool) -> dict:
    shaped = {
        "number": version.number,
        "change": version.change,
        "changed_by": version.changed_by.get_username() if version.changed_by_id else None,
        "changed_at": version.changed_at,
    }
    if snapshot:
        shaped["snapshot"] = version.snapshot
    return shaped


# --- the caseload worklist (before /plans/{plan_id} so "overdue" is not taken for an id) -------------


@router.get(
    "/plans/overdue",
    response={200: list[CasePlanDueOut], **ERRORS},
    summary="Overdue actions and reviews due of the people you can reach, most urgent first",
)
@api(VIEW)
def plans_overdue(request, filters: Query[CasePlanDueQuery]):
    items = queries.due_for_caseload(request.actor, within_days=filters.within_days, sort=filters.sort)
    return [
        {
            "kind": item.kind,
            "person_id": str(item.person.public_id),
            "person_name": f"{item.person.family_name.upper()}, {item.person.given_name}",
            "system_number": item.person.system_number,
            "plan_id": item.plan_public_id,
            "action_id": item.action_public_id or None,
            "goal_title": item.goal_title,
            "description": item.description,
            "owner": item.owner,
            "due_on": item.due_on,
            "days_overdue": item.days_overdue,
        }
        for item in items
    ]


# --- plans ---------------------------------------------------------------------------------------


@router.get("/plans/people/{person_id}", response={200: CasePlanOut, **ERRORS}, summary="A person's case plan")
@api(VIEW)
def get_plan_of_person(request, person_id: str):
    return plan_out(queries.get_plan_of_person(request.actor, person_id))


@router.post(
    "/plans/people/{person_id}",
    response={201: CasePlanOut, **ERRORS},
    summary="Open a person's case plan (a closed one is reopened)",
)
@api(MANAGE)
def open_plan(request, person_id: str, payload: CasePlanOpenIn):
    return Status(201, plan_out(services.open_plan(request.actor, person_id=person_id, **payload.model_dump())))


@router.post(
    "/plans/goals/{goal_id}/actions",
    response={201: CasePlanOut, **ERRORS},
    summary="Add an action or intervention to a goal",
)
@api(MANAGE)
def add_action(request, goal_id: str, payload: CasePlanActionIn):
    action = services.add_action(request.actor, goal_id=goal_id, **payload.model_dump())
    return Status(201, plan_out(action.goal.plan))


@router.patch("/plans/goals/{goal_id}", response={200: CasePlanOut, **ERRORS}, summary="Change or reopen a goal")
@api(MANAGE)
def change_goal(request, goal_id: str, payload: CasePlanGoalChangeIn):
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    version = changes.pop("version")
    goal = services.change_goal(request.actor, goal_id=goal_id, version=version, changes=changes)
    return plan_out(goal.plan)


@router.post(
    "/plans/goals/{goal_id}/close",
    response={200: CasePlanOut, **ERRORS},
    summary="Close a goal as achieved or no longer needed",
)
@api(MANAGE)
def close_goal(request, goal_id: str, payload: CasePlanGoalCloseIn):
    return plan_out(services.close_goal(request.actor, goal_id=goal_id, **payload.model_dump()).plan)


@router.patch(
    "/plans/actions/{action_id}",
    response={200: CasePlanOut, **ERRORS},
    summary="Change an action: owner, target date, status (done sets the completion date), programme",
)
@api(MANAGE)
def change_action(request, action_id: str, payload: CasePlanActionChangeIn):
    nullable = {"target_on", "programme_id"}
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None or k in nullable}
    version = changes.pop("version")
    action = services.change_action(request.actor, action_id=action_id, version=version, changes=changes)
    return plan_out(action.goal.plan)


@router.get("/plans/{plan_id}", response={200: CasePlanOut, **ERRORS}, summary="One case plan")
@api(VIEW)
def get_plan(request, plan_id: str):
    return plan_out(queries.get_plan(request.actor, plan_id))


@router.post("/plans/{plan_id}/goals", response={201: CasePlanOut, **ERRORS}, summary="Add a goal")
@api(MANAGE)
def add_goal(request, plan_id: str, payload: CasePlanGoalIn):
    return Status(201, plan_out(services.add_goal(request.actor, plan_id=plan_id, **payload.model_dump()).plan))


@router.post(
    "/plans/{plan_id}/goals-from-needs",
    response={200: CasePlanOut, **ERRORS},
    summary="Add goals for the needs of the latest needs assessment that have no open goal",
)
@api(MANAGE)
def goals_from_needs(request, plan_id: str, payload: CasePlanVersionIn):
    services.update_goals_from_needs(request.actor, plan_id=plan_id, version=payload.version)
    return plan_out(queries.find_plan(request.actor, plan_id))


@router.post(
    "/plans/{plan_id}/reviews",
    response={201: CasePlanOut, **ERRORS},
    summary="Record a review (its next review date becomes the plan's)",
)
@api(MANAGE)
def record_review(request, plan_id: str, payload: CasePlanReviewIn):
    review = services.record_review(request.actor, plan_id=plan_id, **payload.model_dump())
    return Status(201, plan_out(review.plan))


@router.put("/plans/{plan_id}/persons-words", response={200: CasePlanOut, **ERRORS}, summary="The person's own words")
@api(MANAGE)
def update_persons_words(request, plan_id: str, payload: CasePlanPersonsWordsIn):
    return plan_out(services.update_persons_words(request.actor, plan_id=plan_id, **payload.model_dump()))


@router.post("/plans/{plan_id}/close", response={200: CasePlanOut, **ERRORS}, summary="Close the plan with a reason")
@api(MANAGE)
def close_plan(request, plan_id: str, payload: CasePlanCloseIn):
    return plan_out(services.close_plan(request.actor, plan_id=plan_id, **payload.model_dump()))


@router.get(
    "/plans/{plan_id}/versions",
    response={200: list[CasePlanVersionSummaryOut], **ERRORS},
    summary="The plan's versions, newest first",
)
@api(VIEW)
def list_versions(request, plan_id: str):
    _, versions = queries.list_versions(request.actor, plan_id)
    return [_version_out(v, snapshot=False) for v in versions]


@router.get(
    "/plans/{plan_id}/versions/{number}",
    response={200: CasePlanVersionOut, **ERRORS},
    summary="The whole plan as it stood at one version",
)
@api(VIEW)
def get_version(request, plan_id: str, number: int):
    _, version = queries.get_version(request.actor, plan_id, number)
    return _version_out(version, snapshot=True)
