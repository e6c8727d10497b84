"""The diversion API end to end: programme, referral, assessment, agreement, start, progress (hours and
their verification, attendance, payments), completion refused then done, termination; bad input (422
naming the field), stale versions (409) and the permission matrix (401 / 403 / 404)."""

import pytest

from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/diversion"


def post(client, path, body, auth):
    return client.post(f"{BASE}{path}", body, content_type="application/json", **auth)


def referral(person, programme, **changes):
    return {
        "person_id": str(person.public_id),
        "programme_id": str(programme.public_id),
        "referrer_kind": "police",
        "referrer_name": "PC 1234 Northtown",
        "offence_summary": "Criminal damage to a bus shelter",
        "offence_category": "damage",
        **changes,
    }


def test_a_participation_through_the_api(client, cora, dan, person, programme, dv1):
    made = post(
        client,
        "/programmes",
        {"site_id": str(dv1.public_id), "name": "Youth panel", "eligibility": {"max_age": 17}, "full_fee_minor": 0},
        bearer(cora),
    )
    assert made.status_code == 201, made.content
    assert made.json()["eligibility"] == {"max_age": 17}
    listed = client.get(f"{BASE}/programmes", **bearer(cora)).json()
    assert {p["name"] for p in listed} == {"Youth panel", "First-time offender programme"}

    referred = post(client, "/referrals", referral(person, programme), bearer(cora))
    assert referred.status_code == 201, referred.content
    p = referred.json()
    assert (p["state"], p["version"], p["referrer_kind"]) == ("referred", 1, "police")
    pid = p["id"]

    assessed = post(client, f"/participations/{pid}/assessment", {"version": 1, "prior_convictions": 0}, bearer(cora))
    assert assessed.status_code == 200 and assessed.json()["state"] == "eligible"
    assert len(assessed.json()["eligibility_results"]) == 3

    agreement = {
        "version": 2,
        "household_income_minor": 100_000_000,
        "household_size": 2,
        "requirements": [
            {"kind": "community_service", "target": 1, "due_on": "2026-07-01"},
            {"kind": "restitution", "target": 4_500, "due_on": "2026-07-01", "detail": "Bus company"},
        ],
    }
    signed = post(client, f"/participations/{pid}/agreement", agreement, bearer(cora))
    assert signed.status_code == 200, signed.content
    body = signed.json()
    assert body["fee_band"] == "full" and body["fee_minor"] == 20_000 and body["fee_balance_minor"] == 20_000
    reqs = {r["kind"]: r for r in body["requirements"]}
    started = post(client, f"/participations/{pid}/start", {"version": 3}, bearer(cora))
    assert started.json()["state"] == "active"

    hours = post(
        client,
        f"/requirements/{reqs['community_service']['id']}/hours",
        {"worked_on": "2026-06-01", "minutes": 60},
        bearer(cora),
    )
    assert hours.status_code == 201
    entry = hours.json()["requirements"][0]["hours"][0]["id"]
    assert post(client, f"/hours/{entry}/verify", {}, bearer(cora)).status_code == 422  # not by the logger

    refused = post(client, f"/participations/{pid}/complete", {"version": 4}, bearer(cora))
    assert refused.status_code == 422 and refused.json()["field"] == "requirements"
    assert "Community service" in refused.json()["detail"] and "Bus company" in refused.json()["detail"]

    assert post(client, f"/hours/{entry}/verify", {}, bearer(dan)).status_code == 200
    paid = post(
        client,
        f"/participations/{pid}/ledger",
        {"kind": "payment", "amount_minor": 4_500, "requirement_id": reqs["restitution"]["id"]},
        bearer(cora),
    )
    assert paid.status_code == 201 and paid.json()["progress"]["all_met"] is True
    done = post(client, f"/participations/{pid}/complete", {"version": 4}, bearer(cora))
    assert done.status_code == 200 and done.json()["state"] == "completed"
    assert done.json()["fee_balance_minor"] == 20_000  # the unpaid fee does not block completion

    listed = client.get(f"{BASE}/participations", {"state": "completed"}, **bearer(cora)).json()
    assert [x["id"] for x in listed] == [pid]


def test_bad_input_and_stale_version(client, cora, person, programme):
    bad = post(client, "/referrals", referral(person, programme, referrer_kind="court"), bearer(cora))
    assert bad.status_code == 422
    extra = post(client, "/referrals", {**referral(person, programme), "state": "active"}, bearer(cora))
    assert extra.status_code == 422
    pid = post(client, "/referrals", referral(person, programme), bearer(cora)).json()["id"]
    stale = post(client, f"/participations/{pid}/assessment", {"version": 7}, bearer(cora))
    assert stale.status_code == 409 and stale.json()["field"] == "version"
    illegal = post(client, f"/participations/{pid}/start", {"version": 1}, bearer(cora))
    assert illegal.status_code == 422 and illegal.json()["field"] == "state"
    criteria = post(
        client,
        "/programmes",
        {"site_id": str(programme.site.public_id), "name": "Z", "eligibility": {"min_age": 30, "max_age": 20}},
        bearer(cora),
    )
    assert criteria.status_code == 422 and criteria.json()["field"] == "eligibility.max_age"


def test_permission_matrix(client, cora, vic, alice, person, programme):
    pid = post(client, "/referrals", referral(person, programme), bearer(cora)).json()["id"]
    assert client.get(f"{BASE}/participations/{pid}").status_code == 401
    assert client.get(f"{BASE}/participations/{pid}", **bearer(alice)).status_code == 403
    assert client.get(f"{BASE}/participations/{pid}", **bearer(vic)).status_code == 404
    assert post(client, f"/participations/{pid}/assessment", {"version": 1}, bearer(vic)).status_code == 404
    assert client.get(f"{BASE}/participations/not-an-id", **bearer(cora)).status_code == 404
