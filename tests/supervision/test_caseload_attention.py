"""The caseload puts cases needing action first: drug tests due, violations awaiting a response and open
breaches join the contact urgency ordering (rule table-driven; page and API)."""

import datetime as dt

import pytest

from oms.supervision.models import Breach, DrugTest, Violation
from oms.supervision.rules.contact import caseload_key
from tests.factories import login_verified
from tests.people.conftest import make_person
from tests.people.test_api import bearer
from tests.supervision.factories import make_case

TODAY = dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("due_in_days", "tests", "violations", "breach", "rank"),
    [
        (-3, 0, 0, False, 0),  # contact overdue
        (20, 1, 0, False, 0),  # a drug test due
        (20, 0, 2, False, 0),  # violations awaiting a response
        (20, 0, 0, True, 1),  # an open breach to follow
        (3, 0, 0, False, 1),  # contact due soon
        (3, 0, 0, True, 1),
        (20, 0, 0, False, 2),
    ],
)
def test_caseload_rank(due_in_days, tests, violations, breach, rank):
    key = caseload_key(
        TODAY + dt.timedelta(days=due_in_days),
        TODAY,
        tests_due=tests,
        violations_awaiting=violations,
        breach_open=breach,
    )
    assert key[0] == rank


def test_action_items_come_before_an_equally_overdue_contact_and_overdue_sorts_most_first():
    action = caseload_key(TODAY - dt.timedelta(days=2), TODAY, tests_due=1)
    overdue = caseload_key(TODAY - dt.timedelta(days=9), TODAY)
    less_overdue = caseload_key(TODAY - dt.timedelta(days=1), TODAY)
    assert action < overdue < less_overdue


@pytest.mark.django_db
def test_the_caseload_page_and_api_show_what_needs_attention(client, frank, office_c):
    def case_of(name: str):
        person = make_person(office_c, family=name, given="Sam", dob=dt.date(1990, 3, 3))
        # Starting today, the induction contact is due today: "due soon" (rank 1) and nothing else.
        return make_case(person, office=office_c, officer=frank, starts_on=TODAY)

    plain, tested, breached = case_of("Adams"), case_of("Young"), case_of("Zeller")
    now = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
    DrugTest.objects.create(case=tested, reason="officer", due_on=TODAY, created_at=now)
    Breach.objects.create(case=breached, reason="x", initiated_on=TODAY, created_at=now)
    Violation.objects.create(
        case=breached,
        source="other",
        severity="low",
        occurred_on=TODAY,
        description="x",
        level_at_record="high",
        recorded_at=now,
    )
    body = login_verified(client, frank).get("/supervision/").content.decode()
    assert "Drug test due" in body and "Violation to answer" in body and "Breach: initiated" in body
    api = client.get("/api/v1/supervision/caseload", **bearer(frank)).json()
    names = [c["person_name"] for c in api]
    assert names[-1].startswith("ADAMS")  # the only case with nothing but a contact due today
    by_name = {c["person_name"].split(",")[0]: c for c in api}
    assert by_name["YOUNG"]["tests_due"] == 1
    assert by_name["ZELLER"]["open_breach_state"] == "initiated" and by_name["ZELLER"]["violations_awaiting"] == 1
    assert by_name["ADAMS"]["id"] == str(plain.public_id) and by_name["ADAMS"]["tests_due"] == 0
