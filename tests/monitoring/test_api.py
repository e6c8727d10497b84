"""The monitoring API end to end: an order with a curfew and zones imported from GeoJSON, a device fitted,
fixes posted by the feed's API client (idempotent, bad rows rejected with reasons), the alert acknowledged
and its outcome recorded; 422 naming the field, 401 / 403 / 404."""

import pytest

from oms.monitoring.models import Fix
from tests.monitoring.factories import HOME, IN_SQUARE, NIGHTS, SQUARE
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/monitoring"


def post(client, path, body, auth):
    return client.post(f"{BASE}{path}", body, content_type="application/json", **auth)


def make_order(client, person, auth, **changes):
    body = {
        "person_id": str(person.public_id),
        "reference": "T20260001",
        "starts_on": "2026-06-01",
        "conditions": [
            {
                "kind": "curfew",
                "label": "Home address",
                "zone": {"type": "Point", "coordinates": list(HOME)},
                "radius_m": 100,
                "timetable": NIGHTS,
            }
        ],
        **changes,
    }
    return post(client, "/orders", body, auth)


def fix(at, where=HOME, **changes):
    return {
        "device": "TAG-1",
        "time": at,
        "latitude": where[1],
        "longitude": where[0],
        "accuracy": 8.5,
        "battery": 80,
        "strap": "ok",
        **changes,
    }


def test_monitoring_through_the_api(client, mona, feed, person):
    auth = bearer(mona)
    made = make_order(client, person, auth)
    assert made.status_code == 201, made.content
    order = made.json()
    assert (order["version"], order["conditions"][0]["zone"]["radius_m"]) == (1, 100)

    imported = post(
        client,
        f"/orders/{order['id']}/zones",
        {
            "version": 1,
            "kind": "exclusion_zone",
            "reason": "Court added an exclusion zone",
            "geojson": {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {"name": "Park"}, "geometry": SQUARE}],
            },
        },
        auth,
    )
    assert imported.status_code == 201, imported.content
    varied = imported.json()
    assert varied["version"] == 2 and varied["previous_id"] == order["id"]
    assert [c["kind"] for c in varied["conditions"]] == ["curfew", "exclusion_zone"]

    device = post(client, "/devices", {"serial": "TAG-1", "kind": "gps_tag"}, auth).json()
    fitted = post(client, f"/devices/{device['id']}/assignment", {"order_id": varied["id"]}, auth)
    assert fitted.status_code == 200 and fitted.json()["status"] == "assigned"

    batch = {
        "fixes": [
            fix("2026-06-01T12:00:00Z", IN_SQUARE),
            fix("2026-06-01T12:01:00+01:00", battery=120),
            fix("2026-06-01T12:02:00Z", IN_SQUARE, device="UNKNOWN"),
        ]
    }
    feed_auth = bearer(feed)
    sent = post(client, "/fixes", batch, feed_auth)
    assert sent.status_code == 200, sent.content
    assert sent.json() == {
        "accepted": 1,
        "duplicates": 0,
        "rejected": [
            {"index": 1, "field": "battery", "reason": "battery_out_of_range"},
            {"index": 2, "field": "device", "reason": "unknown_device"},
        ],
        "alerts_opened": 1,
        "alerts_closed": 0,
    }
    again = post(client, "/fixes", batch, feed_auth).json()
    assert (again["accepted"], again["duplicates"], Fix.objects.count()) == (0, 1, 1)

    queue = client.get(f"{BASE}/alerts", **auth).json()
    assert [(a["kind"], a["condition"]) for a in queue] == [("exclusion_entered", "Park")]
    alert_id = queue[0]["id"]
    acknowledged = post(client, f"/alerts/{alert_id}/acknowledge", {}, auth)
    assert acknowledged.status_code == 200 and acknowledged.json()["acknowledged_by"] == "mona"
    outcome = post(client, f"/alerts/{alert_id}/outcome", {"outcome": "contacted", "notes": "Phoned"}, auth)
    assert outcome.status_code == 200 and outcome.json()["outcome"] == "contacted"

    stale = post(client, f"/orders/{order['id']}/end", {"version": 1, "reason": "done"}, auth)
    assert stale.status_code == 409


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"conditions": []}, 422, "conditions"),
        ({"conditions": [{"kind": "curfew", "timetable": NIGHTS}]}, 422, "conditions[0].zone"),
        ({"time_zone": "Mars/Olympus"}, 422, "time_zone"),
        ({"conditions": [{"kind": "alcohol", "colour": "red"}]}, 422, "conditions.0.colour"),
    ],
)
def test_bad_orders_are_422_naming_the_field(client, mona, person, changes, status, field):
    answer = make_order(client, person, bearer(mona), **changes)
    assert (answer.status_code, answer.json()["field"]) == (status, field)


def test_a_malformed_batch_is_422(client, feed):
    answer = post(client, "/fixes", {"fixes": [{"device": "TAG-1"}]}, bearer(feed))
    assert answer.status_code == 422


def test_who_may_call(client, mona, owen, frank, feed, person):
    assert client.post(f"{BASE}/fixes", {"fixes": []}, content_type="application/json").status_code == 401
    assert post(client, "/fixes", {"fixes": []}, bearer(mona)).status_code == 403
    assert make_order(client, person, bearer(frank)).status_code == 403
    assert make_order(client, person, bearer(feed)).status_code == 403
    assert make_order(client, person, bearer(owen)).status_code == 404
    order_id = make_order(client, person, bearer(mona)).json()["id"]
    assert client.get(f"{BASE}/orders/{order_id}", **bearer(frank)).status_code == 200
    assert client.get(f"{BASE}/orders/{order_id}", **bearer(owen)).status_code == 404
