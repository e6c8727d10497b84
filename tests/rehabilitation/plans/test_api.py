"""The case plan API end to end: open, goal, action, review, words, history, overdue, close; stale versions
409; bad input 422 naming the field; 401/403/404."""

from __future__ import annotations

import pytest

from tests.people.test_api import bearer
from tests.rehabilitation.factories import make_programme

pytestmark = pytest.mark.django_db
BASE = "/api/v1/rehabilitation/plans"


def send(client, method, path, body, auth):
    return getattr(client, method)(f"{BASE}{path}", body, content_type="application/json", **auth)


def test_a_case_plan_through_the_api(client, casey, person, prison_a):
    auth = bearer(casey)
    opened = send(client, "post", f"/people/{person.public_id}", {"persons_words": "I want a job"}, auth)
    assert opened.status_code == 201, opened.content
    plan = opened.json()
    assert plan["version"] == 1 and plan["owner"] == "casey" and plan["goals"] == []
    plan_id = plan["id"]
    with_goal = send(
        client,
        "post",
        f"/{plan_id}/goals",
        {"version": 1, "title": "Find work", "need": "education_training_employment"},
        auth,
    )
    assert with_goal.status_code == 201, with_goal.content
    goal_id = with_goal.json()["goals"][0]["id"]
    programme = make_programme(prison_a)
    with_action = send(
        client,
        "post",
        f"/goals/{goal_id}/actions",
        {
            "version": 2,
            "description": "Careers interview",
            "owner_kind": "programmes",
            "target_on": "2026-05-20",
            "programme_id": str(programme.public_id),
        },
        auth,
    )
    assert with_action.status_code == 201, with_action.content
    action = with_action.json()["goals"][0]["actions"][0]
    assert action["programme"]["code"] == "TSP" and action["status"] == "not_started"
    reviewed = send(
        client,
        "post",
        f"/{plan_id}/reviews",
        {
            "version": 3,
            "held_on": "2026-05-30",
            "attendees": ["Daniel Okafor (the person)", "Casey (case manager)"],
            "summary": "Started well.",
            "next_review_on": "2026-05-31",
        },
        auth,
    )
    assert reviewed.status_code == 201, reviewed.content
    assert reviewed.json()["next_review_on"] == "2026-05-31" and reviewed.json()["version"] == 4
    overdue = client.get(f"{BASE}/overdue", **auth)
    assert overdue.status_code == 200
    assert [(i["kind"], i["days_overdue"]) for i in overdue.json()] == [("action", 12), ("review", 1)]
    done = send(client, "patch", f"/actions/{action['id']}", {"version": 4, "status": "done"}, auth)
    assert done.json()["goals"][0]["actions"][0]["completed_on"] == "2026-06-01"
    words = send(client, "put", f"/{plan_id}/persons-words", {"version": 5, "persons_words": "Got the interview"}, auth)
    assert words.json()["persons_words"] == "Got the interview"
    versions = client.get(f"{BASE}/{plan_id}/versions", **auth).json()
    assert [v["number"] for v in versions] == [6, 5, 4, 3, 2, 1]
    first = client.get(f"{BASE}/{plan_id}/versions/1", **auth).json()
    assert first["snapshot"]["persons_words"] == "I want a job" and first["change"] == "Plan opened"
    assert client.get(f"{BASE}/{plan_id}/versions/99", **auth).status_code == 404
    assert client.get(f"{BASE}/{plan_id}/versions/99999999999", **auth).status_code == 404
    goal_closed = send(client, "post", f"/goals/{goal_id}/close", {"version": 6, "status": "achieved"}, auth)
    assert goal_closed.json()["goals"][0]["status"] == "achieved"
    closed = send(client, "post", f"/{plan_id}/close", {"version": 7, "reason": "Released"}, auth)
    assert closed.json()["status"] == "closed"
    assert client.get(f"{BASE}/people/{person.public_id}", **auth).json()["closed_reason"] == "Released"


def test_a_stale_version_is_409(client, casey, person):
    auth = bearer(casey)
    plan_id = send(client, "post", f"/people/{person.public_id}", {}, auth).json()["id"]
    send(client, "post", f"/{plan_id}/goals", {"version": 1, "title": "One"}, auth)
    stale = send(client, "post", f"/{plan_id}/goals", {"version": 1, "title": "Two"}, auth)
    assert stale.status_code == 409
    assert stale.json() == {
        "code": "rehabilitation.plan_version_conflict",
        "detail": "Someone else changed this case plan since you read it: reload it and try again",
        "field": "version",
    }
    again = send(client, "post", f"/people/{person.public_id}", {}, auth)
    assert again.status_code == 409 and again.json()["code"] == "rehabilitation.plan_exists"


def test_bad_input_is_422_naming_the_field(client, casey, person):
    auth = bearer(casey)
    plan_id = send(client, "post", f"/people/{person.public_id}", {}, auth).json()["id"]
    bad_need = send(client, "post", f"/{plan_id}/goals", {"version": 1, "title": "x", "need": "luck"}, auth)
    assert bad_need.status_code == 422 and "need" in bad_need.json()["field"]
    extra = send(client, "post", f"/{plan_id}/goals", {"version": 1, "title": "x", "owner": "me"}, auth)
    assert extra.status_code == 422
    future = send(
        client,
        "post",
        f"/{plan_id}/reviews",
        {"version": 1, "held_on": "2027-01-01", "attendees": ["A"], "summary": "x"},
        auth,
    )
    assert future.status_code == 422 and future.json()["field"] == "held_on"
    blank = send(client, "post", f"/{plan_id}/goals", {"version": 1, "title": "   "}, auth)
    assert blank.status_code == 422 and blank.json()["field"] == "title"
    bad_sort = client.get(f"{BASE}/overdue?sort=sideways", **auth)
    assert bad_sort.status_code == 422
    unknown = send(client, "post", "/not-an-id/goals", {"version": 1, "title": "x"}, auth)
    assert unknown.status_code == 404


def test_permissions_and_scope(client, casey, charlie, bob, frank, person):
    plan_id = send(client, "post", f"/people/{person.public_id}", {}, bearer(casey)).json()["id"]
    charlie_auth = bearer(charlie)
    assert client.get(f"{BASE}/{plan_id}", **charlie_auth).status_code == 200
    assert send(client, "post", f"/{plan_id}/goals", {"version": 1, "title": "x"}, charlie_auth).status_code == 403
    assert client.get(f"{BASE}/{plan_id}", **bearer(bob)).status_code == 404
    assert client.get(f"{BASE}/people/{person.public_id}", **bearer(bob)).status_code == 404
    assert send(client, "post", f"/{plan_id}/goals", {"version": 1, "title": "x"}, bearer(frank)).status_code == 404
    assert client.get(f"{BASE}/{plan_id}").status_code == 401
    assert client.get(f"{BASE}/overdue", **bearer(bob)).json() == []
