"""The assessment API end to end: draft, answers with the version read, completion, countersignature,
override, a person's list and the due list; bad input is 422 naming the field; 401/403/404."""

import pytest

from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/assessment"


def post(client, path, body, auth):
    return client.post(f"{BASE}{path}", body, content_type="application/json", **auth)


def patch(client, path, body, auth):
    return client.patch(f"{BASE}{path}", body, content_type="application/json", **auth)


def test_an_assessment_through_the_api(client, casey, sam, sue, alice, person, all_needs):
    auth = bearer(sam)
    started = post(client, f"/people/{person.public_id}/assessments", {"instrument": "tiering"}, auth)
    assert started.status_code == 201, started.content
    body = started.json()
    assert (body["status"], body["instrument_version"], body["countersign_required"]) == ("draft", 1, True)
    answered = patch(client, f"/assessments/{body['id']}", {"version": 1, "answers": {"rosh": "HIGH"}}, auth)
    assert answered.status_code == 200 and answered.json()["version"] == 2
    stale = patch(client, f"/assessments/{body['id']}", {"version": 1, "answers": {"rosh": "LOW"}}, auth)
    assert stale.status_code == 409 and stale.json()["field"] == "version"
    done = post(client, f"/assessments/{body['id']}/complete", {"version": 2}, auth)
    assert done.status_code == 200 and done.json()["band"][0] == "B", done.content
    own = post(client, f"/assessments/{body['id']}/countersign", {}, auth)
    assert own.status_code == 403
    signed = post(client, f"/assessments/{body['id']}/countersign", {}, bearer(sue))
    assert signed.status_code == 200 and signed.json()["countersigned_by"] == "sue"
    overridden = post(
        client, f"/assessments/{body['id']}/override", {"band": "A3", "reason": "MAPPA meeting"}, bearer(sue)
    )
    assert overridden.status_code == 200 and overridden.json()["band"] == "A3", overridden.content
    assert overridden.json()["computed_band"] == done.json()["band"]
    listed = client.get(f"{BASE}/people/{person.public_id}/assessments", **bearer(alice))
    assert [a["id"] for a in listed.json()] == [body["id"]]
    one = client.get(f"{BASE}/assessments/{body['id']}", **bearer(alice))
    assert one.status_code == 200 and one.json()["override_approved_by"] == "sue"


def test_bad_input_names_the_field(client, casey, person):
    auth = bearer(casey)
    path = f"/people/{person.public_id}/assessments"
    unknown = post(client, path, {"instrument": "criminogenic-needs", "answers": {"astrology": "x"}}, auth)
    assert unknown.status_code == 422 and unknown.json()["field"] == "astrology"
    outside = post(client, path, {"instrument": "criminogenic-needs", "answers": {"finance": "huge"}}, auth)
    assert outside.status_code == 422 and outside.json()["field"] == "finance"
    version = post(client, path, {"instrument": "criminogenic-needs", "instrument_version": 7}, auth)
    assert version.status_code == 422 and version.json()["field"] == "instrument_version"
    extra = post(client, path, {"instrument": "criminogenic-needs", "assessor": "me"}, auth)
    assert extra.status_code == 422
    draft = post(client, path, {"instrument": "criminogenic-needs"}, auth).json()
    incomplete = post(client, f"/assessments/{draft['id']}/complete", {}, auth)
    assert incomplete.status_code == 422 and incomplete.json()["field"]


def test_access(client, alice, bob, charlie, casey, person, all_needs):
    path = f"/people/{person.public_id}/assessments"
    assert client.get(f"{BASE}{path}").status_code == 401
    assert client.get(f"{BASE}{path}", **bearer(charlie)).status_code == 403
    assert client.get(f"{BASE}{path}", **bearer(bob)).status_code == 404
    assert post(client, path, {"instrument": "ogrs3"}, bearer(alice)).status_code == 403
    draft = post(client, path, {"instrument": "criminogenic-needs", "answers": all_needs}, bearer(casey)).json()
    assert client.get(f"{BASE}/assessments/{draft['id']}", **bearer(bob)).status_code == 404
    assert post(client, f"/assessments/{draft['id']}/complete", {}, bearer(bob)).status_code == 403


def test_the_due_list(client, alice, bob, casey, person, prison_a, all_needs):
    draft = post(
        client,
        f"/people/{person.public_id}/assessments",
        {"instrument": "criminogenic-needs", "answers": all_needs},
        bearer(casey),
    ).json()
    post(client, f"/assessments/{draft['id']}/complete", {}, bearer(casey))
    assert client.get(f"{BASE}/due", **bearer(alice)).json() == []
    due = client.get(f"{BASE}/due?within_days=200&site={prison_a.code}", **bearer(alice)).json()
    assert [(d["assessment"]["id"], d["overdue"], d["days_until_due"]) for d in due] == [(draft["id"], False, 182)]
    assert client.get(f"{BASE}/due?within_days=200", **bearer(bob)).json() == []
    assert client.get(f"{BASE}/due?within_days=-1", **bearer(alice)).status_code == 422
