"""The roll and counts API: the same services as the pages, error bodies {code, detail, field},
strict input, blind two-officer figures, and the permission matrix over HTTP."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.custody.models import CustodyEpisode
from tests.custody.factories import make_estate, make_prisoner
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/custody"


@pytest.fixture
def estate(prison_a):
    estate = make_estate(prison_a)
    make_prisoner(prison_a, family="Able", bed=estate["A-1-1-01-1"])
    make_prisoner(prison_a, family="Court", bed=estate["A-1-1-01-2"], in_out=CustodyEpisode.InOut.OUT)
    return estate


def post(client, url, body, auth):
    return client.post(f"{BASE}{url}", body, content_type="application/json", **auth)


def test_roll_endpoints(client, prison_a, olive, oscar, charlie, estate):
    auth = bearer(olive)
    roll = client.get(f"{BASE}/sites/{prison_a.public_id}/roll", **auth)
    assert roll.status_code == 200, roll.content
    body = roll.json()
    assert body["totals"]["population"] == 2 and body["totals"]["in_cell"] == 1
    assert [p["name"] for p in body["away"]] == ["COURT, John"]
    unit = client.get(f"{BASE}/sites/{prison_a.public_id}/units/{estate['A'].public_id}/roll", **auth)
    assert unit.status_code == 200 and {p["name"] for p in unit.json()["people"]} == {"ABLE, John", "COURT, John"}
    assert client.get(f"{BASE}/sites/{prison_a.public_id}/roll", **bearer(oscar)).status_code == 404
    assert client.get(f"{BASE}/sites/{prison_a.public_id}/roll", **bearer(charlie)).status_code == 403


def test_a_count_over_the_api(client, prison_a, olive, sam, oscar, estate):
    officer, supervisor = bearer(olive), bearer(sam)
    site = f"/sites/{prison_a.public_id}"
    made = post(client, f"{site}/count-times", {"name": "Midday", "time_of_day": "12:00"}, supervisor)
    assert made.status_code == 201, made.content
    assert post(client, f"{site}/count-times", {"name": "Night", "time_of_day": "22:00"}, officer).status_code == 403
    strict = post(client, f"{site}/count-times", {"name": "X", "time_of_day": "13:00", "extra": 1}, supervisor)
    assert strict.status_code == 422
    times = client.get(f"{BASE}{site}/count-times", **officer).json()
    assert [t["name"] for t in times] == ["Midday"]
    renamed = client.patch(
        f"{BASE}/count-times/{made.json()['id']}", {"name": "Noon roll"}, content_type="application/json", **supervisor
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "Noon roll"
    blank = client.patch(
        f"{BASE}/count-times/{made.json()['id']}", {"name": " "}, content_type="application/json", **supervisor
    )
    assert blank.status_code == 422 and blank.json()["field"] == "name"
    assert (
        client.patch(f"{BASE}/count-times/999999", {}, content_type="application/json", **supervisor).status_code == 404
    )

    started = post(client, f"{site}/counts", {"count_time_id": made.json()["id"], "two_officer": False}, officer)
    assert started.status_code == 201, started.content
    count = started.json()
    session = count["sessions"][0]
    assert session["expected"] == 1 and session["unit"] == "A"
    negative = post(client, f"/count-sessions/{session['id']}/entries", {"counted": -1}, officer)
    assert negative.status_code == 422 and negative.json()["field"] == "counted"
    entered = post(client, f"/count-sessions/{session['id']}/entries", {"counted": 0}, officer)
    assert entered.status_code == 201 and entered.json()["status"] == "discrepancy"
    twice = post(client, f"/count-sessions/{session['id']}/entries", {"counted": 1}, officer)
    assert twice.status_code == 409 and twice.json()["code"] == "custody.count_entry_duplicate"
    olive_clears = post(client, f"/count-sessions/{session['id']}/clear", {}, officer)
    assert olive_clears.status_code == 403
    assert post(client, f"/count-sessions/{session['id']}/entries", {"counted": 1}, bearer(oscar)).status_code == 404

    recount = post(client, f"/count-sessions/{session['id']}/recount", {"reason": "Short by one"}, supervisor)
    assert recount.status_code == 201 and recount.json()["recount_of"] == session["id"]
    new_id = recount.json()["id"]
    post(client, f"/count-sessions/{new_id}/entries", {"counted": 0}, officer)
    person_id = recount.json()["expected_people"][0]["person_id"]
    discrepancy = post(
        client, f"/count-sessions/{new_id}/discrepancies", {"person_id": person_id, "description": "Not seen"}, officer
    )
    assert discrepancy.status_code == 201
    resolved = post(
        client,
        f"/count-sessions/{new_id}/discrepancies/{discrepancy.json()['id']}/resolve",
        {"resolution": "At healthcare, confirmed by phone"},
        officer,
    )
    assert resolved.status_code == 200 and resolved.json()["resolved_at"]
    cleared = post(client, f"/count-sessions/{new_id}/clear", {"note": "Accounted for"}, supervisor)
    assert cleared.status_code == 200 and cleared.json()["status"] == "cleared"
    done = post(client, f"/counts/{count['id']}/clear", {}, supervisor)
    assert done.status_code == 200 and done.json()["status"] == "cleared"
    again = post(client, f"/counts/{count['id']}/clear", {}, supervisor)
    assert again.status_code == 409 and again.json()["code"] == "custody.count_already_cleared"

    read = client.get(f"{BASE}/counts/{count['id']}", **officer).json()
    assert [s["status"] for s in read["sessions"]] == ["cleared", "recount"]
    history = client.get(f"{BASE}{site}/counts?days=2", **officer)
    assert history.status_code == 200 and history.json()["items"][0]["count_id"] == count["id"]
    assert client.get(f"{BASE}/counts/{count['id']}", **bearer(oscar)).status_code == 404
    retired = client.delete(f"{BASE}/count-times/{made.json()['id']}", **supervisor)
    assert retired.status_code == 200 and retired.json()["active"] is False


def test_two_officer_figures_are_hidden_until_both_are_in(client, prison_a, olive, sam, estate):
    from tests.factories import make_user

    owen = make_user("owen", roles=("custody_officer",), sites=(prison_a,))
    started = post(
        client,
        f"/sites/{prison_a.public_id}/counts",
        {"emergency": True, "reason": "Alarm", "two_officer": True},
        bearer(sam),
    )
    assert started.status_code == 201, started.content
    session_id = started.json()["sessions"][0]["id"]
    first = post(client, f"/count-sessions/{session_id}/entries", {"counted": 1}, bearer(olive))
    assert first.json()["entries"][0]["counted"] is None and first.json()["status"] == "open"
    second = post(client, f"/count-sessions/{session_id}/entries", {"counted": 1}, bearer(owen))
    assert [e["counted"] for e in second.json()["entries"]] == [1, 1] and second.json()["status"] == "matched"


def test_paper_entry_over_the_api(client, prison_a, olive, sam, estate):
    started = post(client, f"/sites/{prison_a.public_id}/counts", {"emergency": True, "reason": "Fog"}, bearer(sam))
    session_id = started.json()["sessions"][0]["id"]
    counted_at = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)).isoformat()
    entered = post(
        client,
        f"/count-sessions/{session_id}/entries",
        {"counted": 1, "on_paper": True, "counted_at": counted_at},
        bearer(olive),
    )
    assert entered.status_code == 201 and entered.json()["on_paper"] is True
    assert entered.json()["entries"][0]["on_paper"] is True
