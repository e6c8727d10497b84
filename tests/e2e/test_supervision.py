"""Supervision in a real browser (issue 7, the browser journey): a probation officer sees on the caseload
that a check-in waits for review, opens the case, reviews the flagged check-in (the person's postcode
did not match the record) as needing follow-up, then records yesterday's missed office appointment as a
failure to attend.

The case, the check-in schedule, the person's submission and the appointment are arranged through
factories and services; everything under test goes through the pages. Synthetic people only (DP-4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from playwright.sync_api import expect

from oms.core import clock
from oms.people.models import Address
from oms.supervision.services import checkins as services
from tests.e2e.helpers import sign_in
from tests.factories import actor_of, make_participant
from tests.people.conftest import make_person
from tests.supervision.factories import make_appointment, make_case

FAMILY, GIVEN = "Varga", "Noor"


@pytest.fixture
def person(office_c):
    person = make_person(office_c, family=FAMILY, given=GIVEN, dob=dt.date(1991, 3, 14))
    Address.objects.create(person=person, postcode="BS1 5TR", is_primary=True)
    return person


@pytest.fixture
def case(person, office_c, frank):
    case = make_case(person, office=office_c, officer=frank, starts_on=clock.today() - dt.timedelta(days=30))
    make_appointment(case, clock.now() - dt.timedelta(days=1))
    with transaction.atomic():  # the services lock rows, as their entry points do (a real commit: live server)
        _schedule_and_submit(case, person, frank)
    return case


def _schedule_and_submit(case, person, frank):
    services.set_schedule(actor_of(frank), case_id=case.public_id, frequency="weekly", starts_on=clock.today())
    services.submit_check_in(
        actor_of(make_participant(person, "noor")),
        check_in_id=case.check_ins.get().public_id,
        date_of_birth=dt.date(1991, 3, 14),
        postcode="BS2 0AA",  # not the address on record: flagged for the officer
        answers={"accommodation": "settled", "employment": "looking", "substance_use": "none", "wellbeing": "okay"},
        message="I moved in with my sister last week.",
    )


def test_officer_reviews_a_check_in_and_records_a_missed_appointment(page, frank, case, screenshot):
    sign_in(page, frank)
    page.goto("/supervision/")
    row = page.get_by_role("row").filter(has_text=FAMILY.upper())
    expect(row).to_contain_text("Check-in to review")
    row.get_by_role("link", name=f"{FAMILY.upper()}, {GIVEN}").click()

    expect(page.get_by_role("heading", name="Remote check-ins")).to_be_visible()
    page.get_by_role("link", name="Review the check-in").click()
    expect(page.get_by_text("Postcode did not match")).to_be_visible()
    expect(page.get_by_text("I moved in with my sister last week.")).to_be_visible()
    screenshot(page, "supervision-check-in-review")
    page.get_by_label("Follow-up needed").check()
    page.get_by_label("Note").fill("Confirm the new address and update the record.")
    page.get_by_role("button", name="Save review").click()

    expect(page.get_by_text("Check-in reviewed")).to_be_visible()
    expect(page.locator("#check-ins ~ table").first).to_contain_text("Reviewed: Follow-up needed")

    page.get_by_role("link", name="Record outcome").click()
    page.get_by_label("Failed to attend: unacceptable").check()
    page.get_by_role("button", name="Save outcome").click()
    expect(page.get_by_text("Outcome recorded")).to_be_visible()
    expect(page.locator("#appointments ~ table").first).to_contain_text("Failed to attend: unacceptable")
