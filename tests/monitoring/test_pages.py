"""The monitoring pages: the alert queue (acknowledge, outcome), the order page with its inline SVG map
(no external tiles), the device inventory; 403 for the wrong role, 404 for another office."""

import datetime as dt
import re

import pytest

from oms.monitoring.models import Alert, Device
from oms.monitoring.rules.map_svg import MapZone, render
from oms.monitoring.services import devices as device_services
from oms.monitoring.services import fixes as fix_services
from oms.monitoring.services import orders as order_services
from tests.factories import login_verified
from tests.monitoring.conftest import NOW
from tests.monitoring.factories import IN_SQUARE, curfew, exclusion, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(mona_actor, feed_actor, person):
    made = order_services.make_order(
        mona_actor, person_id=person.public_id, starts_on=dt.date(2026, 6, 1), conditions=[curfew(), exclusion()]
    )
    tag = device_services.add_device(mona_actor, serial="TAG-1", kind="gps_tag")
    device_services.assign_device(mona_actor, device_id=tag.public_id, order_id=made.public_id)
    fix_services.ingest_fixes(
        feed_actor, rows=[row("TAG-1", NOW), row("TAG-1", NOW + dt.timedelta(minutes=1), where=IN_SQUARE)]
    )
    return made


def test_alert_queue_acknowledge_and_outcome(client, mona, order):
    login_verified(client, mona)
    page = client.get("/monitoring/")
    assert page.status_code == 200 and "Exclusion zone entered" in page.content.decode()
    alert = Alert.objects.get()
    acknowledged = client.post(f"/monitoring/alerts/{alert.public_id}/acknowledge/")
    assert acknowledged.status_code == 302
    empty = client.post(f"/monitoring/alerts/{alert.public_id}/outcome/", {"outcome": ""})
    assert empty.status_code == 422 and "Select the outcome" in empty.content.decode()
    saved = client.post(f"/monitoring/alerts/{alert.public_id}/outcome/", {"outcome": "police", "notes": "999"})
    assert saved.status_code == 302
    alert.refresh_from_db()
    assert (alert.outcome, alert.acknowledged_by_id) == ("police", mona.pk)


def test_order_page_draws_zones_and_trail_inline(client, mona, order):
    body = login_verified(client, mona).get(f"/monitoring/orders/{order.public_id}/").content.decode()
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert svg.count("<circle") >= 3  # the curfew circle, the fixes, the latest fix
    assert "<path" in svg and "<polyline" in svg and "Latest fix" in svg
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", svg)  # nothing fetched from elsewhere
    assert "style=" not in svg  # presentation attributes only: the CSP forbids inline styles


def test_device_inventory(client, mona, frank, order):
    page = login_verified(client, mona).get("/monitoring/devices/")
    assert page.status_code == 200 and "TAG-1" in page.content.decode()
    added = client.post("/monitoring/devices/", {"serial": "RF-9", "kind": "rf_tag"})
    assert added.status_code == 302 and Device.objects.filter(serial="RF-9").exists()
    duplicate = client.post("/monitoring/devices/", {"serial": "RF-9", "kind": "rf_tag"})
    assert duplicate.status_code == 422
    read_only = login_verified(client, frank).get("/monitoring/devices/")
    assert read_only.status_code == 200 and "Add a device" not in read_only.content.decode()
    assert client.post("/monitoring/devices/", {"serial": "X", "kind": "rf_tag"}).status_code == 200
    assert not Device.objects.filter(serial="X").exists()


def test_wrong_role_and_other_office(client, alice, owen, frank, order):
    assert login_verified(client, alice).get("/monitoring/").status_code == 403
    assert login_verified(client, owen).get(f"/monitoring/orders/{order.public_id}/").status_code == 404
    alert = Alert.objects.get()
    assert login_verified(client, frank).post(f"/monitoring/alerts/{alert.public_id}/acknowledge/").status_code == 403


def test_map_escapes_labels_and_copes_with_nothing():
    svg = render([MapZone("exclusion_zone", "<script>", {"type": "Point", "coordinates": [0, 51]}, 50)], [])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "Nothing to show" in render([], [])
