"""Alcohol monitoring: readings from transdermal tags and breath testers through the feed (idempotent per
device and time, bad rows rejected with reasons), the pure rule (above the threshold, obstruction, missed
scheduled tests) and the alerts it raises (one open per condition and kind, closed when it clears)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied, RuleViolation
from oms.monitoring.models import AlcoholReading, Alert
from oms.monitoring.rules.alcohol import (
    ALCOHOL_DETECTED,
    ALCOHOL_TAMPER,
    ALCOHOL_TEST_MISSED,
    Reading,
    Thresholds,
    missed_test_states,
    reading_states,
    windows_between,
)
from oms.monitoring.rules.curfew import parse_timetable
from oms.monitoring.services import alcohol as services
from oms.monitoring.services import devices as device_services
from oms.monitoring.services import orders as order_services
from oms.monitoring.services.orders import ConditionSpec
from tests.factories import login_verified
from tests.monitoring.conftest import NOW
from tests.people.test_api import bearer

MORNINGS = [{"days": [0, 1, 2, 3, 4, 5, 6], "start": "08:00", "end": "08:30"}]
LONDON = "Europe/London"
HOUR = dt.timedelta(hours=1)


def epoch(*args, tz=LONDON) -> int:
    return int(dt.datetime(*args, tzinfo=ZoneInfo(tz)).timestamp())


# --- the pure rule -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("test_type", "value", "obstructed", "detected", "tamper"),
    [
        ("transdermal", 0.0, False, False, False),
        ("transdermal", 20.0, False, False, False),  # at the threshold is not above it
        ("transdermal", 20.1, False, True, False),
        ("breath", 9.0, False, False, False),
        ("breath", 9.5, False, True, False),
        ("breath", 15.0, True, None, True),  # obstructed: tamper, and the value says nothing
        ("transdermal", 0.0, True, None, True),
    ],
)
def test_reading_states(test_type, value, obstructed, detected, tamper):
    states = {
        s.key[1]: s.breached for s in reading_states(7, [Reading(100, test_type, value, obstructed)], Thresholds())
    }
    assert states.get(ALCOHOL_DETECTED) is detected
    assert states[ALCOHOL_TAMPER] is tamper


def test_windows_are_wall_clock_across_the_clock_change():
    windows = parse_timetable([{"days": [6], "start": "01:30", "end": "02:30"}])
    # 29 March 2026: the clocks go forward at 01:00 UTC; 01:30 local does not exist and moves to 02:30 BST.
    found = windows_between(windows, LONDON, epoch(2026, 3, 28), epoch(2026, 3, 30))
    assert len(found) == 1
    # 25 October 2026: 01:30-02:30 is read in the first pass of the repeated hour.
    found = windows_between(windows, LONDON, epoch(2026, 10, 24), epoch(2026, 10, 26))
    assert found == [(epoch(2026, 10, 25, 1, 30), epoch(2026, 10, 25, 2, 30))]


def test_a_window_past_midnight_ends_the_next_day():
    windows = parse_timetable([{"days": [0], "start": "23:30", "end": "00:30"}])
    found = windows_between(windows, LONDON, epoch(2026, 6, 1), epoch(2026, 6, 3))
    assert found == [(epoch(2026, 6, 1, 23, 30), epoch(2026, 6, 2, 0, 30))]


@pytest.mark.parametrize(
    ("tests", "expected"),
    [
        ([], [(True, (8, 30))]),  # no test: missed at the window's end
        # Every test is a clear (harmless when nothing is open); start is inclusive.
        ([(8, 0)], [(False, (8, 0))]),
        ([(8, 29)], [(False, (8, 29))]),
        ([(8, 30)], [(True, (8, 30)), (False, (8, 30))]),  # end is exclusive: missed, then cleared by it
        ([(9, 0)], [(True, (8, 30)), (False, (9, 0))]),
    ],
)
def test_missed_tests(tests, expected):
    windows = parse_timetable(MORNINGS)
    times = [epoch(2026, 6, 1, h, m) for h, m in tests]
    states = missed_test_states(
        1, windows, LONDON, tests=times, since=epoch(2026, 6, 1, 7), until=epoch(2026, 6, 1, 12)
    )
    assert all(s.key == (1, ALCOHOL_TEST_MISSED) for s in states)
    assert [(s.breached, s.at) for s in states] == [(b, epoch(2026, 6, 1, *hm)) for b, hm in expected]


def test_windows_ending_before_the_check_began_are_settled():
    windows = parse_timetable(MORNINGS)
    states = missed_test_states(1, windows, LONDON, tests=[], since=epoch(2026, 6, 1, 9), until=epoch(2026, 6, 1, 12))
    assert states == []


# --- through the service -------------------------------------------------------------------------------


def alcohol_order(actor, person, timetable=None):
    spec = ConditionSpec(kind="alcohol", label="Abstain from alcohol", timetable=timetable or [])
    return order_services.make_order(
        actor, person_id=person.public_id, starts_on=dt.date(2026, 6, 1), conditions=[spec]
    )


def fitted(actor, order, serial, kind):
    device = device_services.add_device(actor, serial=serial, kind=kind)
    device_services.assign_device(actor, device_id=device.public_id, order_id=order.public_id)
    return device


def reading(serial, at, value, test_type="transdermal", obstructed=False):
    return services.ReadingRow(device=serial, time=at, test_type=test_type, reading=value, obstructed=obstructed)


def open_kinds(order):
    return sorted(
        Alert.objects.filter(order__lineage=order.lineage, closed_at__isnull=True).values_list("kind", flat=True)
    )


def test_an_alcohol_condition_takes_an_optional_test_timetable(mona_actor, person):
    order = alcohol_order(mona_actor, person, MORNINGS)
    assert order.conditions.get().timetable == MORNINGS
    with pytest.raises(RuleViolation) as caught:
        alcohol_order(mona_actor, person, [{"days": [9], "start": "08:00", "end": "08:30"}])
    assert caught.value.field == "conditions[0].timetable[0].days"


def test_transdermal_reading_above_threshold_opens_one_alert_until_it_clears(mona_actor, feed_actor, person):
    with clock.freeze(NOW - 6 * HOUR):
        order = alcohol_order(mona_actor, person)
        fitted(mona_actor, order, "ALC-1", "alcohol_tag")
    start = NOW - 5 * HOUR
    rows = [reading("ALC-1", start + i * dt.timedelta(minutes=30), v) for i, v in enumerate([0, 25, 40, 31, 12, 0])]
    result = services.ingest_alcohol_readings(feed_actor, rows=rows)
    assert (result.accepted, result.alerts_opened, result.alerts_closed) == (6, 1, 1)
    alert = Alert.objects.get(kind=ALCOHOL_DETECTED)
    assert alert.opened_at == start + dt.timedelta(minutes=30)
    assert alert.closed_at == start + dt.timedelta(minutes=120)
    assert alert.condition.kind == "alcohol"
    more = services.ingest_alcohol_readings(
        feed_actor, rows=[reading("ALC-1", NOW - HOUR, 50), reading("ALC-1", NOW - 30 * dt.timedelta(minutes=1), 60)]
    )
    assert more.alerts_opened == 1
    assert open_kinds(order) == [ALCOHOL_DETECTED]
    assert AuditEvent.objects.filter(action="monitoring.alcohol_readings_ingested").count() == 2


def test_ingest_is_idempotent_and_rejects_bad_rows(mona_actor, feed_actor, person):
    with clock.freeze(NOW - 6 * HOUR):
        order = alcohol_order(mona_actor, person)
        fitted(mona_actor, order, "ALC-1", "alcohol_tag")
    at = NOW - HOUR
    same_instant = at.astimezone(dt.timezone(dt.timedelta(hours=2)))
    rows = [
        reading("ALC-1", at, 5),
        reading("ALC-1", same_instant, 5),  # the same instant in another offset
        reading("NOPE", at, 5),
        reading("ALC-1", at.replace(tzinfo=None), 5),
        reading("ALC-1", NOW + HOUR, 5),
        reading("ALC-1", at + HOUR / 2, 5, test_type="blood"),
        reading("ALC-1", at + HOUR / 2, 5, test_type="breath"),  # a tag does not take breath tests
        reading("ALC-1", at + HOUR / 2, -1),
        reading("ALC-1", at + HOUR / 2, float("nan")),
    ]
    result = services.ingest_alcohol_readings(feed_actor, rows=rows)
    assert (result.accepted, result.duplicates) == (1, 1)
    assert [(r.index, r.field, r.reason) for r in result.rejected] == [
        (2, "device", "unknown_device"),
        (3, "time", "time_without_zone"),
        (4, "time", "time_in_future"),
        (5, "test_type", "test_type_unknown"),
        (6, "test_type", "test_type_not_of_device"),
        (7, "reading", "reading_out_of_range"),
        (8, "reading", "reading_out_of_range"),
    ]
    again = services.ingest_alcohol_readings(feed_actor, rows=rows[:1])
    assert (again.accepted, again.duplicates) == (0, 1)
    assert AlcoholReading.objects.count() == 1


def test_obstruction_is_tamper_until_a_clean_reading(mona_actor, feed_actor, person):
    with clock.freeze(NOW - 6 * HOUR):
        order = alcohol_order(mona_actor, person)
        fitted(mona_actor, order, "ALC-1", "alcohol_tag")
    services.ingest_alcohol_readings(
        feed_actor,
        rows=[
            reading("ALC-1", NOW - 3 * HOUR, 0, obstructed=True),
            reading("ALC-1", NOW - 2 * HOUR, 0, obstructed=True),
        ],
    )
    assert open_kinds(order) == [ALCOHOL_TAMPER]
    services.ingest_alcohol_readings(feed_actor, rows=[reading("ALC-1", NOW - HOUR, 0)])
    assert open_kinds(order) == []
    assert Alert.objects.filter(kind=ALCOHOL_TAMPER).count() == 1


def test_a_late_reading_does_not_reopen_a_settled_episode(mona_actor, feed_actor, person):
    with clock.freeze(NOW - 6 * HOUR):
        order = alcohol_order(mona_actor, person)
        fitted(mona_actor, order, "ALC-1", "alcohol_tag")
    services.ingest_alcohol_readings(feed_actor, rows=[reading("ALC-1", NOW - HOUR, 0)])
    late = services.ingest_alcohol_readings(feed_actor, rows=[reading("ALC-1", NOW - 3 * HOUR, 80)])
    assert (late.accepted, late.alerts_opened) == (1, 0)
    assert open_kinds(order) == []


def test_missed_breath_test_is_alerted_by_the_check_and_cleared_by_the_next_test(mona_actor, feed_actor, person):
    # Fitted on Sunday evening; Monday's 08:00-08:30 (BST) window passes without a test.
    with clock.freeze(dt.datetime(2026, 5, 31, 18, 0, tzinfo=dt.UTC)):
        order = alcohol_order(mona_actor, person, MORNINGS)
        fitted(mona_actor, order, "BR-1", "breath_unit")
    assert services.check_missed_alcohol_tests(Actor.system()) == 1
    assert services.check_missed_alcohol_tests(Actor.system()) == 0  # one alert per condition and kind
    alert = Alert.objects.get(kind=ALCOHOL_TEST_MISSED)
    assert alert.opened_at == dt.datetime(2026, 6, 1, 7, 30, tzinfo=dt.UTC)
    result = services.ingest_alcohol_readings(feed_actor, rows=[reading("BR-1", NOW - HOUR, 0, "breath")])
    assert (result.alerts_opened, result.alerts_closed) == (0, 1)
    assert open_kinds(order) == []
    # The settled window does not come back on the next check.
    assert services.check_missed_alcohol_tests(Actor.system()) == 0


def test_a_test_inside_the_window_is_not_missed(mona_actor, feed_actor, person):
    with clock.freeze(dt.datetime(2026, 5, 31, 18, 0, tzinfo=dt.UTC)):
        order = alcohol_order(mona_actor, person, MORNINGS)
        fitted(mona_actor, order, "BR-1", "breath_unit")
    services.ingest_alcohol_readings(
        feed_actor, rows=[reading("BR-1", dt.datetime(2026, 6, 1, 7, 10, tzinfo=dt.UTC), 3, "breath")]
    )
    assert services.check_missed_alcohol_tests(Actor.system()) == 0
    assert open_kinds(order) == []


def test_a_positive_breath_test_alerts(mona_actor, feed_actor, person):
    with clock.freeze(dt.datetime(2026, 5, 31, 18, 0, tzinfo=dt.UTC)):
        order = alcohol_order(mona_actor, person, MORNINGS)
        fitted(mona_actor, order, "BR-1", "breath_unit")
    result = services.ingest_alcohol_readings(
        feed_actor, rows=[reading("BR-1", dt.datetime(2026, 6, 1, 7, 10, tzinfo=dt.UTC), 30, "breath")]
    )
    assert result.alerts_opened == 1
    assert open_kinds(order) == [ALCOHOL_DETECTED]


def test_only_the_feed_may_send_readings(mona_actor):
    with pytest.raises(PermissionDenied):
        services.ingest_alcohol_readings(mona_actor, rows=[])


# --- through the API -----------------------------------------------------------------------------------


def test_alcohol_readings_through_the_api(client, mona, feed, mona_actor, person):
    with clock.freeze(NOW - 6 * HOUR):
        order = alcohol_order(mona_actor, person)
        fitted(mona_actor, order, "ALC-1", "alcohol_tag")
    batch = {
        "readings": [
            {"device": "ALC-1", "time": (NOW - 2 * HOUR).isoformat(), "test_type": "transdermal", "reading": 32.5},
            {
                "device": "ALC-1",
                "time": (NOW - HOUR).isoformat(),
                "test_type": "transdermal",
                "reading": 0,
                "obstructed": True,
            },
            {"device": "ALC-2", "time": (NOW - HOUR).isoformat(), "test_type": "transdermal", "reading": 0},
        ]
    }
    url = "/api/v1/monitoring/alcohol-readings"
    sent = client.post(url, batch, content_type="application/json", **bearer(feed))
    assert sent.status_code == 200, sent.content
    assert sent.json() == {
        "accepted": 2,
        "duplicates": 0,
        "rejected": [{"index": 2, "field": "device", "reason": "unknown_device"}],
        "alerts_opened": 2,
        "alerts_closed": 0,
    }
    again = client.post(url, batch, content_type="application/json", **bearer(feed)).json()
    assert (again["accepted"], again["duplicates"]) == (0, 2)
    assert (
        client.post(
            url, {"readings": [{"device": "ALC-1"}]}, content_type="application/json", **bearer(feed)
        ).status_code
        == 422
    )
    assert client.post(url, {"readings": []}, content_type="application/json", **bearer(mona)).status_code == 403
    assert client.post(url, {"readings": []}, content_type="application/json").status_code == 401
    queue = client.get("/api/v1/monitoring/alerts", **bearer(mona)).json()
    kinds = sorted(a["kind"] for a in (queue["items"] if isinstance(queue, dict) else queue))
    assert kinds == [ALCOHOL_DETECTED, ALCOHOL_TAMPER]


def test_the_order_page_shows_recent_readings(client, mona, mona_actor, feed_actor, person):
    with clock.freeze(NOW - 6 * HOUR):
        order = alcohol_order(mona_actor, person)
        fitted(mona_actor, order, "ALC-1", "alcohol_tag")
    services.ingest_alcohol_readings(
        feed_actor, rows=[reading("ALC-1", NOW - 2 * HOUR, 32.5), reading("ALC-1", NOW - HOUR, 0, obstructed=True)]
    )
    body = login_verified(client, mona).get(f"/monitoring/orders/{order.public_id}/").content.decode()
    assert "Alcohol readings" in body and "32.5" in body and "Obstructed" in body
    assert "Alcohol above the threshold" in body
