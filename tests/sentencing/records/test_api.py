"""The legal-record API end to end: court case, hearing, charge, sentence (consecutive), adjustment and
warrant by public id; errors as {code, detail, field}; 401/403/404."""

from __future__ import annotations

import pytest

from oms.sentencing.models import Offence
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/sentencing"


def post(client, path, body, auth):
    return client.post(f"{BASE}{path}", body, content_type="application/json", **auth)


def patch(client, path, body, auth):
    return client.patch(f"{BASE}{path}", body, content_type="application/json", **auth)


def test_a_legal_record_through_the_api(client, alice, person, theft):
    auth = bearer(alice)
    case = post(client, f"/people/{person.public_id}/court-cases", {"case_number": "T1", "court_name": "Leeds"}, auth)
    assert case.status_code == 201, case.content
    case_id = case.json()["id"]
    hearing = post(
        client,
        f"/court-cases/{case_id}/hearings",
        {"kind": "sentence", "hearing_at": "2026-01-12T10:00:00Z", "outcome": "sentenced"},
        auth,
    )
    assert hearing.status_code == 201, hearing.content
    charge = post(
        client, f"/court-cases/{case_id}/charges", {"offence_code": "TH68001", "committed_from": "2025-09-01"}, auth
    )
    assert charge.status_code == 201 and charge.json()["offence_title"] == "Theft from a shop"
    convicted = patch(client, f"/charges/{charge.json()['id']}", {"outcome": "convicted", "plea": "guilty"}, auth)
    assert convicted.json()["outcome"] == "convicted"
    first = post(
        client,
        "/sentences",
        {
            "court_case_id": case_id,
            "kind": "determinate",
            "sentenced_on": "2026-01-12",
            "offence_committed_on": "2025-09-01",
            "years": 2,
            "charge_ids": [charge.json()["id"]],
        },
        auth,
    )
    assert first.status_code == 201, first.content
    second = post(
        client,
        "/sentences",
        {
            "court_case_id": case_id,
            "kind": "determinate",
            "sentenced_on": "2026-01-12",
            "offence_committed_on": "2025-09-01",
            "months": 6,
            "consecutive_to_id": first.json()["id"],
        },
        auth,
    )
    assert second.status_code == 201 and second.json()["consecutive_to_id"] == first.json()["id"]
    quash = post(
        client, f"/sentences/{first.json()['id']}/end", {"version": 1, "status": "quashed", "reason": "Appeal"}, auth
    )
    assert quash.status_code == 409 and quash.json()["code"] == "sentencing.sentence_followed"
    concurrent = patch(client, f"/sentences/{second.json()['id']}", {"version": 1, "consecutive_to_id": None}, auth)
    assert concurrent.status_code == 200 and concurrent.json()["consecutive_to_id"] is None
    stale = patch(client, f"/sentences/{second.json()['id']}", {"version": 1, "months": 7}, auth)
    assert stale.status_code == 409
    adjustment = post(
        client,
        f"/people/{person.public_id}/adjustments",
        {"kind": "remand", "from_date": "2025-11-01", "to_date": "2025-11-30", "sentence_id": first.json()["id"]},
        auth,
    )
    assert adjustment.status_code == 201 and adjustment.json()["days"] == 30
    listed = client.get(f"{BASE}/people/{person.public_id}/sentences", **auth).json()
    assert [s["id"] for s in listed] == [first.json()["id"], second.json()["id"]]
    detail = client.get(f"{BASE}/court-cases/{case_id}", **auth).json()
    assert len(detail["hearings"]) == 1 and len(detail["charges"]) == 1
    warrant = post(
        client,
        f"/people/{person.public_id}/warrants",
        {"kind": "detainer", "reference": "HO-1", "issued_by": "Home Office", "issued_on": "2026-02-01"},
        auth,
    )
    assert warrant.status_code == 201
    ended = post(client, f"/warrants/{warrant.json()['id']}/end", {"status": "lifted", "ended_on": "2026-03-01"}, auth)
    assert ended.json()["status"] == "lifted"


def test_errors_name_the_field(client, alice, person, court_case):
    auth = bearer(alice)
    body = {
        "court_case_id": str(court_case.public_id),
        "kind": "determinate",
        "sentenced_on": "2026-01-12",
        "offence_committed_on": "2026-02-01",
        "years": 1,
    }
    refused = post(client, "/sentences", body, auth)
    assert refused.status_code == 422
    assert (
        refused.json()["field"] == "offence_committed_on"
        and refused.json()["code"] == "sentencing.offence_after_sentence"
    )
    mismatch = post(
        client,
        f"/people/{person.public_id}/adjustments",
        {"kind": "remand", "days": 3, "from_date": "2025-11-01", "to_date": "2025-11-30"},
        auth,
    )
    assert mismatch.status_code == 422 and mismatch.json()["field"] == "days"
    extra = post(
        client, f"/people/{person.public_id}/court-cases", {"case_number": "X", "court_name": "Y", "admin": 1}, auth
    )
    assert extra.status_code == 422


def test_permission_matrix(client, alice, bob, charlie, person, court_case):
    path = f"{BASE}/people/{person.public_id}/sentences"
    assert client.get(path).status_code == 401
    assert client.get(path, **bearer(charlie)).status_code == 403
    assert client.get(path, **bearer(bob)).status_code == 404
    assert client.get(f"{BASE}/court-cases/{court_case.public_id}", **bearer(bob)).status_code == 404
    assert client.get(f"{BASE}/court-cases/not-a-uuid", **bearer(alice)).status_code == 404
    assert client.get(path, **bearer(alice)).status_code == 200


def test_offence_catalogue_api(client, alice, ada, theft):
    admin = bearer(ada)
    added = post(client, "/offences", {"code": "dr99", "title": "Possession", "flags": ["drug"], "severity": 3}, admin)
    assert added.status_code == 201 and added.json()["code"] == "DR99"
    assert post(client, "/offences", {"code": "DR99", "title": "Again"}, admin).status_code == 409
    assert post(client, "/offences", {"code": "X1", "title": "Bad", "flags": ["sparkly"]}, admin).status_code == 422
    retired = patch(client, "/offences/DR99", {"active": False}, admin)
    assert retired.json()["active"] is False and Offence.objects.filter(code="DR99").exists()
    reader = bearer(alice)
    found = client.get(f"{BASE}/offences", {"q": "theft"}, **reader).json()
    assert [o["code"] for o in found["items"]] == ["TH68001"]
    assert client.get(f"{BASE}/offences", {"include_inactive": True, "flag": "drug"}, **reader).json()["count"] == 1
    assert post(client, "/offences", {"code": "Z1", "title": "No"}, reader).status_code == 403
    report = post(
        client,
        "/offences/import",
        {
            "csv": "code,title,severity\nNEW1,New offence,2\nBAD,,3\nTH68001,Theft from a shop (retail),4\n",
            "dry_run": False,
        },
        admin,
    )
    assert report.status_code == 200, report.content
    body = report.json()
    assert (body["created"], body["updated"]) == (1, 1)
    assert body["rejected"] == [{"row": 3, "column": "title", "reason": "Enter the offence title", "code": "BAD"}]
