"""Case plan fixtures: actors for the personas, a plan with one goal and action, and a completed
criminogenic-needs assessment made through the real assessment services."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.assessment.services import assessments as assessment_services
from oms.rehabilitation.rules.plans import NEED_GOALS
from oms.rehabilitation.services import plans as services
from tests.factories import actor_of


def complete_needs_assessment(actor, person, **ratings):
    """Start, answer and complete a criminogenic-needs assessment: every need ``no_need`` unless rated."""
    answers = {need: ratings.get(need, "no_need") for need in NEED_GOALS}
    draft = assessment_services.start_assessment(
        actor, person_id=person.public_id, instrument="criminogenic-needs", answers=answers
    )
    return assessment_services.complete_assessment(actor, assessment_id=draft.public_id, version=draft.version)


@pytest.fixture
def casey_actor(casey):
    return actor_of(casey)


@pytest.fixture
def frank_actor(frank):
    return actor_of(frank)


@pytest.fixture
def plan(casey_actor, person):
    return services.open_plan(casey_actor, person_id=person.public_id, next_review_on=dt.date(2026, 7, 1))


@pytest.fixture
def goal(casey_actor, plan):
    return services.add_goal(casey_actor, plan_id=plan.public_id, version=plan.version, title="Find work on release")


@pytest.fixture
def action(casey_actor, goal):
    return services.add_action(
        casey_actor,
        goal_id=goal.public_id,
        version=current_version(goal),
        description="Book a careers interview",
        target_on=dt.date(2026, 6, 15),
    )


def current_version(row) -> int:
    """The plan's version now (a goal's or action's plan, or the plan itself)."""
    from oms.rehabilitation.models import CasePlan

    plan_pk = getattr(row, "plan_id", None) or getattr(getattr(row, "goal", None), "plan_id", None) or row.pk
    return CasePlan.objects.get(pk=plan_pk).version
