"""The reception and release API: the same services as the pages, error bodies {code, detail, field},
strict input, screening health detail only for those who may read it."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.core import clock
from oms.core.models import OutboxMessage
from oms.custody.models import CustodyEpisode, Movement
from tests.custody.factories import SYSTEM, make_prisoner
from tests.factories import make_user
from tests.people.conftest import make_person
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/custody"


def post(client, url, body, auth):
    return client.post(f"{BASE}{url}", body, content_type="application/json", **auth)


def reception(site, **fields):
    return {
        "site_id": str(site.public_id),
        "legal_status": "remand",
        "new_person": {"family_name": "Kowalski", "given_name": "Piotr", "date_of_birth": "1985-02-03"},
        **fields,
    }


def test_receive_read_and_intake_through_the_api(client, olive, prison_a, estate_a):
    auth = bearer(olive)
    created = post(
        client,
        "/receptions",
        reception(
            prison_a,
            booking_number="API-1",
            authorities=[
                {"kind": "remand_warrant", "reference": "RW9", "expires_on": "2099-01-01", "document_seen": True}
            ],
            property_items=[{"description": "Rucksack", "seal_number": "S9"}],
            cash_minor=500,
            screening={"health_notes": "Epilepsy", "cell_sharing": "standard"},
        ),
        auth,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["booking_number"] == "API-1" and body["in_reception"] is True and body["cash_balance_minor"] == 500
    assert body["warnings"] == [] and body["screening"]["health_visible"] is False
    assert body["screening"]["health_notes"] is None  # olive may not read health detail
    episode_id = body["id"]
    item_id = body["property_items"][0]["id"]
    closed = post(client, f"/episodes/{episode_id}/property/{item_id}/close", {"outcome": "returned"}, auth)
    assert closed.status_code == 200 and closed.json()["status"] == "returned"
    cash = post(client, f"/episodes/{episode_id}/cash", {"kind": "return", "amount_minor": 500}, auth)
    assert cash.status_code == 201 and cash.json()["amount_minor"] == -500
    hold = post(client, f"/episodes/{episode_id}/authorities", {"kind": "detainer", "reference": "ICE-1"}, auth)
    assert hold.status_code == 201
    screening = client.put(
        f"{BASE}/episodes/{episode_id}/screening",
        {"aggression_risk": "high", "cell_sharing": "single_cell"},
        content_type="application/json",
        **auth,
    )
    assert screening.status_code == 200 and screening.json()["screening"]["aggression_risk"] == "high"
    nurse = make_user("nina", roles=("health_worker",), sites=(prison_a,))
    read = client.get(f"{BASE}/episodes/{episode_id}", **bearer(nurse)).json()
    assert read["screening"]["health_notes"] == "Epilepsy" and read["screening"]["health_visible"] is True
    assert OutboxMessage.objects.filter(name="custody.person_received", payload__episode_id=episode_id).exists()


def test_api_errors_name_the_field(client, olive, charlie, oscar, prison_a, estate_a):
    auth = bearer(olive)
    post(client, "/receptions", reception(prison_a, booking_number="DUP-1"), auth)
    duplicate = post(
        client,
        "/receptions",
        reception(
            prison_a,
            booking_number="DUP-1",
            new_person=None,
            person_id=str(make_person(prison_a, family="Ng").public_id),
        ),
        auth,
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "custody.booking_number_in_use" and duplicate.json()["field"] == "booking_number"
    unknown = post(client, "/receptions", reception(prison_a, shoe_size=9), auth)
    assert unknown.status_code == 422
    assert post(client, "/receptions", reception(prison_a), bearer(charlie)).status_code == 403
    assert post(client, "/receptions", reception(prison_a), bearer(oscar)).status_code == 404


def test_possible_duplicates_answer_409_with_candidates(client, olive, prison_a, estate_a):
    existing = make_person(prison_a, family="Kowalski", given="Piotr", dob=dt.date(1985, 2, 3))
    answer = post(client, "/receptions", reception(prison_a), bearer(olive))
    assert answer.status_code == 409 and answer.json()["code"] == "people.possible_duplicates"
    assert [c["id"] for c in answer.json()["candidates"]] == [str(existing.public_id)]
    assert not CustodyEpisode.objects.exists()


def test_release_through_the_api(client, olive, sam, prison_a, estate_a):
    episode = make_prisoner(prison_a, legal_status="remand", release_due_on=clock.today())
    url = f"/episodes/{episode.public_id}"
    checks = client.get(f"{BASE}{url}/release-checks", **bearer(olive)).json()
    assert {c["code"]: c["passed"] for c in checks} == {
        "release_date": True,
        "holds": True,
        "property": True,
        "cash": True,
        "notifications": False,
    }
    assert post(client, f"{url}/release", {"reason": "sentence_served"}, bearer(olive)).status_code == 403
    refused = post(client, f"{url}/release", {"reason": "sentence_served"}, bearer(sam))
    assert refused.status_code == 422 and [c["code"] for c in refused.json()["checks"]] == ["notifications"]
    assert post(client, f"{url}/release-notifications", {}, bearer(sam)).json() == {"queued": ["police"]}
    released = post(client, f"{url}/release", {"reason": "sentence_served"}, bearer(sam))
    assert released.status_code == 200 and released.json()["status"] == "released"
    assert OutboxMessage.objects.filter(name="custody.person_released").count() == 1


def test_action_plan_api(client, olive, oscar, prison_a, prison_b):
    held = make_prisoner(prison_a, family="Held", release_due_on=clock.today() - dt.timedelta(days=1))
    court = make_prisoner(prison_a, family="Court", release_due_on=clock.today() + dt.timedelta(days=30))
    Movement.objects.create(
        episode=court,
        person=court.person,
        site=prison_a,
        kind="court",
        direction="out",
        status="scheduled",
        scheduled_at=clock.now(),
        destination="Magistrates",
        recorded_at=clock.now(),
    )
    url = f"{BASE}/sites/{prison_a.public_id}/action-plan"
    plan = client.get(url, **bearer(olive)).json()
    assert [h["episode_id"] for h in plan["held_past_release"]] == [str(held.public_id)]
    assert plan["held_past_release"][0]["basis"] == "release_date"
    assert [m["destination"] for m in plan["court_appearances"]] == ["Magistrates"]
    other_day = client.get(f"{url}?date={clock.today() + dt.timedelta(days=2):%Y-%m-%d}", **bearer(olive)).json()
    assert other_day["court_appearances"] == []
    assert client.get(url, **bearer(oscar)).status_code == 404
    assert SYSTEM.is_system
