"""The case plan pages with the Django test client: the plan page (no plan yet, open, goals and actions,
reviews, words), the add and change forms with their GOV.UK errors, the history and one version, the
caseload due page, the profile link; 403/404."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

from oms.people.queries import register_profile_links, unregister_profile_links
from oms.rehabilitation.models import CasePlan, PlanAction, PlanGoal
from oms.rehabilitation.services import plans as services
from oms.rehabilitation.views.plans import plan_profile_links
from tests.factories import login_verified
from tests.rehabilitation.factories import make_programme
from tests.rehabilitation.plans.conftest import current_version

pytestmark = pytest.mark.django_db
registry = importlib.import_module("oms.people.queries.profile_links")


def date_fields(prefix: str, value: dt.date) -> dict:
    return {f"{prefix}_day": value.day, f"{prefix}_month": value.month, f"{prefix}_year": value.year}


@pytest.fixture
def as_casey(client, casey):
    return login_verified(client, casey)


def test_a_person_without_a_plan_can_have_one_opened(as_casey, person):
    url = f"/rehabilitation/people/{person.public_id}/plan/"
    page = as_casey.get(url)
    assert page.status_code == 200 and "has no case plan yet" in page.content.decode()
    opened = as_casey.post(
        f"{url}open/", {"persons_words": "I want to get clean", **date_fields("next_review_on", dt.date(2026, 7, 1))}
    )
    assert opened.status_code == 302 and opened["Location"] == url
    plan = CasePlan.objects.get(person=person)
    assert plan.persons_words == "I want to get clean" and plan.next_review_on == dt.date(2026, 7, 1)
    shown = as_casey.get(url).content.decode()
    assert "I want to get clean" in shown and "1 July 2026" in shown


def test_the_plan_page_shows_goals_actions_and_reviews(as_casey, casey_actor, plan, goal, action, prison_a):
    services.record_review(
        casey_actor,
        plan_id=plan.public_id,
        version=current_version(plan),
        held_on=dt.date(2026, 5, 30),
        attendees=["Daniel Okafor (the person)"],
        summary="Keen to start work",
        next_review_on=dt.date(2026, 8, 30),
    )
    page = as_casey.get(f"/rehabilitation/people/{plan.person.public_id}/plan/").content.decode()
    for text in ("Find work on release", "Book a careers interview", "15 Jun 2026", "Keen to start work", "Add a goal"):
        assert text in page
    assert f"/rehabilitation/plan-actions/{action.public_id}/change/" in page


def test_adding_a_goal_and_an_action_through_the_forms(as_casey, plan, prison_a):
    programme = make_programme(prison_a)
    added = as_casey.post(
        f"/rehabilitation/plans/{plan.public_id}/goals/new/",
        {"title": "Stay off drugs", "description": "", "need": "drugs", "version": 1},
    )
    assert added.status_code == 302
    goal = PlanGoal.objects.get(plan=plan)
    form = as_casey.get(f"/rehabilitation/plan-goals/{goal.public_id}/actions/new/").content.decode()
    assert "Thinking Skills Programme (TSP, Prison A)" in form
    posted = as_casey.post(
        f"/rehabilitation/plan-goals/{goal.public_id}/actions/new/",
        {
            "description": "Attend TSP",
            "owner_kind": "programmes",
            "owner_name": "",
            "status": "not_started",
            "programme_id": str(programme.public_id),
            "version": 2,
            **date_fields("target_on", dt.date(2026, 7, 1)),
        },
    )
    assert posted.status_code == 302, posted.content.decode()
    assert PlanAction.objects.get().programme == programme


def test_form_errors_are_shown_and_nothing_is_lost(as_casey, plan, goal):
    empty = as_casey.post(f"/rehabilitation/plans/{plan.public_id}/goals/new/", {"version": 2, "description": "kept"})
    assert empty.status_code == 422
    body = empty.content.decode()
    assert "Enter the goal" in body and "govuk-error-summary" in body and "kept" in body
    stale = as_casey.post(
        f"/rehabilitation/plans/{plan.public_id}/goals/new/",
        {"title": "Late", "description": "", "need": "", "version": 1},
    )
    assert (
        stale.status_code == 422 and "reload it" in stale.content.decode() and 'value="Late"' in stale.content.decode()
    )
    review = as_casey.post(
        f"/rehabilitation/plans/{plan.public_id}/review/",
        {
            "attendees": "Daniel",
            "summary": "Fine",
            "version": 2,
            **date_fields("held_on", dt.date(2026, 6, 20)),
        },
    )
    assert review.status_code == 422 and "must be today or in the past" in review.content.decode()
    bad_date = as_casey.post(
        f"/rehabilitation/plans/{plan.public_id}/review/",
        {
            "attendees": "Daniel",
            "summary": "Fine",
            "version": 2,
            "held_on_day": "31",
            "held_on_month": "2",
            "held_on_year": "2026",
        },
    )
    assert bad_date.status_code == 422 and "must be a real date" in bad_date.content.decode()
    assert current_version(plan) == 2


def test_review_words_close_and_goals_from_needs_forms(as_casey, plan):
    reviewed = as_casey.post(
        f"/rehabilitation/plans/{plan.public_id}/review/",
        {
            "attendees": "Daniel Okafor\nCasey",
            "summary": "Good",
            "persons_words": "",
            "version": 1,
            **date_fields("held_on", dt.date(2026, 5, 31)),
            **date_fields("next_review_on", dt.date(2026, 9, 1)),
        },
    )
    assert reviewed.status_code == 302
    plan.refresh_from_db()
    assert plan.next_review_on == dt.date(2026, 9, 1)
    words = as_casey.post(
        f"/rehabilitation/plans/{plan.public_id}/persons-words/", {"persons_words": "Doing better", "version": 2}
    )
    assert words.status_code == 302
    no_needs = as_casey.post(f"/rehabilitation/plans/{plan.public_id}/goals-from-needs/", {"version": 3})
    assert no_needs.status_code == 422 and "no completed needs assessment" in no_needs.content.decode()
    closed = as_casey.post(f"/rehabilitation/plans/{plan.public_id}/close/", {"reason": "Released", "version": 3})
    assert closed.status_code == 302
    page = as_casey.get(f"/rehabilitation/people/{plan.person.public_id}/plan/").content.decode()
    assert "This plan is closed: Released" in page and "Reopen the plan" in page


def test_goal_change_close_and_action_change(as_casey, plan, goal, action):
    changed = as_casey.post(
        f"/rehabilitation/plan-goals/{goal.public_id}/change/", {"title": "Find work", "description": "", "version": 3}
    )
    assert changed.status_code == 302
    action_changed = as_casey.post(
        f"/rehabilitation/plan-actions/{action.public_id}/change/",
        {
            "description": "Careers interview",
            "owner_kind": "case_manager",
            "status": "done",
            "version": 4,
            "programme_id": "",
        },
    )
    assert action_changed.status_code == 302
    action.refresh_from_db()
    assert action.status == "done" and action.target_on is None
    closed = as_casey.post(f"/rehabilitation/plan-goals/{goal.public_id}/close/", {"status": "achieved", "version": 5})
    assert closed.status_code == 302
    goal.refresh_from_db()
    assert goal.status == "achieved"


def test_history_and_one_version(as_casey, plan, goal):
    history = as_casey.get(f"/rehabilitation/plans/{plan.public_id}/history/")
    body = history.content.decode()
    assert history.status_code == 200 and "Goal added: Find work on release" in body and "Plan opened" in body
    first = as_casey.get(f"/rehabilitation/plans/{plan.public_id}/history/1/")
    assert first.status_code == 200 and "No goals." in first.content.decode()
    second = as_casey.get(f"/rehabilitation/plans/{plan.public_id}/history/2/").content.decode()
    assert "Find work on release (Open)" in second
    assert as_casey.get(f"/rehabilitation/plans/{plan.public_id}/history/9/").status_code == 404


def test_the_caseload_due_page(as_casey, action, other_person, casey_actor):
    services.open_plan(casey_actor, person_id=other_person.public_id, next_review_on=dt.date(2026, 6, 10))
    page = as_casey.get("/rehabilitation/plans/due/")
    body = page.content.decode()
    assert page.status_code == 200
    # The action (due 15 June) is not yet overdue; only the review of 10 June falls within the default 14 days.
    assert "Book a careers interview" not in body and body.count("Plan review") == 1
    later = as_casey.get("/rehabilitation/plans/due/?within_days=60&sort=person").content.decode()
    assert later.count("Plan review") == 2
    bad = as_casey.get("/rehabilitation/plans/due/?within_days=abc")
    assert bad.status_code == 422 and "whole number" in bad.content.decode()


def test_permissions_on_pages(client, charlie, bob, plan, goal):
    charlie_client = login_verified(client, charlie)
    url = f"/rehabilitation/people/{plan.person.public_id}/plan/"
    page = charlie_client.get(url)
    assert page.status_code == 200 and "Add a goal" not in page.content.decode()
    assert charlie_client.get(f"/rehabilitation/plans/{plan.public_id}/goals/new/").status_code == 403
    assert charlie_client.post(f"/rehabilitation/plan-goals/{goal.public_id}/close/", {}).status_code == 403
    bob_client = login_verified(client, bob)
    assert bob_client.get(url).status_code == 404
    assert bob_client.get(f"/rehabilitation/plans/{plan.public_id}/history/").status_code == 404
    assert bob_client.get("/rehabilitation/people/not-an-id/plan/").status_code == 404


@pytest.fixture
def registered():
    already = plan_profile_links in registry._providers
    register_profile_links(plan_profile_links)
    yield
    if not already:
        unregister_profile_links(plan_profile_links)


def test_the_profile_links_to_the_case_plan(client, casey, person, registered):
    profile = login_verified(client, casey).get(f"/people/{person.public_id}/")
    assert profile.status_code == 200
    assert f'href="/rehabilitation/people/{person.public_id}/plan/"' in profile.content.decode()
