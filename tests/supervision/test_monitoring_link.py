"""Monitoring alerts raise violations on the person's open supervision case: the severity table (every
alert kind has a row), one violation per alert however often the event arrives, none for a no-fix gap or a
low battery, none without an open case; audited with the alert id."""

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.core.events import Event, publish
from oms.monitoring.models import Alert
from oms.monitoring.rules.episodes import Transition
from oms.monitoring.services import alerts as alert_services
from oms.monitoring.services import orders as order_services
from oms.supervision.models import Violation
from oms.supervision.rules import monitoring as rules
from oms.supervision.services.monitoring_link import alert_reference, raise_violation_for_alert
from tests.factories import actor_of, make_user
from tests.monitoring.factories import curfew
from tests.supervision.factories import make_case

OPENED = dt.datetime(2026, 5, 31, 22, 15, tzinfo=dt.UTC)  # 23:15 in London (BST), the night before "today"


@pytest.fixture
def mona_actor(office_c):
    return actor_of(make_user("mona", roles=("monitoring_officer",), sites=(office_c,)))


@pytest.fixture
def order(mona_actor, person):
    return order_services.make_order(
        mona_actor, person_id=person.public_id, starts_on=dt.date(2026, 5, 1), conditions=[curfew()]
    )


def open_alert(order, kind: str, condition=None) -> Alert:
    """Open an alert the way evaluation does (it publishes monitoring.alert_opened)."""
    key = (condition.pk if condition else None, kind)
    alert_services.apply_transitions(
        Actor.system(channel="api"), order, [Transition("open", key, int(OPENED.timestamp()))]
    )
    return Alert.objects.get(order=order, kind=kind, closed_at__isnull=True)


# --- the table (pure) ----------------------------------------------------------------------------------


def test_every_alert_kind_has_a_row_in_the_table():
    assert set(rules.ALERT_SEVERITY) == set(Alert.Kind.values)


@pytest.mark.parametrize(
    ("kind", "severity"),
    [
        ("exclusion_entered", "high"),
        ("curfew_breached", "high"),
        ("strap_tamper", "high"),
        ("alcohol_detected", "high"),
        ("alcohol_tamper", "high"),
        ("inclusion_left", "medium"),
        ("attendance_missed", "medium"),
        ("alcohol_test_missed", "medium"),
        ("no_fix", None),
        ("low_battery", None),
        ("a_kind_added_later", None),
    ],
)
def test_severity_by_alert_kind(kind, severity):
    assert rules.violation_severity(kind) == severity


# --- the subscriber ------------------------------------------------------------------------------------


def test_a_curfew_breach_raises_a_high_violation_on_the_open_licence(person, frank, order):
    make_case(person, kind="probation", starts_on=dt.date(2026, 1, 5), officer=frank)
    licence = make_case(person, kind="licence", starts_on=dt.date(2026, 3, 2), officer=frank)
    condition = order.conditions.get()
    alert = open_alert(order, "curfew_breached", condition)

    violation = Violation.objects.get()
    assert violation.case == licence  # a licence before a probation order: recall is possible there
    assert (violation.source, violation.severity) == ("monitoring_alert", "high")
    assert violation.occurred_on == dt.date(2026, 5, 31)
    assert violation.description.startswith("Curfew breached at 23:15 on 31 May 2026")
    assert alert_reference(str(alert.public_id)) in violation.description
    assert violation.awaiting_response
    event = AuditEvent.objects.get(action="supervision.violation_recorded")
    assert event.details["trigger"] == "monitoring.alert_opened"
    assert event.details["alert_id"] == str(alert.public_id)
    assert event.details["severity"] == "high"
    assert event.subject_person_id == person.pk


def test_an_inclusion_zone_left_is_medium(person, frank, order):
    make_case(person, kind="probation", starts_on=dt.date(2026, 1, 5), officer=frank)
    open_alert(order, "inclusion_left", order.conditions.get())
    assert Violation.objects.get().severity == "medium"


def test_the_same_alert_twice_records_one_violation(person, frank, order):
    make_case(person, kind="licence", starts_on=dt.date(2026, 3, 2), officer=frank)
    alert = open_alert(order, "strap_tamper")
    again = Event(
        "monitoring.alert_opened",
        {
            "alert_id": str(alert.public_id),
            "order_id": str(order.public_id),
            "person_id": person.pk,
            "kind": "strap_tamper",
            "opened_at": OPENED.isoformat(),
        },
    )
    publish(Actor.system(), again)
    assert raise_violation_for_alert(Actor.system(), again) is None
    assert Violation.objects.count() == 1
    # A second, different alert is a second violation.
    alert.closed_at = OPENED
    alert.save(update_fields=["closed_at"])
    open_alert(order, "strap_tamper")
    assert Violation.objects.count() == 2


@pytest.mark.parametrize("kind", ["no_fix", "low_battery"])
def test_a_gap_or_a_low_battery_raises_no_violation(person, frank, order, kind):
    make_case(person, kind="licence", starts_on=dt.date(2026, 3, 2), officer=frank)
    open_alert(order, kind)
    assert not Violation.objects.exists()


def test_no_open_case_no_violation(person, frank, order):
    make_case(person, kind="probation", starts_on=dt.date(2026, 1, 5), status="closed", closed_on=dt.date(2026, 5, 1))
    open_alert(order, "exclusion_entered", order.conditions.get())
    assert not Violation.objects.exists()
    assert Alert.objects.count() == 1  # the alert itself stands: monitoring does not depend on supervision


def test_an_alert_before_the_case_started_is_dated_the_case_start(person, frank, order):
    make_case(person, kind="licence", starts_on=dt.date(2026, 6, 1), officer=frank)
    open_alert(order, "curfew_breached", order.conditions.get())
    assert Violation.objects.get().occurred_on == dt.date(2026, 6, 1)


def test_an_unknown_alert_id_is_not_found_and_records_nothing(person, frank):
    make_case(person, kind="licence", starts_on=dt.date(2026, 3, 2), officer=frank)
    bad = Event(
        "monitoring.alert_opened",
        {"alert_id": "nope", "person_id": person.pk, "kind": "curfew_breached", "opened_at": OPENED.isoformat()},
    )
    with pytest.raises(NotFound):
        raise_violation_for_alert(Actor.system(), bad)
    assert not Violation.objects.exists()
