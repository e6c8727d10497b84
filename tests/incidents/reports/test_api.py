"""The incident reports API end to end, bad input (422 naming the field), refused transitions (409 with
the code) and the permission matrix (401/403/404)."""

import pytest

from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/incidents"


def post(client, path, body, auth):
    return client.post(f"{BASE}{path}", body, content_type="application/json", **auth)


def new_report(client, site, auth, **changes):
    body = {
        "type_code": "fight",
        "facility_id": str(site.public_id),
        "occurred_at": "2026-06-01T08:00:00Z",
        "description": "Two men fought on the landing at unlock.",
        "answers": {"weapon_used": "yes"},
        **changes,
    }
    return post(client, "/reports", body, auth)


def test_a_report_through_the_api(client, shipped_types, olly, sam, prison_a, person):
    types = client.get(f"{BASE}/types", **bearer(olly))
    assert types.status_code == 200 and "escape" in [t["code"] for t in types.json()]
    created = new_report(client, prison_a, bearer(olly))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reference"] == "IR-PRA-2026-000001" and body["status"] == "draft"
    incident = body["id"]
    early = post(client, f"/reports/{incident}/submit", {"version": 1}, bearer(olly))
    assert early.status_code == 422 and early.json()["field"] == "answers.weapon_kind"
    changed = client.patch(
        f"{BASE}/reports/{incident}",
        {
            "version": 1,
            "answers": {"weapon_used": "yes", "weapon_kind": "improvised", "injuries": "no", "number_involved": 2},
        },
        content_type="application/json",
        **bearer(olly),
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2, changed.content
    stale = client.patch(
        f"{BASE}/reports/{incident}",
        {"version": 1, "description": "x"},
        content_type="application/json",
        **bearer(olly),
    )
    assert stale.status_code == 409 and stale.json()["code"] == "incidents.stale_version"
    added = post(
        client,
        f"/reports/{incident}/people",
        {"role": "perpetrator", "system_number": person.system_number},
        bearer(olly),
    )
    assert added.status_code == 201 and added.json()["involvements"][0]["system_number"] == person.system_number
    force = client.put(
        f"{BASE}/reports/{incident}/use-of-force",
        {"techniques": ["guiding_hold"], "justification": "To separate them"},
        content_type="application/json",
        **bearer(olly),
    )
    assert force.status_code == 200 and force.json()["use_of_force"]["techniques"] == ["guiding_hold"]
    assert client.get(f"{BASE}/reports/drafts", **bearer(olly)).json()[0]["id"] == incident
    submitted = post(client, f"/reports/{incident}/submit", {"version": 4}, bearer(olly))
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted", submitted.content
    again = post(client, f"/reports/{incident}/submit", {"version": 5}, bearer(olly))
    assert again.status_code == 409 and again.json()["code"] == "incidents.already_submitted"
    assert [i["id"] for i in client.get(f"{BASE}/reports/awaiting-review", **bearer(sam)).json()] == [incident]
    assert post(client, f"/reports/{incident}/review", {}, bearer(olly)).status_code == 403
    assert post(client, f"/reports/{incident}/review", {}, bearer(sam)).json()["status"] == "under_review"
    correction = post(client, f"/reports/{incident}/corrections", {"text": "Which landing?"}, bearer(sam))
    request_id = correction.json()["corrections"][0]["id"]
    answered = post(
        client, f"/reports/{incident}/addenda", {"text": "Landing 2", "correction_request_id": request_id}, bearer(olly)
    )
    assert answered.json()["corrections"][0]["answered_at"] is not None
    assert post(client, f"/reports/{incident}/investigation", {}, bearer(sam)).json()["investigator"] == "sam"
    assert client.get(f"{BASE}/reports/under-investigation", **bearer(olly)).json()[0]["id"] == incident
    post(client, f"/reports/{incident}/findings", {"findings": "Debt"}, bearer(sam))
    closed = post(client, f"/reports/{incident}/close", {"closing_note": "Charged"}, bearer(sam))
    assert closed.json()["status"] == "closed"
    listed = client.get(f"{BASE}/facilities/{prison_a.public_id}/reports?status=closed", **bearer(sam))
    assert [i["id"] for i in listed.json()] == [incident]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"occurred_at": "2030-01-01T00:00:00Z"}, "occurred_at"),
        ({"type_code": "picnic"}, "type_code"),
        ({"answers": {"weapon_used": 7}}, "answers.weapon_used"),
        ({"facility_id": "not-a-uuid"}, "facility"),
    ],
)
def test_bad_input(client, shipped_types, olly, prison_a, changes, field):
    response = new_report(client, prison_a, bearer(olly), **changes)
    assert response.status_code in (404, 422), response.content
    assert response.json()["field"] == field or response.json()["code"] == "facilities.site_not_found"


def test_unknown_keys_are_refused(client, shipped_types, olly, prison_a):
    assert new_report(client, prison_a, bearer(olly), colour="red").status_code == 422


def test_permission_matrix(client, shipped_types, olly, otto, alice, prison_a):
    assert client.get(f"{BASE}/reports/drafts").status_code == 401
    assert new_report(client, prison_a, bearer(alice)).status_code == 403
    assert new_report(client, prison_a, bearer(otto)).status_code == 404
    incident = new_report(client, prison_a, bearer(olly)).json()["id"]
    assert client.get(f"{BASE}/reports/{incident}", **bearer(otto)).status_code == 404
    assert client.get(f"{BASE}/reports/{incident}", **bearer(alice)).status_code == 403
    assert client.get(f"{BASE}/reports/not-an-id", **bearer(olly)).status_code == 404
