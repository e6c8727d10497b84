"""Reading plans: the overdue list of a caseload (what counts, scope, sorting, the review window), the plan
read and its audit event, versions."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core.errors import NotFound, RuleViolation
from oms.rehabilitation.queries import plans as queries
from oms.rehabilitation.services import plans as services
from tests.factories import actor_of
from tests.rehabilitation.plans.conftest import current_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseload(casey_actor, person, other_person):
    """Daniel: one action 10 days overdue, one done, one cancelled, one on a closed goal, one not yet due;
    review due 1 July. Liam: review 3 days overdue, one action 1 day overdue."""
    daniel = services.open_plan(casey_actor, person_id=person.public_id, next_review_on=dt.date(2026, 7, 1))
    goal = services.add_goal(casey_actor, plan_id=daniel.public_id, version=1, title="Work")
    closed_goal = services.add_goal(casey_actor, plan_id=daniel.public_id, version=2, title="Old")

    def act(goal, description, target, status="not_started"):
        return services.add_action(
            casey_actor,
            goal_id=goal.public_id,
            version=current_version(goal),
            description=description,
            target_on=target,
            status=status,
        )

    act(goal, "Ten days late", dt.date(2026, 5, 22), "in_progress")
    act(goal, "Done already", dt.date(2026, 5, 1), "done")
    act(goal, "Cancelled", dt.date(2026, 5, 1), "cancelled")
    act(goal, "Next week", dt.date(2026, 6, 8))
    act(closed_goal, "On a closed goal", dt.date(2026, 5, 1))
    services.close_goal(casey_actor, goal_id=closed_goal.public_id, version=current_version(goal), status="withdrawn")
    liam = services.open_plan(casey_actor, person_id=other_person.public_id)
    services.record_review(
        casey_actor,
        plan_id=liam.public_id,
        version=1,
        held_on=dt.date(2026, 5, 1),
        attendees=["Liam Hughes"],
        summary="First review",
        next_review_on=dt.date(2026, 5, 29),
    )
    liam_goal = services.add_goal(casey_actor, plan_id=liam.public_id, version=2, title="Housing")
    act(liam_goal, "One day late", dt.date(2026, 5, 31))
    return daniel, liam


def test_overdue_lists_late_actions_and_reviews_most_urgent_first(casey, casey_actor, caseload):
    items = queries.due_for_caseload(casey_actor)
    assert [(i.kind, i.description, i.days_overdue) for i in items] == [
        ("action", "Ten days late", 10),
        ("review", "Plan review", 3),
        ("action", "One day late", 1),
    ]
    assert items[0].goal_title == "Work" and items[0].owner == "Case manager"
    assert items[1].owner == (casey.get_full_name() or "casey")


def test_the_review_window_and_other_sorts(casey_actor, caseload):
    within = queries.due_for_caseload(casey_actor, within_days=30, sort="due")
    assert [i.due_on for i in within] == sorted(i.due_on for i in within)
    assert ("review", -30) in [(i.kind, i.days_overdue) for i in within]
    by_person = queries.due_for_caseload(casey_actor, within_days=30, sort="person")
    assert [i.person.family_name for i in by_person] == ["Hughes", "Hughes", "Okafor", "Okafor"]
    with pytest.raises(RuleViolation):
        queries.due_for_caseload(casey_actor, sort="random")
    with pytest.raises(RuleViolation):
        queries.due_for_caseload(casey_actor, within_days=-1)


def test_closed_plans_and_other_sites_are_left_out(casey_actor, caseload, bob, frank):
    daniel, _ = caseload
    services.close_plan(casey_actor, plan_id=daniel.public_id, version=current_version(daniel), reason="Released")
    assert [i.person.family_name for i in queries.due_for_caseload(casey_actor)] == ["Hughes", "Hughes"]
    assert queries.due_for_caseload(actor_of(bob)) == []
    assert queries.due_for_caseload(actor_of(frank)) == []


def test_reading_a_plan_is_audited_and_scoped(casey_actor, plan, bob, person):
    found = queries.person_plan(casey_actor, person.public_id)
    assert found.plan == plan and not found.newer_needs_assessment
    assert AuditEvent.objects.filter(action="rehabilitation.case_plan_viewed", subject_person_id=person.pk).exists()
    with pytest.raises(NotFound):
        queries.person_plan(actor_of(bob), person.public_id)
    with pytest.raises(NotFound):
        queries.get_plan(actor_of(bob), plan.public_id)
    with pytest.raises(NotFound):
        queries.get_version(casey_actor, plan.public_id, 0)
    _, versions = queries.list_versions(casey_actor, plan.public_id)
    assert [v.number for v in versions] == [1]
