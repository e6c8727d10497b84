"""The release-dates API: manual calculation, history, key dates, overrides, facility profiles and the
preview that stores nothing (bad input = 422 with the engine's field path)."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.sentencing.models import Calculation
from tests.custody.test_housing_api import bearer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/sentencing"
PREVIEW = "/api/v1/release-dates/calculate"

REQUEST = {
    "profile": "england-wales",
    "date_of_birth": "1990-04-01",
    "sentences": [
        {
            "ref": "1",
            "kind": "determinate",
            "sentenced_on": "2026-01-12",
            "offence_committed_on": "2025-10-01",
            "years": 2,
        },
        {
            "ref": "2",
            "kind": "determinate",
            "sentenced_on": "2026-01-12",
            "offence_committed_on": "2025-10-01",
            "months": 6,
            "consecutive_to": "1",
        },
    ],
    "adjustments": [{"kind": "remand", "days": 40}],
}


def post(client, url, body, auth):
    return client.post(url, body, content_type="application/json", **auth)


def test_preview_calculates_without_saving(client, alice):
    answer = post(client, PREVIEW, REQUEST, bearer(alice))

    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["profile"] == "england-wales" and body["release_date"] and body["release_date_type"]
    assert body["dates"][body["release_date_type"]]["steps"]
    assert not Calculation.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda r: r["sentences"][1].update(sentenced_on="12/01/2026"), "sentences[1].sentenced_on"),
        (lambda r: r["sentences"][1].update(consecutive_to="9"), "sentences[1].consecutive_to"),
        (lambda r: r.update(profile="atlantis"), "profile"),
        (lambda r: r["adjustments"][0].update(days="forty"), "adjustments[0].days"),
        (
            lambda r: r.update(sentences=[{"kind": "determinate", "sentenced_on": "9999-06-01", "years": 100}]),
            "sentences",
        ),
    ],
)
def test_preview_refuses_bad_input_with_the_field_path(client, alice, change, field):
    request = {
        **REQUEST,
        "sentences": [dict(s) for s in REQUEST["sentences"]],
        "adjustments": [dict(a) for a in REQUEST["adjustments"]],
    }
    change(request)

    answer = post(client, PREVIEW, request, bearer(alice))

    assert answer.status_code == 422, answer.json()
    assert answer.json()["field"] == field


def test_preview_refuses_what_is_not_json_and_needs_a_sentencing_reader(client, alice, charlie):
    broken = client.post(PREVIEW, "{not json", content_type="application/json", **bearer(alice))
    assert broken.status_code == 422
    assert post(client, PREVIEW, REQUEST, bearer(charlie)).status_code == 403
    assert client.post(PREVIEW, REQUEST, content_type="application/json").status_code == 401


def test_calculate_then_read_history_calculation_and_key_dates(client, alice, bob, turner):
    auth = bearer(alice)
    made = post(client, f"{BASE}/people/{turner.public_id}/calculations", {"reason": "API check"}, auth)
    assert made.status_code == 201, made.json()
    calculation = made.json()
    assert calculation["reason"] == "manual" and calculation["calculated_by"] == "alice"
    assert calculation["inputs"]["sentences"] and calculation["result"]["dates"]

    history = client.get(f"{BASE}/people/{turner.public_id}/calculations", **auth).json()
    assert [c["id"] for c in history] == [calculation["id"]]
    one = client.get(f"{BASE}/calculations/{calculation['id']}", **auth)
    assert one.status_code == 200 and one.json()["is_latest"]
    key = client.get(f"{BASE}/people/{turner.public_id}/key-dates", **auth).json()
    assert key["release_date"] == calculation["release_date"] and key["calculation_id"] == calculation["id"]

    other = bearer(bob)
    assert client.get(f"{BASE}/calculations/{calculation['id']}", **other).status_code == 404
    assert post(client, f"{BASE}/people/{turner.public_id}/calculations", {}, other).status_code == 404


def test_override_and_withdraw_through_the_api(client, alice, sam, turner):
    calculation = post(client, f"{BASE}/people/{turner.public_id}/calculations", {}, bearer(alice)).json()
    kind = calculation["release_date_type"]
    new_date = (dt.date.fromisoformat(calculation["release_date"]) + dt.timedelta(days=5)).isoformat()
    body = {"date_type": kind, "date": new_date, "reason": "Court order"}

    assert post(client, f"{BASE}/people/{turner.public_id}/overrides", body, bearer(alice)).status_code == 403
    made = post(client, f"{BASE}/people/{turner.public_id}/overrides", body, bearer(sam))
    assert made.status_code == 201, made.json()
    assert made.json()["authorised_by"] == "sam" and made.json()["calculated_date"] == calculation["release_date"]
    again = post(client, f"{BASE}/people/{turner.public_id}/overrides", body, bearer(sam))
    assert again.status_code == 409
    key = client.get(f"{BASE}/people/{turner.public_id}/key-dates", **bearer(sam)).json()
    release = next(d for d in key["dates"] if d["is_release_date"])
    assert key["release_date"] == new_date and release["calculated"] == calculation["release_date"]

    withdrawn = post(client, f"{BASE}/overrides/{made.json()['id']}/withdraw", {"reason": "Set aside"}, bearer(sam))
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    listed = client.get(f"{BASE}/people/{turner.public_id}/overrides", **bearer(sam)).json()
    assert [o["status"] for o in listed] == ["withdrawn"]
    bad = post(client, f"{BASE}/people/{turner.public_id}/overrides", {**body, "date": "soon"}, bearer(sam))
    assert bad.status_code == 422 and bad.json()["field"] == "date"


def test_choosing_a_facility_profile_recalculates_the_people_held_there(client, ada, alice, prison_a, turner):
    post(client, f"{BASE}/people/{turner.public_id}/calculations", {}, bearer(alice))

    refused = client.put(
        f"{BASE}/site-profiles/{prison_a.public_id}",
        {"profile": "us-federal"},
        content_type="application/json",
        **bearer(alice),
    )
    assert refused.status_code == 403
    answer = client.put(
        f"{BASE}/site-profiles/{prison_a.public_id}",
        {"profile": "us-federal"},
        content_type="application/json",
        **bearer(ada),
    )

    assert answer.status_code == 200, answer.json()
    assert answer.json()["profile"] == "us-federal" and answer.json()["recalculation"]["stored"] == 1
    latest = Calculation.objects.get(person=turner, is_latest=True)
    assert latest.profile_code == "us-federal" and latest.reason == "profile_changed"
    listed = client.get(f"{BASE}/site-profiles", **bearer(ada)).json()
    assert {s["site_code"]: s["profile"] for s in listed}["PRA"] == "us-federal"
    unknown = client.put(
        f"{BASE}/site-profiles/{prison_a.public_id}",
        {"profile": "atlantis"},
        content_type="application/json",
        **bearer(ada),
    )
    assert unknown.status_code == 422 and unknown.json()["field"] == "profile_code"
