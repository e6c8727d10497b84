"""Case plan services: opening, goals, actions, reviews, the person's words, closing; every change a new
version with a snapshot and one audit event; stale versions refused; the permission matrix; bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.rehabilitation.models import CasePlan, CasePlanVersion, PlanAction, PlanGoal
from oms.rehabilitation.services import plans as services
from tests.factories import actor_of
from tests.rehabilitation.factories import make_programme
from tests.rehabilitation.plans.conftest import current_version

pytestmark = pytest.mark.django_db


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_opening_a_plan_saves_version_one_and_audits(casey, casey_actor, person):
    plan = services.open_plan(
        casey_actor, person_id=person.public_id, persons_words="I want to stay off drugs", next_review_on=None
    )
    assert plan.version == 1 and plan.owner == casey and plan.status == "active"
    version = CasePlanVersion.objects.get(plan=plan)
    assert version.number == 1 and version.change == "Plan opened"
    assert version.snapshot["persons_words"] == "I want to stay off drugs" and version.snapshot["goals"] == []
    (event,) = events("rehabilitation.case_plan_opened")
    assert event.subject_person_id == person.pk and event.actor_username == "casey"


def test_a_second_plan_for_the_same_person_is_refused(casey_actor, plan, person):
    with pytest.raises(Conflict) as refused:
        services.open_plan(casey_actor, person_id=person.public_id)
    assert refused.value.code == "rehabilitation.plan_exists"


def test_goals_actions_and_every_change_make_a_version(casey_actor, plan, goal, action):
    assert current_version(plan) == 3
    changed = services.change_action(
        casey_actor, action_id=action.public_id, version=3, changes={"status": "done", "owner_name": "Ms Patel"}
    )
    assert changed.completed_on == dt.date(2026, 6, 1)
    numbers = list(CasePlanVersion.objects.filter(plan=plan).values_list("number", "change"))
    assert [n for n, _ in numbers] == [4, 3, 2, 1]
    assert numbers[0][1] == "Action changed: Book a careers interview"
    snapshot = CasePlanVersion.objects.get(plan=plan, number=4).snapshot
    (saved_goal,) = snapshot["goals"]
    assert saved_goal["title"] == "Find work on release"
    assert saved_goal["actions"][0] | {"id": None} == {
        "id": None,
        "description": "Book a careers interview",
        "owner_kind": "case_manager",
        "owner_name": "Ms Patel",
        "target_on": "2026-06-15",
        "status": "done",
        "programme": None,
        "completed_on": "2026-06-01",
    }
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="rehabilitation.case_plan_")] == [
        "rehabilitation.case_plan_opened",
        "rehabilitation.case_plan_goal_added",
        "rehabilitation.case_plan_action_added",
        "rehabilitation.case_plan_action_changed",
    ]


def test_a_stale_version_is_a_conflict_and_changes_nothing(casey_actor, plan, goal):
    with pytest.raises(Conflict) as stale:
        services.add_goal(casey_actor, plan_id=plan.public_id, version=1, title="Another goal")
    assert stale.value.code == "rehabilitation.plan_version_conflict" and stale.value.field == "version"
    assert PlanGoal.objects.count() == 1 and current_version(plan) == 2


def test_an_action_may_name_a_programme_as_the_intervention(casey_actor, prison_a, goal):
    programme = make_programme(prison_a)
    action = services.add_action(
        casey_actor,
        goal_id=goal.public_id,
        version=current_version(goal),
        description="Attend the thinking skills programme",
        owner_kind="programmes",
        programme_id=str(programme.public_id),
    )
    assert action.programme == programme
    removed = services.change_action(
        casey_actor, action_id=action.public_id, version=current_version(goal), changes={"programme_id": None}
    )
    assert removed.programme is None


def test_a_programme_out_of_reach_is_not_found(casey_actor, prison_b, goal):
    programme = make_programme(prison_b, code="FAR")
    with pytest.raises(NotFound) as missing:
        services.add_action(
            casey_actor,
            goal_id=goal.public_id,
            version=current_version(goal),
            description="Far away",
            programme_id=programme.public_id,
        )
    assert missing.value.field == "programme_id"


def test_closing_and_reopening_a_goal(casey_actor, goal):
    closed = services.close_goal(
        casey_actor, goal_id=goal.public_id, version=current_version(goal), status="achieved", reason="Job offer"
    )
    assert closed.status == "achieved"
    with pytest.raises(Conflict):
        services.add_action(casey_actor, goal_id=goal.public_id, version=current_version(goal), description="More")
    with pytest.raises(Conflict):
        services.close_goal(casey_actor, goal_id=goal.public_id, version=current_version(goal), status="withdrawn")
    reopened = services.change_goal(
        casey_actor, goal_id=goal.public_id, version=current_version(goal), changes={"status": "open"}
    )
    assert reopened.status == "open"
    (event,) = events("rehabilitation.case_plan_goal_closed")
    assert event.reason == "Job offer"


def test_a_review_sets_the_next_review_date_of_the_plan(casey_actor, plan):
    review = services.record_review(
        casey_actor,
        plan_id=plan.public_id,
        version=plan.version,
        held_on=dt.date(2026, 5, 28),
        attendees="Daniel Okafor (the person)\n  Casey (case manager)\n\nDaniel Okafor (the person)",
        summary="Good progress on the education goal.",
        persons_words="I am doing the maths course.",
        next_review_on=dt.date(2026, 8, 28),
    )
    assert review.attendees == ["Daniel Okafor (the person)", "Casey (case manager)"]
    plan.refresh_from_db()
    assert plan.next_review_on == dt.date(2026, 8, 28) and plan.version == 2
    saved = CasePlanVersion.objects.get(plan=plan, number=2)
    assert saved.change == "Review held 28 May 2026; next review 28 Aug 2026"
    assert saved.snapshot["reviews"][0]["persons_words"] == "I am doing the maths course."


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"held_on": dt.date(2026, 6, 2)}, "held_on", "rehabilitation.review_in_future"),
        ({"next_review_on": dt.date(2026, 5, 1)}, "next_review_on", "rehabilitation.next_review_too_early"),
        ({"attendees": []}, "attendees", "rehabilitation.no_attendees"),
        ({"attendees": ["x" * 201]}, "attendees", "rehabilitation.attendee_too_long"),
        ({"summary": "  "}, "summary", "rehabilitation.missing"),
        ({"summary": "x" * 5001}, "summary", "rehabilitation.too_long"),
    ],
)
def test_bad_reviews_are_refused_naming_the_field(casey_actor, plan, fields, field, code):
    values = {
        "held_on": dt.date(2026, 5, 28),
        "attendees": ["Daniel Okafor"],
        "summary": "Reviewed",
        "next_review_on": dt.date(2026, 8, 28),
        **fields,
    }
    with pytest.raises(RuleViolation) as refused:
        services.record_review(casey_actor, plan_id=plan.public_id, version=plan.version, **values)
    assert (refused.value.field, refused.value.code) == (field, code)
    assert current_version(plan) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"description": ""}, "description"),
        ({"owner_kind": "wizard"}, "owner_kind"),
        ({"status": "maybe"}, "status"),
        ({"owner_name": "x" * 201}, "owner_name"),
    ],
)
def test_bad_actions_are_refused_naming_the_field(casey_actor, goal, fields, field):
    values = {"description": "Do a thing", **fields}
    with pytest.raises(RuleViolation) as refused:
        services.add_action(casey_actor, goal_id=goal.public_id, version=current_version(goal), **values)
    assert refused.value.field == field
    assert not PlanAction.objects.exists()


def test_unknown_goal_need_and_fields_are_refused(casey_actor, plan, goal):
    with pytest.raises(RuleViolation) as need:
        services.add_goal(casey_actor, plan_id=plan.public_id, version=current_version(plan), title="x", need="luck")
    assert need.value.field == "need"
    with pytest.raises(RuleViolation) as field:
        services.change_goal(
            casey_actor, goal_id=goal.public_id, version=current_version(plan), changes={"need_level": "severe"}
        )
    assert field.value.field == "need_level"
    with pytest.raises(RuleViolation):
        services.change_goal(
            casey_actor, goal_id=goal.public_id, version=current_version(plan), changes={"status": "achieved"}
        )


def test_the_persons_words_and_closing_and_reopening_the_plan(casey_actor, plan, person):
    updated = services.update_persons_words(
        casey_actor, plan_id=plan.public_id, version=1, persons_words="I want to see my kids again."
    )
    assert updated.persons_words == "I want to see my kids again." and updated.version == 2
    (event,) = events("rehabilitation.case_plan_persons_words_updated")
    assert "kids" not in str(event.details)
    with pytest.raises(RuleViolation) as no_reason:
        services.close_plan(casey_actor, plan_id=plan.public_id, version=2, reason=" ")
    assert no_reason.value.field == "reason"
    closed = services.close_plan(casey_actor, plan_id=plan.public_id, version=2, reason="Released")
    assert closed.status == "closed" and closed.closed_reason == "Released"
    with pytest.raises(Conflict) as is_closed:
        services.add_goal(casey_actor, plan_id=plan.public_id, version=3, title="Too late")
    assert is_closed.value.code == "rehabilitation.plan_closed"
    reopened = services.open_plan(casey_actor, person_id=person.public_id)
    assert reopened.pk == plan.pk and reopened.status == "active" and reopened.version == 4
    assert CasePlan.objects.count() == 1


# --- the permission matrix ---------------------------------------------------------------------


def test_frank_manages_plans_for_his_office(frank_actor, probation_person):
    plan = services.open_plan(frank_actor, person_id=probation_person.public_id)
    goal = services.add_goal(frank_actor, plan_id=plan.public_id, version=1, title="Keep appointments")
    assert goal.plan == plan


def test_charlie_may_not_change_plans(charlie, person, plan, goal):
    charlie_actor = actor_of(charlie)
    calls = [
        lambda: services.open_plan(charlie_actor, person_id=person.public_id),
        lambda: services.add_goal(charlie_actor, plan_id=plan.public_id, version=2, title="x"),
        lambda: services.add_action(charlie_actor, goal_id=goal.public_id, version=2, description="x"),
        lambda: services.close_goal(charlie_actor, goal_id=goal.public_id, version=2, status="achieved"),
        lambda: services.record_review(
            charlie_actor, plan_id=plan.public_id, version=2, held_on=dt.date(2026, 6, 1), attendees=["x"], summary="x"
        ),
        lambda: services.update_persons_words(charlie_actor, plan_id=plan.public_id, version=2, persons_words="x"),
        lambda: services.close_plan(charlie_actor, plan_id=plan.public_id, version=2, reason="x"),
        lambda: services.update_goals_from_needs(charlie_actor, plan_id=plan.public_id, version=2),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert current_version(plan) == 2


@pytest.mark.parametrize("who", ["bob", "frank"])
def test_people_out_of_scope_are_not_found(request, who, person, plan, goal, action):
    outsider = actor_of(request.getfixturevalue(who))
    if who == "bob":
        # Bob may not manage plans at all (records officer): the permission check comes first.
        with pytest.raises(PermissionDenied):
            services.add_goal(outsider, plan_id=plan.public_id, version=3, title="x")
        return
    calls = [
        lambda: services.open_plan(outsider, person_id=person.public_id),
        lambda: services.add_goal(outsider, plan_id=plan.public_id, version=3, title="x"),
        lambda: services.add_action(outsider, goal_id=goal.public_id, version=3, description="x"),
        lambda: services.change_action(outsider, action_id=action.public_id, version=3, changes={"status": "done"}),
        lambda: services.close_plan(outsider, plan_id=plan.public_id, version=3, reason="x"),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()


def test_another_area_marks_an_action_done_as_a_plan_change(charlie, plan, action):
    # Programme completion (recorded by a facilitator without manage_plans) closes the action it came from.
    done = services.mark_action_done_as_consequence(
        actor_of(charlie),
        action_pk=action.pk,
        completed_on=dt.date(2026, 5, 29),
        because="programme completed",
        details={"allocation_id": "x"},
    )
    assert done.status == "done" and done.completed_on == dt.date(2026, 5, 29)
    latest = CasePlanVersion.objects.filter(plan=plan).first()
    assert latest.number == 4 and latest.change == "Action done (programme completed): Book a careers interview"
    (event,) = events("rehabilitation.case_plan_action_changed")
    assert event.details["trigger"] == "programme completed" and event.actor_username == "charlie"
    assert (
        services.mark_action_done_as_consequence(
            actor_of(charlie), action_pk=action.pk, completed_on=dt.date(2026, 5, 29), because="again"
        )
        is None
    )
