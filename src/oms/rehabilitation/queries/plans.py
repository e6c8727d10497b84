"""Reading case plans: a person's plan with its goals, actions and reviews, its version history, one
saved version, and the overdue actions and reviews of the actor's caseload.

Every read goes through the person: a plan whose person the actor cannot reach answers NotFound,
exactly like a missing one (security.md AZ-3). The ``find_*`` functions are for services (no
permission check, no audit, optional row lock); the ``get_*``/``list_*`` ones check
rehabilitation.view, and reads of one person's plan are audited as ``rehabilitation.case_plan_viewed``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch

from oms.assessment.models import Assessment
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import NotFound, RuleViolation
from oms.people.models import Person
from oms.people.queries.records import find_person, one_in_scope, rows_in_scope
from oms.rehabilitation.models import CasePlan, CasePlanVersion, PlanAction, PlanGoal, PlanReview
from oms.rehabilitation.rules import plans as rules

VIEW = "rehabilitation.view"
OVERDUE_SORTS = ("urgency", "person", "due")
MAX_WITHIN_DAYS = 366
OVERDUE_LIMIT = 1000  # a caseload list, not an export: the most urgent first


def find_plan(actor: Actor, public_id, *, for_update: bool = False) -> CasePlan:
    return one_in_scope(
        actor,
        CasePlan.objects.select_related("person"),
        public_id,
        person_path="person",
        code="rehabilitation.plan_not_found",
        for_update=for_update,
    )


def find_goal(actor: Actor, public_id) -> PlanGoal:
    return one_in_scope(
        actor,
        PlanGoal.objects.select_related("plan__person"),
        public_id,
        person_path="plan__person",
        code="rehabilitation.goal_not_found",
        for_update=False,
    )


def find_action(actor: Actor, public_id) -> PlanAction:
    return one_in_scope(
        actor,
        PlanAction.objects.select_related("goal__plan__person", "programme"),
        public_id,
        person_path="goal__plan__person",
        code="rehabilitation.action_not_found",
        for_update=False,
    )


def plan_of(person: Person) -> CasePlan | None:
    """The person's plan (open or closed) with goals, their actions and the reviews loaded."""
    return (
        CasePlan.objects.select_related("person", "owner", "needs_assessment")
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=PlanGoal.objects.prefetch_related(
                    Prefetch("actions", queryset=PlanAction.objects.select_related("programme"))
                ),
            ),
            Prefetch("reviews", queryset=PlanReview.objects.select_related("recorded_by")),
        )
        .filter(person=person)
        .first()
    )


def latest_needs_assessment(person: Person) -> Assessment | None:
    """The person's current completed criminogenic-needs assessment, if any."""
    return (
        Assessment.objects.filter(
            person=person,
            instrument_code=rules.NEEDS_INSTRUMENT,
            is_current=True,
            status__in=(Assessment.Status.COMPLETED, Assessment.Status.COUNTERSIGNED),
        )
        .order_by("-completed_at", "-id")
        .first()
    )


def _audit_view(actor: Actor, plan: CasePlan | None, person: Person, **details) -> None:
    record_event(
        actor,
        "rehabilitation.case_plan_viewed",
        object_type="case_plan" if plan else "person",
        object_id=plan.public_id if plan else person.public_id,
        subject_person_id=person.pk,
        details=details,
    )


@dataclass
class PersonPlan:
    person: Person
    plan: CasePlan | None  # None when no plan has been opened yet
    latest_needs_assessment: Assessment | None

    @property
    def newer_needs_assessment(self) -> bool:
        """A needs assessment the plan's goals were not yet derived from."""
        latest = self.latest_needs_assessment
        return bool(self.plan and latest and self.plan.needs_assessment_id != latest.pk)


def person_plan(actor: Actor, person_id) -> PersonPlan:
    """The person's plan, or none yet (rehabilitation.view; person in scope, else NotFound); audited
    as ``rehabilitation.case_plan_viewed``."""
    actor.require(VIEW)
    person = find_person(actor, person_id)
    plan = plan_of(person)
    _audit_view(actor, plan, person)
    return PersonPlan(person=person, plan=plan, latest_needs_assessment=latest_needs_assessment(person))


def get_plan_of_person(actor: Actor, person_id) -> CasePlan:
    """The person's plan (rehabilitation.view); NotFound when they have none."""
    found = person_plan(actor, person_id)
    if found.plan is None:
        raise NotFound("This person has no case plan.", code="rehabilitation.plan_not_found")
    return found.plan


def get_plan(actor: Actor, plan_id) -> CasePlan:
    """One plan by its public id (rehabilitation.view); audited as ``rehabilitation.case_plan_viewed``."""
    actor.require(VIEW)
    found = find_plan(actor, plan_id)
    plan = plan_of(found.person)
    _audit_view(actor, plan, found.person)
    return plan


def list_versions(actor: Actor, plan_id) -> tuple[CasePlan, list[CasePlanVersion]]:
    """The plan's saved versions, newest first (rehabilitation.view); audited as a plan view."""
    actor.require(VIEW)
    plan = find_plan(actor, plan_id)
    versions = list(
        CasePlanVersion.objects.filter(plan=plan).select_related("changed_by").defer("snapshot").order_by("-number")
    )
    _audit_view(actor, plan, plan.person, history=True)
    return plan, versions


def get_version(actor: Actor, plan_id, number: int) -> tuple[CasePlan, CasePlanVersion]:
    """One saved version of the plan (rehabilitation.view); audited as a plan view."""
    actor.require(VIEW)
    plan = find_plan(actor, plan_id)
    # Out-of-range numbers name no version (and would overflow the integer column on PostgreSQL).
    in_range = isinstance(number, int) and 1 <= number <= 2_000_000_000
    version = (
        CasePlanVersion.objects.filter(plan=plan, number=number).select_related("changed_by").first()
        if in_range
        else None
    )
    if version is None:
        raise NotFound("The plan has no such version.", code="rehabilitation.plan_version_not_found")
    _audit_view(actor, plan, plan.person, version=number)
    return plan, version


# --- the whole plan as saved in each version ------------------------------------------------------


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _programme_snapshot(action: PlanAction) -> dict | None:
    if not action.programme_id:
        return None
    programme = action.programme
    return {"id": str(programme.public_id), "code": programme.code, "title": programme.title}


def plan_snapshot(plan: CasePlan) -> dict:
    """The whole plan as plain JSON values (read fresh from the database), for its version history."""
    fresh = plan_of(plan.person)
    assert fresh is not None
    return {
        "status": fresh.status,
        "version": fresh.version,
        "persons_words": fresh.persons_words,
        "next_review_on": _day(fresh.next_review_on),
        "owner": fresh.owner.get_username() if fresh.owner_id else "",
        "needs_assessment_id": str(fresh.needs_assessment.public_id) if fresh.needs_assessment_id else None,
        "closed_reason": fresh.closed_reason,
        "goals": [
            {
                "id": str(goal.public_id),
                "need": goal.need,
                "need_level": goal.need_level,
                "title": goal.title,
                "description": goal.description,
                "status": goal.status,
                "actions": [
                    {
                        "id": str(action.public_id),
                        "description": action.description,
                        "owner_kind": action.owner_kind,
                        "owner_name": action.owner_name,
                        "target_on": _day(action.target_on),
                        "status": action.status,
                        "programme": _programme_snapshot(action),
                        "completed_on": _day(action.completed_on),
                    }
                    for action in goal.actions.all()
                ],
            }
            for goal in fresh.goals.all()
        ],
        "reviews": [
            {
                "id": str(review.public_id),
                "held_on": _day(review.held_on),
                "attendees": list(review.attendees),
                "summary": review.summary,
                "persons_words": review.persons_words,
                "next_review_on": _day(review.next_review_on),
                "recorded_by": review.recorded_by.get_username() if review.recorded_by_id else "system",
            }
            for review in fresh.reviews.all()
        ],
    }


# --- overdue per caseload --------------------------------------------------------------------------


@dataclass(frozen=True)
class DueItem:
    kind: str  # "action" or "review"
    person: Person
    plan_public_id: str
    due_on: dt.date
    days_overdue: int  # negative: days still to go (a review due soon)
    description: str
    owner: str
    goal_title: str = ""
    action_public_id: str = ""

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue > 0


def due_for_caseload(actor: Actor, *, within_days: int = 0, sort: str = "urgency") -> list[DueItem]:
    """Actions of active plans past their target date and not done or cancelled, and active plans whose
    next review is past or due within ``within_days`` days, for the people the actor can reach
    (rehabilitation.view). Sorted by urgency (most overdue first), by person, or by due date. Not
    audited per person: a worklist of dates, like the other "due" lists."""
    actor.require(VIEW)
    if sort not in OVERDUE_SORTS:
        raise RuleViolation(f"Sort by one of {', '.join(OVERDUE_SORTS)}", code="rehabilitation.bad_sort", field="sort")
    if not 0 <= within_days <= MAX_WITHIN_DAYS:
        raise RuleViolation(
            f"Within days must be between 0 and {MAX_WITHIN_DAYS}",
            code="rehabilitation.bad_within",
            field="within_days",
        )
    today = clock.today()
    actions = rows_in_scope(
        actor,
        PlanAction.objects.filter(
            goal__plan__status=CasePlan.Status.ACTIVE,
            goal__status=PlanGoal.Status.OPEN,
            target_on__lt=today,
        )
        .exclude(status__in=rules.ACTION_CLOSED_STATUSES)
        .select_related("goal__plan__person"),
        "goal__plan__person",
    ).order_by("target_on", "id")[:OVERDUE_LIMIT]
    plans = rows_in_scope(
        actor,
        CasePlan.objects.filter(
            status=CasePlan.Status.ACTIVE, next_review_on__lte=today + dt.timedelta(days=within_days)
        ).select_related("person", "owner"),
        "person",
    ).order_by("next_review_on", "id")[:OVERDUE_LIMIT]
    items = [
        DueItem(
            kind="action",
            person=action.goal.plan.person,
            plan_public_id=str(action.goal.plan.public_id),
            due_on=action.target_on,
            days_overdue=rules.days_overdue(action.target_on, today),
            description=action.description,
            owner=action.owner_name or action.get_owner_kind_display(),
            goal_title=action.goal.title,
            action_public_id=str(action.public_id),
        )
        for action in actions
    ]
    items += [
        DueItem(
            kind="review",
            person=plan.person,
            plan_public_id=str(plan.public_id),
            due_on=plan.next_review_on,
            days_overdue=rules.days_overdue(plan.next_review_on, today),
            description="Plan review",
            owner=plan.owner.get_full_name() or plan.owner.get_username() if plan.owner_id else "",
        )
        for plan in plans
    ]
    if sort == "person":
        items.sort(key=lambda i: (i.person.family_name.lower(), i.person.given_name.lower(), i.due_on))
    elif sort == "due":
        items.sort(key=lambda i: (i.due_on, i.kind != "review"))
    else:
        items.sort(key=lambda i: rules.urgency_key(i.due_on, today, i.kind))
    return items[:OVERDUE_LIMIT]
