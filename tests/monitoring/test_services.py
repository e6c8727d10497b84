"""Monitoring services: orders need a condition and vary into versions; devices are fitted one order at a
time; ingest is idempotent and rejects bad rows with reasons; evaluation opens one alert per episode and
closes it when the condition clears; officers acknowledge and record outcomes."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.core.events import subscribe
from oms.monitoring.models import Alert, Device, Fix, MonitoringOrder
from oms.monitoring.services import alerts as alert_services
from oms.monitoring.services import devices as device_services
from oms.monitoring.services import fixes as fix_services
from oms.monitoring.services import orders as order_services
from oms.monitoring.services.orders import ConditionSpec
from tests.monitoring.conftest import NOW
from tests.monitoring.factories import AWAY, HOME, IN_SQUARE, SQUARE, curfew, exclusion, row

MINUTE = dt.timedelta(minutes=1)
POINT = {"type": "Point", "coordinates": [0, 51]}


def make_order(actor, person, *conditions):
    return order_services.make_order(
        actor, person_id=person.public_id, starts_on=dt.date(2026, 6, 1), conditions=list(conditions) or [curfew()]
    )


def fitted(actor, order, serial="TAG-1"):
    device = device_services.add_device(actor, serial=serial, kind="gps_tag")
    device_services.assign_device(actor, device_id=device.public_id, order_id=order.public_id)
    return device


# --- orders ----------------------------------------------------------------------------------------


def test_an_order_without_a_condition_is_refused(mona_actor, person):
    with pytest.raises(RuleViolation) as caught:
        order_services.make_order(mona_actor, person_id=person.public_id, starts_on=dt.date(2026, 6, 1), conditions=[])
    assert (caught.value.code, caught.value.field) == ("monitoring.no_condition", "conditions")


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (ConditionSpec(kind="curfew", zone=POINT, radius_m=50), "conditions[0].timetable"),
        (ConditionSpec(kind="curfew", timetable=[]), "conditions[0].zone"),
        (ConditionSpec(kind="exclusion_zone", zone=POINT), "conditions[0].radius_m"),
        (ConditionSpec(kind="alcohol", zone=SQUARE), "conditions[0].zone"),
        (ConditionSpec(kind="teleport"), "conditions[0].kind"),
        (
            ConditionSpec(kind="attendance", zone=SQUARE, timetable=[{"days": [0], "start": "09:00", "end": "9am"}]),
            "conditions[0].timetable[0].end",
        ),
    ],
)
def test_bad_conditions_name_the_field(mona_actor, person, spec, field):
    with pytest.raises(RuleViolation) as caught:
        make_order(mona_actor, person, spec)
    assert caught.value.field == field


def test_an_order_is_made_and_audited(mona_actor, person):
    order = make_order(mona_actor, person, curfew(), exclusion(), ConditionSpec(kind="alcohol"))
    assert order.version == 1 and order.status == "active"
    assert [c.kind for c in order.conditions.order_by("position")] == ["curfew", "exclusion_zone", "alcohol"]
    assert AuditEvent.objects.filter(action="monitoring.order_made", object_id=str(order.public_id)).exists()


def test_a_variation_is_a_new_version(mona_actor, person):
    order = make_order(mona_actor, person, curfew())
    varied = order_services.vary_order(
        mona_actor, order_id=order.public_id, version=1, reason="Court varied", conditions=[curfew(), exclusion()]
    )
    order.refresh_from_db()
    assert (order.status, varied.version, varied.previous_id) == ("superseded", 2, order.pk)
    assert varied.lineage == order.lineage
    assert varied.conditions.count() == 2
    with pytest.raises(Conflict):
        order_services.vary_order(
            mona_actor, order_id=varied.public_id, version=1, reason="stale", conditions=[curfew()]
        )


def test_zones_import_from_geojson(mona_actor, person):
    order = make_order(mona_actor, person)
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "Park"}, "geometry": SQUARE},
            {
                "type": "Feature",
                "properties": {"name": "Victim's home", "radius_m": 500},
                "geometry": {"type": "Point", "coordinates": [0.1, 51.4]},
            },
        ],
    }
    varied = order_services.import_zones(
        mona_actor, order_id=order.public_id, version=1, kind="exclusion_zone", geojson=collection, reason="Zones"
    )
    zones = [(c.kind, c.label, c.zone.radius_m) for c in varied.conditions.order_by("position")]
    assert zones == [
        ("curfew", "Home curfew", 100),
        ("exclusion_zone", "Park", None),
        ("exclusion_zone", "Victim's home", 500),
    ]


def test_a_bad_feature_in_an_import_names_it(mona_actor, person):
    order = make_order(mona_actor, person)
    bad = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": POINT}]}
    with pytest.raises(RuleViolation) as caught:
        order_services.import_zones(
            mona_actor, order_id=order.public_id, version=1, kind="exclusion_zone", geojson=bad, reason="Zones"
        )
    assert caught.value.field == "geojson.features[0]"


# --- devices ---------------------------------------------------------------------------------------


def test_devices_are_fitted_one_order_at_a_time(mona_actor, person):
    order = make_order(mona_actor, person)
    device = fitted(mona_actor, order)
    assert Device.objects.get(pk=device.pk).status == "assigned"
    with pytest.raises(Conflict):
        device_services.assign_device(mona_actor, device_id=device.public_id, order_id=order.public_id)
    device_services.report_fault(mona_actor, device_id=device.public_id, description="Strap clip cracked")
    returned = device_services.return_device(mona_actor, device_id=device.public_id, reason="Replaced")
    assert returned.status == "faulty"
    with pytest.raises(Conflict):
        device_services.assign_device(mona_actor, device_id=device.public_id, order_id=order.public_id)


# --- ingest ----------------------------------------------------------------------------------------


def test_ingest_is_idempotent_per_device_and_time(mona_actor, feed_actor, person):
    order = make_order(mona_actor, person)
    fitted(mona_actor, order)
    rows = [row("TAG-1", NOW + i * MINUTE) for i in range(3)]
    first = fix_services.ingest_fixes(feed_actor, rows=rows)
    again = fix_services.ingest_fixes(feed_actor, rows=rows)
    assert (first.accepted, first.duplicates, first.rejected) == (3, 0, [])
    assert (again.accepted, again.duplicates, again.rejected) == (0, 3, [])
    assert Fix.objects.count() == 3
    # The same instant in another offset is the same fix.
    same = row("TAG-1", (NOW).astimezone(dt.timezone(dt.timedelta(hours=1))))
    assert fix_services.ingest_fixes(feed_actor, rows=[same, same]).duplicates == 2


def test_bad_rows_are_rejected_with_reasons_and_good_ones_kept(mona_actor, feed_actor, person):
    order = make_order(mona_actor, person)
    fitted(mona_actor, order)
    rows = [
        row("TAG-1", NOW),
        row("NOPE", NOW),
        row("TAG-1", NOW + dt.timedelta(hours=1)),
        row("TAG-1", NOW.replace(tzinfo=None) - MINUTE),
        row("TAG-1", NOW - 2 * MINUTE, where=(0, 91)),
        row("TAG-1", NOW - 3 * MINUTE, where=(181, 0)),
        row("TAG-1", NOW - 4 * MINUTE, accuracy=float("nan")),
        row("TAG-1", NOW - 5 * MINUTE, battery=101),
        row("TAG-1", NOW - 6 * MINUTE, strap="loose"),
        row("TAG-1", NOW - 7 * MINUTE),
    ]
    result = fix_services.ingest_fixes(feed_actor, rows=rows)
    assert result.accepted == 2
    assert [(r.index, r.field, r.reason) for r in result.rejected] == [
        (1, "device", "unknown_device"),
        (2, "time", "time_in_future"),
        (3, "time", "time_without_zone"),
        (4, "latitude", "latitude_out_of_range"),
        (5, "longitude", "longitude_out_of_range"),
        (6, "accuracy", "accuracy_out_of_range"),
        (7, "battery", "battery_out_of_range"),
        (8, "strap", "strap_unknown"),
    ]
    assert AuditEvent.objects.filter(action="monitoring.fixes_ingested").count() == 1


def test_fixes_before_fitting_are_kept_but_not_attributed(mona_actor, feed_actor, person):
    order = make_order(mona_actor, person)
    fitted(mona_actor, order)
    fix_services.ingest_fixes(feed_actor, rows=[row("TAG-1", NOW - MINUTE, where=AWAY), row("TAG-1", NOW)])
    assert list(Fix.objects.order_by("recorded_at").values_list("lineage", flat=True)) == [None, order.lineage]


# --- evaluation and alerts -------------------------------------------------------------------------


@pytest.fixture
def opened_events():
    seen = []

    def remember(actor, event):
        seen.append(event)

    subscribe(alert_services.ALERT_OPENED, remember)
    yield seen
    from oms.core.events import _handlers

    _handlers[alert_services.ALERT_OPENED].remove(remember)


def test_one_alert_per_exclusion_episode_closed_when_left(mona_actor, feed_actor, person, opened_events):
    order = make_order(mona_actor, person, exclusion())
    fitted(mona_actor, order)
    inside = [row("TAG-1", NOW + i * MINUTE, where=IN_SQUARE) for i in range(5)]
    result = fix_services.ingest_fixes(feed_actor, rows=inside[:3])
    result2 = fix_services.ingest_fixes(feed_actor, rows=inside[3:])
    assert (result.alerts_opened, result2.alerts_opened) == (1, 0)
    alert = Alert.objects.get()
    assert (alert.kind, alert.opened_at, alert.closed_at) == ("exclusion_entered", NOW, None)
    assert [e.payload["alert_id"] for e in opened_events] == [str(alert.public_id)]
    with clock.freeze(NOW + 10 * MINUTE):
        left = fix_services.ingest_fixes(feed_actor, rows=[row("TAG-1", NOW + 6 * MINUTE, where=HOME)])
    alert.refresh_from_db()
    assert (left.alerts_closed, alert.closed_at) == (1, NOW + 6 * MINUTE)
    # A second entry is a new episode.
    with clock.freeze(NOW + 10 * MINUTE):
        fix_services.ingest_fixes(feed_actor, rows=[row("TAG-1", NOW + 7 * MINUTE, where=IN_SQUARE)])
    assert Alert.objects.filter(kind="exclusion_entered").count() == 2


def test_the_database_allows_one_open_alert_per_condition_and_kind(mona_actor, person):
    order = make_order(mona_actor, person, exclusion())
    condition = order.conditions.get()
    Alert.objects.create(order=order, condition=condition, kind="exclusion_entered", opened_at=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(order=order, condition=condition, kind="exclusion_entered", opened_at=NOW)
    Alert.objects.create(order=order, kind="no_fix", opened_at=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(order=order, kind="no_fix", opened_at=NOW)


def test_curfew_breach_and_device_alerts(mona_actor, feed_actor, person):
    order = make_order(mona_actor, person, curfew())
    fitted(mona_actor, order)
    evening = dt.datetime(2026, 6, 1, 18, 0, tzinfo=dt.UTC)  # 19:00 BST
    rows = [
        row("TAG-1", evening - 10 * MINUTE, where=AWAY),  # before the curfew: fine
        row("TAG-1", evening, where=AWAY),  # breached
        row("TAG-1", evening + 5 * MINUTE, where=AWAY, battery=10, strap="tampered"),
        row("TAG-1", evening + 10 * MINUTE, where=HOME, battery=50),
    ]
    with clock.freeze(evening + 11 * MINUTE):
        fix_services.ingest_fixes(feed_actor, rows=rows)
    alerts = {a.kind: (a.opened_at, a.closed_at) for a in Alert.objects.all()}
    assert alerts == {
        "curfew_breached": (evening, evening + 10 * MINUTE),
        "strap_tamper": (evening + 5 * MINUTE, evening + 10 * MINUTE),
        "low_battery": (evening + 5 * MINUTE, evening + 10 * MINUTE),
    }


def test_no_fix_gap_and_silent_devices(mona_actor, feed_actor, person):
    order = make_order(mona_actor, person)
    fitted(mona_actor, order)
    fix_services.ingest_fixes(feed_actor, rows=[row("TAG-1", NOW)])
    with clock.freeze(NOW + 20 * MINUTE):
        assert fix_services.check_silent_devices(Actor.system()) == 1
        assert fix_services.check_silent_devices(Actor.system()) == 0  # still the same episode
        alert = Alert.objects.get(kind="no_fix")
        assert alert.opened_at == NOW + 15 * MINUTE
        fix_services.ingest_fixes(feed_actor, rows=[row("TAG-1", NOW + 19 * MINUTE)])
    alert.refresh_from_db()
    assert alert.closed_at == NOW + 19 * MINUTE


def test_acknowledge_then_outcome(mona_actor, feed_actor, person):
    order = make_order(mona_actor, person, exclusion())
    fitted(mona_actor, order)
    fix_services.ingest_fixes(feed_actor, rows=[row("TAG-1", NOW, where=IN_SQUARE)])
    alert = Alert.objects.get()
    with pytest.raises(Conflict):
        alert_services.record_outcome(mona_actor, alert_id=alert.public_id, outcome="contacted")
    alert_services.acknowledge_alert(mona_actor, alert_id=alert.public_id)
    with pytest.raises(Conflict):
        alert_services.acknowledge_alert(mona_actor, alert_id=alert.public_id)
    done = alert_services.record_outcome(mona_actor, alert_id=alert.public_id, outcome="contacted", notes="Phoned")
    assert (done.outcome, done.outcome_notes, done.acknowledged_by_id) == ("contacted", "Phoned", mona_actor.user_id)


def test_variation_closes_condition_alerts_and_keeps_device_alerts(mona_actor, feed_actor, person):
    order = make_order(mona_actor, person, exclusion())
    fitted(mona_actor, order)
    fix_services.ingest_fixes(feed_actor, rows=[row("TAG-1", NOW, where=IN_SQUARE, strap="tampered")])
    varied = order_services.vary_order(
        mona_actor, order_id=order.public_id, version=1, reason="Zone lifted", conditions=[curfew()]
    )
    assert Alert.objects.get(kind="exclusion_entered").closed_at == NOW
    assert Alert.objects.get(kind="strap_tamper").order_id == varied.pk


def test_retention_purge(mona_actor, feed_actor, person):
    order = make_order(mona_actor, person)
    fitted(mona_actor, order)
    fix_services.ingest_fixes(feed_actor, rows=[row("TAG-1", NOW - dt.timedelta(days=100)), row("TAG-1", NOW)])
    assert fix_services.purge_fixes(Actor.system()) == 1
    assert Fix.objects.count() == 1
    assert MonitoringOrder.objects.count() == 1
