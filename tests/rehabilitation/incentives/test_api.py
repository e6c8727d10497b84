"""The incentives API under /api/v1/rehabilitation/incentives: levels, reviews, the person's history and
the due list; 403 for the wrong role, 404 out of scope, 422 naming the field for bad input."""

from __future__ import annotations

import pytest

from oms.rehabilitation.models import IncentiveLevel, IncentiveReview
from tests.custody.test_housing_api import bearer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/rehabilitation/incentives"


def post(client, url, body, auth):
    return client.post(url, body, content_type="application/json", **auth)


def put(client, url, body, auth):
    return client.put(url, body, content_type="application/json", **auth)


def test_review_then_read_the_person_and_the_due_list(client, olly, casey, held):
    answer = post(
        client, f"{BASE}/people/{held.public_id}/reviews", {"level": "basic", "reasons": "Fight"}, bearer(olly)
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["outcome"] == "placed" and body["next_review_on"] == "2026-06-08" and body["level"]["code"] == "basic"
    assert body["reviewed_by"] == "olly" and body["facility"] == "PRA"

    again = post(
        client,
        f"{BASE}/people/{held.public_id}/reviews",
        {"level": "standard", "reasons": "Settled", "reviewed_on": "2026-06-01"},
        bearer(casey),
    )
    assert again.status_code == 201 and again.json()["outcome"] == "raised"
    person = client.get(f"{BASE}/people/{held.public_id}", **bearer(olly)).json()
    assert person["current"]["level"]["code"] == "standard" and len(person["history"]) == 2
    assert person["days_overdue"] < 0
    due = client.get(f"{BASE}/due", {"within_days": 366, "site": "PRA"}, **bearer(olly))
    assert due.status_code == 200 and [d["days_overdue"] for d in due.json()] == [-365]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"level": "gold", "reasons": "x"}, "level"),
        ({"level": "basic", "reasons": "   "}, "reasons"),
        ({"level": "basic", "reasons": "x", "reviewed_on": "2026-06-30"}, "reviewed_on"),
        ({"level": "basic", "reasons": "x", "reviewed_on": "not a date"}, "reviewed_on"),
        ({"level": "basic", "reasons": "x", "outcome": "raised"}, "outcome"),
        ({"reasons": "x"}, "level"),
    ],
)
def test_bad_review_is_422_naming_the_field(client, olly, held, body, field):
    answer = post(client, f"{BASE}/people/{held.public_id}/reviews", body, bearer(olly))
    assert answer.status_code == 422
    assert field in (answer.json().get("field") or "") or field in answer.json()["detail"]
    assert not IncentiveReview.objects.exists()


def test_review_access(client, charlie, bob, held):
    url = f"{BASE}/people/{held.public_id}/reviews"
    assert post(client, url, {"level": "basic", "reasons": "x"}, bearer(charlie)).status_code == 403
    assert client.get(f"{BASE}/people/{held.public_id}", **bearer(bob)).status_code == 404
    assert client.get(f"{BASE}/people/not-an-id", **bearer(bob)).status_code == 404


def test_levels_install_list_and_change(client, sam, olly, bob, prison_a):
    url = f"{BASE}/facilities/{prison_a.public_id}/levels"
    installed = post(client, f"{BASE}/facilities/{prison_a.public_id}/default-levels", {}, bearer(sam))
    assert installed.status_code == 200 and [lv["code"] for lv in installed.json()] == ["basic", "standard", "enhanced"]
    level = {
        "name": "Enhanced 2",
        "rank": 4,
        "spending_limit_pence": 3050,
        "visits_per_month": 5,
        "privileges": ["Gym"],
    }
    assert put(client, f"{url}/enhanced_2", level, bearer(sam)).status_code == 201
    changed = put(client, f"{url}/enhanced_2", {**level, "visits_per_month": 6}, bearer(sam))
    assert changed.status_code == 200 and changed.json()["visits_per_month"] == 6
    assert [lv["code"] for lv in client.get(url, **bearer(olly)).json()][-1] == "enhanced_2"

    bad = put(client, f"{url}/enhanced_3", {**level, "rank": 2}, bearer(sam))
    assert bad.status_code == 422 and bad.json()["field"] == "rank"
    negative = put(client, f"{url}/enhanced_3", {**level, "spending_limit_pence": -5}, bearer(sam))
    assert negative.status_code == 422
    assert put(client, f"{url}/enhanced_3", level, bearer(olly)).status_code == 403
    assert client.get(url, **bearer(bob)).status_code == 404
    assert not IncentiveLevel.objects.filter(code="enhanced_3").exists()
