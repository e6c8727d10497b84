"""Goals derived from assessed needs: the pure rule, and the plan opened and extended when a
criminogenic-needs assessment completes through the real assessment services."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from oms.assessment.services import assessments as assessment_services
from oms.audit.models import AuditEvent
from oms.core.errors import RuleViolation
from oms.rehabilitation.models import CasePlan, PlanGoal
from oms.rehabilitation.rules import plans as rules
from oms.rehabilitation.services import plans as services
from tests.factories import actor_of, make_user
from tests.rehabilitation.plans.conftest import complete_needs_assessment, current_version

# --- the rule ----------------------------------------------------------------------------------


def test_severe_needs_come_first_then_standard_in_instrument_order():
    answers = {"finance": "standard", "drugs": "severe", "accommodation": "standard", "attitudes": "severe"}
    goals = rules.suggested_goals(answers)
    assert [(g.need, g.level) for g in goals] == [
        ("drugs", "severe"),
        ("attitudes", "severe"),
        ("accommodation", "standard"),
        ("finance", "standard"),
    ]
    assert goals[0].title == "Reduce and stop drug misuse" and goals[0].first_action_owner == "health"


def test_no_need_unknown_items_and_odd_values_suggest_nothing():
    assert rules.suggested_goals({"finance": "no_need", "astrology": "severe", "drugs": None, "alcohol": 3}) == []


def test_needs_with_an_open_goal_are_not_suggested_again():
    suggestions = rules.suggested_goals({"drugs": "severe", "finance": "standard"})
    assert [s.need for s in rules.goals_to_add(suggestions, ["drugs"])] == ["finance"]


def test_every_need_of_the_instrument_has_goal_wording():
    from oms.assessment.services import instruments

    items = [item.code for item in instruments.catalogue().get("criminogenic-needs", 1).items]
    assert items == list(rules.NEED_GOALS)


# --- on completion -------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_completing_a_needs_assessment_opens_a_plan_with_goals(casey, person):
    assessment = complete_needs_assessment(actor_of(casey), person, drugs="severe", finance="standard")
    plan = CasePlan.objects.get(person=person)
    assert plan.needs_assessment == assessment and plan.version == 1 and plan.created_by == casey
    goals = list(plan.goals.all())
    assert [(g.need, g.need_level) for g in goals] == [("drugs", "severe"), ("finance", "standard")]
    first_actions = [(g.actions.get().owner_kind, g.actions.get().target_on) for g in goals]
    assert first_actions == [("health", dt.date(2026, 6, 15)), ("partner", dt.date(2026, 6, 29))]
    version = plan.versions.get()
    assert version.change == "Plan opened. Goals from the needs assessment of 01 Jun 2026: drugs, finance"
    event = AuditEvent.objects.get(action="rehabilitation.case_plan_opened")
    assert event.actor_username == "casey" and event.channel == "web"
    assert event.details["trigger"] == "assessment.assessment_completed"
    assert event.details["assessment_id"] == str(assessment.public_id)


def test_a_later_assessment_adds_only_needs_without_an_open_goal(casey, person):
    actor = actor_of(casey)
    complete_needs_assessment(actor, person, drugs="severe")
    plan = CasePlan.objects.get(person=person)
    drugs = plan.goals.get(need="drugs")
    services.change_goal(actor, goal_id=drugs.public_id, version=plan.version, changes={"title": "Stay clean"})
    later = complete_needs_assessment(actor, person, drugs="standard", alcohol="severe")
    plan.refresh_from_db()
    assert plan.needs_assessment == later
    assert sorted(plan.goals.values_list("need", "title")) == [
        ("alcohol", "Reduce harmful drinking"),
        ("drugs", "Stay clean"),
    ]
    # A need that dropped to no_need keeps its goal: staff decide when to close it.
    complete_needs_assessment(actor, person)
    assert plan.goals.filter(status=PlanGoal.Status.OPEN).count() == 2
    assert AuditEvent.objects.filter(action="rehabilitation.case_plan_goals_derived").count() == 2


def test_other_instruments_leave_plans_alone(casey, person):
    draft = assessment_services.start_assessment(actor_of(casey), person_id=person.public_id, instrument="tiering")
    assert draft.instrument_code == "tiering"
    assert not CasePlan.objects.exists()


def test_an_assessor_without_the_plan_permission_still_derives_goals(prison_a, person):
    # An assessor who may assess but not manage plans: the goals follow from the assessment they completed.
    assessor = actor_of(make_user("ada", roles=("case_manager",), sites=(prison_a,)))
    narrowed = dataclasses.replace(assessor, permissions=frozenset({"assessment.assess", "people.view"}))
    complete_needs_assessment(narrowed, person, thinking_behaviour="severe")
    assert CasePlan.objects.get(person=person).goals.get().need == "thinking_behaviour"


def test_a_closed_plan_is_reopened_by_a_new_needs_assessment(casey, person, plan):
    actor = actor_of(casey)
    services.close_plan(actor, plan_id=plan.public_id, version=plan.version, reason="Released")
    complete_needs_assessment(actor, person, accommodation="severe")
    plan.refresh_from_db()
    assert plan.status == "active" and plan.goals.get().need == "accommodation"
    assert AuditEvent.objects.filter(action="rehabilitation.case_plan_reopened").exists()


def test_update_goals_from_the_latest_needs_assessment(casey, person, plan):
    actor = actor_of(casey)
    with pytest.raises(RuleViolation) as none_yet:
        services.update_goals_from_needs(actor, plan_id=plan.public_id, version=plan.version)
    assert none_yet.value.code == "rehabilitation.no_needs_assessment"
    goal = services.add_goal(actor, plan_id=plan.public_id, version=plan.version, title="Housing", need="accommodation")
    # Derived straight away on completion; a staff-added goal for the same need stops a duplicate.
    complete_needs_assessment(actor, person, accommodation="standard", relationships="standard")
    assert sorted(CasePlan.objects.get(pk=plan.pk).goals.values_list("need", flat=True)) == [
        "accommodation",
        "relationships",
    ]
    services.close_goal(actor, goal_id=goal.public_id, version=current_version(plan), status="withdrawn")
    added = services.update_goals_from_needs(actor, plan_id=plan.public_id, version=current_version(plan))
    assert [g.need for g in added] == ["accommodation"]
    assert services.update_goals_from_needs(actor, plan_id=plan.public_id, version=current_version(plan)) == []
