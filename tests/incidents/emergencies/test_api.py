"""The emergencies API: declare, read, timeline, exceptions, roll and marks, stand down, review; the
permission matrix and bad input (422 naming the field, 409 for stale marks)."""

import pytest

from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db

BASE = "/api/v1/incidents/emergencies"


def post(client, path, body, auth):
    return client.post(f"{BASE}{path}", body, content_type="application/json", **auth)


def declare(client, auth, site, **kw):
    body = {"facility_id": str(site.public_id), "kind": "lockdown", "instructions": "Behind doors", **kw}
    return post(client, "", body, auth)


def test_declare_roll_mark_stand_down_review(client, sam, olly, prison_a, housed, memory_notifications):
    sam_auth, olly_auth = bearer(sam), bearer(olly)
    made = declare(client, sam_auth, prison_a)
    assert made.status_code == 201, made.content
    emergency = made.json()
    assert emergency["scope"] == "Whole facility" and emergency["timeline"][0]["kind"] == "declared"
    assert memory_notifications
    eid = emergency["id"]
    assert client.get(BASE, **olly_auth).json()[0]["id"] == eid
    person = str(housed["a1"].person.public_id)
    exc = post(client, f"/{eid}/exceptions", {"person_id": person, "reason": "Hospital"}, sam_auth)
    assert exc.status_code == 201 and exc.json()["exceptions"][0]["person_id"] == person
    assert post(client, f"/{eid}/log", {"text": "A wing secured"}, olly_auth).status_code == 201
    roll = post(client, f"/{eid}/rolls", {}, olly_auth)
    assert roll.status_code == 201, roll.content
    rid = roll.json()["id"]
    assert roll.json()["unaccounted"] == 4
    marked = post(client, f"/rolls/{rid}/marks", {"person_id": person, "mark": "accounted", "version": 1}, olly_auth)
    assert marked.status_code == 200 and marked.json()["version"] == 2
    stale = post(client, f"/rolls/{rid}/marks", {"person_id": person, "mark": "missing", "version": 1}, sam_auth)
    assert stale.status_code == 409 and stale.json()["code"] == "incidents.roll_entry_changed"
    assert client.get(f"{BASE}/rolls/{rid}", **olly_auth).json()["unaccounted"] == 3
    finished = post(client, f"/rolls/{rid}/finish", {}, olly_auth)
    assert finished.status_code == 200 and finished.json()["completed_at"]
    assert post(client, f"/rolls/{rid}/finish", {}, olly_auth).status_code == 409
    assert post(client, f"/{eid}/stand-down", {"note": "clear"}, sam_auth).status_code == 200
    review = post(client, f"/{eid}/review", {"text": "Went well"}, sam_auth)
    assert review.status_code == 200 and review.json()["after_action_review"] == "Went well"


def test_permission_matrix(client, sam, olly, alice, otto, prison_a):
    eid = declare(client, bearer(sam), prison_a).json()["id"]
    assert declare(client, bearer(olly), prison_a, kind="fire").status_code == 403
    assert client.get(f"{BASE}/{eid}", **bearer(alice)).status_code == 403
    assert client.get(f"{BASE}/{eid}", **bearer(otto)).status_code == 404
    assert post(client, f"/{eid}/rolls", {}, bearer(otto)).status_code == 404
    assert post(client, f"/{eid}/stand-down", {}, bearer(olly)).status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [({"kind": "flood"}, "kind"), ({"instructions": ""}, "instructions"), ({"surprise": 1}, "surprise")],
)
def test_bad_input_is_422_naming_the_field(client, sam, prison_a, body, field):
    response = declare(client, bearer(sam), prison_a, **body)
    assert response.status_code == 422, response.content
    assert field in response.content.decode()


def test_unknown_ids_are_404(client, sam):
    assert client.get(f"{BASE}/not-an-id", **bearer(sam)).status_code == 404
    assert client.get(f"{BASE}/rolls/not-an-id", **bearer(sam)).status_code == 404
