"""The supervision API end to end: open a case, allocate, override the level, add requirements, book and
record appointments, the caseload, close; bad input (422 naming the field), stale versions (409) and the
permission matrix (401 / 403 wrong role / 404 out of scope)."""

import pytest

from oms.audit.models import AuditEvent
from tests.people.test_api import bearer
from tests.supervision.factories import make_case

pytestmark = pytest.mark.django_db
BASE = "/api/v1/supervision"


def post(client, path, body, auth):
    return client.post(f"{BASE}{path}", body, content_type="application/json", **auth)


def open_case(client, person, office, auth, **changes):
    body = {
        "person_id": str(person.public_id),
        "kind": "probation",
        "starts_on": "2026-06-01",
        "ends_on": "2027-05-31",
        "reference": "CO-2026-118",
        "office_id": str(office.public_id),
        **changes,
    }
    return post(client, "/cases", body, auth)


def test_a_case_through_the_api(client, frank, sue, person, office_c):
    opened = open_case(client, person, office_c, bearer(frank), officer_id=str(frank.public_id))
    assert opened.status_code == 201, opened.content
    case = opened.json()
    assert (case["kind"], case["version"], case["officer"], case["level"]) == ("probation", 1, "frank", "high")
    assert case["level_detail"]["source"] == "unassessed" and case["next_contact_due_on"] == "2026-06-01"
    case_id = case["id"]

    added = post(client, f"/cases/{case_id}/requirements", {"kind": "unpaid_work", "amount": 80}, bearer(frank))
    assert added.status_code == 201 and added.json()["requirements"][0]["amount"] == 80
    booked = post(
        client,
        f"/cases/{case_id}/appointments",
        {"kind": "office", "starts_at": "2026-06-01T08:00:00Z", "repeat": "weekly", "weeks": 3},
        bearer(frank),
    )
    assert booked.status_code == 201 and len(booked.json()["appointments"]) == 3
    first = booked.json()["appointments"][0]["id"]
    outcome = post(client, f"/appointments/{first}/outcome", {"outcome": "attended"}, bearer(frank))
    assert outcome.status_code == 200
    assert outcome.json()["compliance"]["attended"] == 1 and outcome.json()["next_contact_due_on"] == "2026-06-08"

    override = post(
        client, f"/cases/{case_id}/level-override", {"version": 1, "level": "medium", "reason": "Stable"}, bearer(sue)
    )
    assert override.status_code == 200 and override.json()["level"] == "medium"
    assert override.json()["level_detail"]["overridden_by"] == "sue"

    caseload = client.get(f"{BASE}/caseload", **bearer(frank))
    assert caseload.status_code == 200 and [c["id"] for c in caseload.json()] == [case_id]
    listed = client.get(f"{BASE}/cases", {"person_id": str(person.public_id)}, **bearer(frank))
    assert [c["id"] for c in listed.json()] == [case_id]
    got = client.get(f"{BASE}/cases/{case_id}", **bearer(frank))
    assert got.status_code == 200 and got.json()["version"] == 2

    stale = post(client, f"/cases/{case_id}/close", {"version": 1, "reason": "Completed"}, bearer(frank))
    assert stale.status_code == 409 and stale.json()["code"] == "supervision.case_version_conflict"
    closed = post(client, f"/cases/{case_id}/close", {"version": 2, "reason": "Completed"}, bearer(frank))
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert AuditEvent.objects.filter(action="supervision.case_closed", channel="api").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": "2026-01-01"}, "ends_on"),
        ({"starts_on": "1492-10-12"}, "starts_on"),
        ({"kind": "bail"}, "kind"),
    ],
)
def test_bad_input_names_the_field(client, frank, person, office_c, changes, field):
    answer = open_case(client, person, office_c, bearer(frank), **changes)
    assert answer.status_code == 422
    assert field in (answer.json().get("field") or "") + answer.content.decode()


def test_a_second_open_case_of_a_kind_conflicts(client, frank, person, office_c):
    assert open_case(client, person, office_c, bearer(frank)).status_code == 201
    second = open_case(client, person, office_c, bearer(frank))
    assert second.status_code == 409 and second.json()["field"] == "kind"


def test_unknown_keys_are_refused(client, frank, person, office_c):
    assert open_case(client, person, office_c, bearer(frank), colour="red").status_code == 422


def test_permission_matrix(client, frank, pete, alice, ann, sue, person, office_c):
    assert client.get(f"{BASE}/caseload").status_code == 401
    assert open_case(client, person, office_c, bearer(alice)).status_code == 403
    assert open_case(client, person, office_c, bearer(ann)).status_code == 403
    assert open_case(client, person, office_c, bearer(pete)).status_code == 404
    case = make_case(person, office=office_c, officer=frank)
    case_id = str(case.public_id)
    assert client.get(f"{BASE}/cases/{case_id}", **bearer(pete)).status_code == 404
    assert client.get(f"{BASE}/cases/{case_id}", **bearer(alice)).status_code == 403
    assert client.get(f"{BASE}/cases/not-an-id", **bearer(frank)).status_code == 404
    override = {"version": 1, "level": "low", "reason": "Stable"}
    assert post(client, f"/cases/{case_id}/level-override", override, bearer(frank)).status_code == 403
    assert post(client, f"/cases/{case_id}/level-override", override, bearer(pete)).status_code == 403
    booking = {"kind": "office", "starts_at": "2026-06-02T10:00:00Z"}
    assert post(client, f"/cases/{case_id}/appointments", booking, bearer(pete)).status_code == 404
    assert post(client, f"/cases/{case_id}/appointments", booking, bearer(alice)).status_code == 403
    assert post(client, f"/cases/{case_id}/appointments", booking, bearer(sue)).status_code == 201
    assert client.get(f"{BASE}/cases", **bearer(pete)).json() == []
