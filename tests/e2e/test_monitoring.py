"""Electronic monitoring in a real browser (issue 7, the journey "a simulated device leaves its inclusion
zone and the alert appears"): a monitoring officer makes an order for a person on the order pages with an
inclusion zone pasted as GeoJSON; a tag is fitted; the supplier's feed, with its own API token, posts fixes
inside the zone and then outside it; the officer's alert queue shows "Inclusion zone left" after a
reload, and the officer acknowledges it.

People, the device and the users are arranged with factories and services; the order, the queue and the
acknowledgement go through the pages, the fixes through the real API over HTTP. Synthetic data only."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import urllib.request

import pytest
from django.db import transaction
from playwright.sync_api import expect

from oms.accounts.api_auth import hash_token
from oms.accounts.models import ApiToken
from oms.core.actor import Scope
from oms.monitoring.models import Alert, MonitoringOrder
from oms.monitoring.services import devices as device_services
from tests.e2e.helpers import sign_in
from tests.factories import actor_of, make_user
from tests.people.conftest import make_person

# A 0.01-degree square around (0.005, 51.005): the person's home area (inclusion zone).
HOME_AREA = {"type": "Polygon", "coordinates": [[[0, 51], [0.01, 51], [0.01, 51.01], [0, 51.01], [0, 51]]]}
INSIDE = (0.005, 51.005)
OUTSIDE = (0.05, 51.05)


@pytest.fixture
def mona(office_c):
    return make_user("mona", roles=("monitoring_officer",), sites=(office_c,))


@pytest.fixture
def feed_token(db) -> str:
    """The supplier's API client: a user with only monitoring.ingest_fixes, and a bearer token."""
    feed = make_user("feed", roles=("monitoring_feed",), scope=Scope.NATIONAL, with_totp=False)
    secret = secrets.token_urlsafe(24)
    ApiToken.objects.create(
        user=feed,
        name="supplier feed",
        prefix=secret[:8],
        token_hash=hash_token(secret),
        scopes=sorted(actor_of(feed).permissions),
    )
    return secret


def post_fixes(base_url: str, token: str, fixes: list[dict]) -> dict:
    request = urllib.request.Request(
        f"{base_url}/api/v1/monitoring/fixes",
        data=json.dumps({"fixes": fixes}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 (the test's own live server)
        return json.loads(answer.read())


def fix(at: dt.datetime, where) -> dict:
    return {
        "device": "TAG-E2E",
        "time": at.isoformat(),
        "latitude": where[1],
        "longitude": where[0],
        "accuracy": 10,
        "battery": 90,
        "strap": "ok",
    }


@pytest.fixture
def patient_expect():
    """Assertions wait up to 30 s (the default 5 s is too short on the loaded shared machine)."""
    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)


def test_device_leaves_its_inclusion_zone_and_the_officer_acknowledges(
    page, live_server, office_c, mona, feed_token, patient_expect
):
    person = make_person(office_c, family="Okafor", given="Chidi", dob=dt.date(1990, 4, 2))
    # The shared machine is heavily loaded: a first page load can take longer than the default 10 s.
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)
    sign_in(page, mona)

    # The order, made on the pages with the zone pasted as GeoJSON.
    page.goto(f"/monitoring/people/{person.public_id}/orders/")
    page.get_by_role("link", name="Make a monitoring order").click()
    page.get_by_label("Court order reference").fill("E2E-1")
    page.locator("[name=starts_on_day]").fill("1")
    page.locator("[name=starts_on_month]").fill("1")
    page.locator("[name=starts_on_year]").fill("2026")
    page.get_by_label("Kind of condition").select_option("inclusion_zone")
    page.get_by_label("Label").fill("Home area")
    page.get_by_label("Place as GeoJSON").fill(json.dumps(HOME_AREA))
    page.get_by_role("button", name="Make order").click()
    expect(page.get_by_role("heading", name="Monitoring order E2E-1")).to_be_visible()
    expect(page.get_by_text("Inclusion zone: Home area")).to_be_visible()

    order = MonitoringOrder.objects.get(reference="E2E-1")
    # Fitting a tag has no page yet (the API does it): arranged through the service as the officer.
    # (in a transaction of its own, as a page or command would: the live-server test runs in autocommit)
    with transaction.atomic():
        tag = device_services.add_device(actor_of(mona), serial="TAG-E2E", kind="gps_tag")
        fitted = device_services.assign_device(actor_of(mona), device_id=tag.public_id, order_id=order.public_id)

    # Nothing yet in the queue.
    page.goto("/monitoring/")
    expect(page.get_by_text("There are no open alerts")).to_be_visible()

    # The device reports from home, then from well outside its zone.
    # Fixes count for the order from the fitting on (earlier ones are the device's history only).
    first = fitted.assigned_at.replace(microsecond=0) + dt.timedelta(seconds=1)
    answer = post_fixes(
        live_server.url, feed_token, [fix(first, INSIDE), fix(first + dt.timedelta(seconds=30), OUTSIDE)]
    )
    assert (answer["accepted"], answer["alerts_opened"]) == (2, 1)

    page.reload()
    row = page.get_by_role("row").filter(has_text="Inclusion zone left")
    expect(row).to_be_visible()
    expect(row).to_contain_text("OKAFOR, Chidi")
    expect(row).to_contain_text("Open")
    row.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Alert acknowledged")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Inclusion zone left")
    expect(row).to_contain_text("Acknowledged")
    expect(row.get_by_role("link", name="Record outcome")).to_be_visible()
    alert = Alert.objects.get()
    assert alert.acknowledged_by_id == mona.pk and alert.kind == "inclusion_left"
