"""The caseload also shows open electronic monitoring alerts and orders or licences ending within 28 days,
ranked with the rest (pure rule table-driven; page and API)."""

import datetime as dt

import pytest

from oms.monitoring.models import Alert
from oms.monitoring.services import orders as order_services
from oms.supervision.rules import caseload as rules
from oms.supervision.rules.contact import caseload_key
from tests.factories import actor_of, login_verified, make_user
from tests.monitoring.factories import curfew
from tests.people.conftest import make_person
from tests.people.test_api import bearer
from tests.supervision.factories import at, make_appointment, make_case

TODAY = dt.date(2026, 6, 1)
LATER = caseload_key(TODAY + dt.timedelta(days=20), TODAY)  # contact not due soon: rank 2
SOON = caseload_key(TODAY + dt.timedelta(days=3), TODAY)  # rank 1
OVERDUE = caseload_key(TODAY - dt.timedelta(days=3), TODAY)  # rank 0


@pytest.mark.parametrize(
    ("ends_on", "days", "is_expiring"),
    [
        (None, None, False),
        (TODAY + dt.timedelta(days=29), 29, False),
        (TODAY + dt.timedelta(days=28), 28, True),
        (TODAY, 0, True),
        (TODAY - dt.timedelta(days=1), -1, True),
    ],
)
def test_ending_within_28_days(ends_on, days, is_expiring):
    assert rules.ends_in_days(ends_on, TODAY) == days
    assert rules.expiring(days) is is_expiring


@pytest.mark.parametrize(
    ("key", "alerts", "ends_in", "rank"),
    [
        (LATER, (), None, 2),
        (LATER, ("low_battery",), None, 2),  # shown, not ranked
        (LATER, ("no_fix",), None, 0),  # the person may be unreachable
        (LATER, ("curfew_breached",), None, 0),
        (LATER, ("low_battery", "strap_tamper"), None, 0),
        (LATER, (), 28, 1),  # expiring: to follow
        (LATER, (), 29, 2),
        (LATER, (), -1, 0),  # past its end while still open
        (SOON, (), 10, 1),
        (OVERDUE, (), 10, 0),  # never lowered
        (OVERDUE, ("low_battery",), None, 0),
    ],
)
def test_more_attention_rank(key, alerts, ends_in, rank):
    assert rules.more_attention_key(key, alert_kinds=alerts, ends_in=ends_in)[0] == rank


def test_an_urgent_alert_sorts_with_action_items_and_keeps_the_contact_order():
    alert = rules.more_attention_key(LATER, alert_kinds=("no_fix",))
    overdue = rules.more_attention_key(OVERDUE)
    assert alert[0] == overdue[0] == 0
    assert alert < overdue  # an action item before a contact that is only overdue, as caseload_key does


@pytest.mark.django_db
def test_the_caseload_shows_alerts_and_expiring_orders_by_urgency(client, frank, office_c):
    mona = actor_of(make_user("mona", roles=("monitoring_officer",), sites=(office_c,)))

    def case_of(name: str, **fields):
        person = make_person(office_c, family=name, given="Sam", dob=dt.date(1990, 3, 3))
        # Low level (every 28 days) and seen this morning: contact is not due for four weeks (rank 2).
        case = make_case(
            person, office=office_c, officer=frank, starts_on=dt.date(2026, 1, 5), level_override="low", **fields
        )
        make_appointment(case, at(TODAY, 8), outcome="attended")
        return case

    def alert_on(case, kind, *, closed=False):
        order = order_services.make_order(
            mona, person_id=case.person.public_id, starts_on=dt.date(2026, 5, 1), conditions=[curfew()]
        )
        opened = dt.datetime(2026, 5, 31, 23, tzinfo=dt.UTC)
        Alert.objects.create(order=order, kind=kind, opened_at=opened, closed_at=opened if closed else None)

    baker, clark, fox = case_of("Baker"), case_of("Clark"), case_of("Fox", ends_on=TODAY + dt.timedelta(days=40))
    case_of("Evans", ends_on=TODAY + dt.timedelta(days=10))
    case_of("Grey", ends_on=TODAY - dt.timedelta(days=2))
    alert_on(baker, "low_battery")
    alert_on(clark, "no_fix")
    alert_on(fox, "strap_tamper", closed=True)  # closed: neither shown nor ranked

    api = client.get("/api/v1/supervision/caseload", **bearer(frank)).json()
    assert [c["person_name"].split(",")[0] for c in api] == ["CLARK", "GREY", "EVANS", "BAKER", "FOX"]
    by_name = {c["person_name"].split(",")[0]: c for c in api}
    assert by_name["BAKER"]["open_alerts"] == ["low_battery"]
    assert by_name["CLARK"]["open_alerts"] == ["no_fix"]
    assert by_name["FOX"]["open_alerts"] == [] and by_name["FOX"]["expiring"] is False
    assert (by_name["EVANS"]["ends_in_days"], by_name["EVANS"]["expiring"]) == (10, True)
    assert (by_name["GREY"]["ends_in_days"], by_name["GREY"]["expiring"]) == (-2, True)
    assert by_name["BAKER"]["ends_in_days"] is None

    body = login_verified(client, frank).get("/supervision/").content.decode()
    assert "Monitoring: Low battery" in body and "Monitoring: No fix received" in body
    assert "Ends in 10 days" in body and "Past its end date" in body
    assert "Strap tamper" not in body
    assert body.index("CLARK") < body.index("GREY") < body.index("EVANS") < body.index("BAKER") < body.index("FOX")
