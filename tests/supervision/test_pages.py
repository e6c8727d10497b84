"""The supervision pages: the caseload by urgency, a person's cases, the case page, each action's form
(GOV.UK error summary on bad input, 422), the profile link, and 403 / 404 for the wrong role and
another office."""

import datetime as dt
import importlib

import pytest

from oms.people.queries import register_profile_links, unregister_profile_links
from oms.supervision.models import Appointment, Requirement, SupervisionCase
from oms.supervision.views.cases import supervision_profile_links
from tests.factories import login_verified
from tests.supervision.factories import at, make_appointment, make_case

pytestmark = pytest.mark.django_db
registry = importlib.import_module("oms.people.queries.profile_links")


def date_fields(prefix: str, value: dt.date) -> dict:
    return {f"{prefix}_day": value.day, f"{prefix}_month": value.month, f"{prefix}_year": value.year}


def test_the_caseload_shows_overdue_first_with_level_and_due_date(client, frank, person, other_person, office_c):
    soon = make_case(other_person, office=office_c, officer=frank, starts_on=dt.date(2026, 6, 3))
    overdue = make_case(person, office=office_c, officer=frank, starts_on=dt.date(2026, 5, 1))
    page = login_verified(client, frank).get("/supervision/")
    body = page.content.decode()
    assert page.status_code == 200
    assert body.index(str(overdue.public_id)) < body.index(str(soon.public_id))
    assert "Overdue" in body and "Due soon" in body and "High (not assessed)" in body and "3 Jun 2026" in body


def test_opening_a_case_from_the_person(client, frank, person, office_c):
    as_frank = login_verified(client, frank)
    listing = as_frank.get(f"/supervision/people/{person.public_id}/")
    assert listing.status_code == 200 and "Open a supervision case" in listing.content.decode()
    url = f"/supervision/people/{person.public_id}/open/"
    empty = as_frank.post(url, {})
    assert empty.status_code == 422
    body = empty.content.decode()
    assert "govuk-error-summary" in body and "Select the kind of supervision" in body and "Enter the start date" in body
    backwards = as_frank.post(
        url,
        {
            "kind": "probation",
            **date_fields("starts_on", dt.date(2026, 6, 1)),
            **date_fields("ends_on", dt.date(2026, 1, 1)),
        },
    )
    assert (
        backwards.status_code == 422 and "The end date must be on or after the start date" in backwards.content.decode()
    )
    opened = as_frank.post(
        url,
        {
            "kind": "probation",
            "reference": "CO-1",
            **date_fields("starts_on", dt.date(2026, 6, 1)),
            "office_id": str(office_c.public_id),
            "officer_id": str(frank.public_id),
        },
    )
    case = SupervisionCase.objects.get(person=person)
    assert opened.status_code == 302 and opened.url == f"/supervision/cases/{case.public_id}/"
    assert case.officer == frank and case.office == office_c


def test_the_case_page_and_its_forms(client, frank, sue, person, office_c):
    case = make_case(person, office=office_c, officer=frank, reference="CO-7")
    make_appointment(case, at(dt.date(2026, 6, 1), 8))
    as_frank = login_verified(client, frank)
    page = as_frank.get(f"/supervision/cases/{case.public_id}/")
    body = page.content.decode()
    assert page.status_code == 200 and "CO-7" in body and "Record outcome" in body and "Book an appointment" in body
    assert "Override" not in body  # frank may not override the level

    added = as_frank.post(f"/supervision/cases/{case.public_id}/requirements/new/", {"kind": "unpaid_work"})
    assert added.status_code == 422 and "Enter the hours of unpaid work" in added.content.decode()
    as_frank.post(f"/supervision/cases/{case.public_id}/requirements/new/", {"kind": "unpaid_work", "amount": "60"})
    requirement = Requirement.objects.get(case=case)
    ended = as_frank.post(f"/supervision/requirements/{requirement.public_id}/end/", {"status": "terminated"})
    assert ended.status_code == 422 and "Enter the reason" in ended.content.decode()

    booking = {
        "kind": "home_visit",
        **date_fields("on", dt.date(2026, 6, 4)),
        "at": "14:30",
        "repeat": "weekly",
        "weeks": "2",
    }
    booked = as_frank.post(f"/supervision/cases/{case.public_id}/appointments/new/", booking)
    assert booked.status_code == 302 and Appointment.objects.filter(case=case, kind="home_visit").count() == 2
    bad_time = as_frank.post(f"/supervision/cases/{case.public_id}/appointments/new/", {**booking, "at": "25:99"})
    assert bad_time.status_code == 422 and "Time must be a time like 14:05" in bad_time.content.decode()

    due = Appointment.objects.get(case=case, kind="office")
    recorded = as_frank.post(f"/supervision/appointments/{due.public_id}/outcome/", {"outcome": "failed_unacceptable"})
    assert recorded.status_code == 302
    changed = as_frank.post(f"/supervision/appointments/{due.public_id}/outcome/", {"outcome": "attended"})
    assert changed.status_code == 422 and "Enter why the recorded outcome is being changed" in changed.content.decode()
    page = as_frank.get(f"/supervision/cases/{case.public_id}/").content.decode()
    assert "Failed to attend: unacceptable" in page and "Change outcome" in page

    as_sue = login_verified(client, sue)
    assert "Override" in as_sue.get(f"/supervision/cases/{case.public_id}/").content.decode()
    level = as_sue.post(f"/supervision/cases/{case.public_id}/level/", {"level": "low", "reason": "", "version": "1"})
    assert level.status_code == 422 and "Enter the reason for the override" in level.content.decode()
    level = as_sue.post(
        f"/supervision/cases/{case.public_id}/level/", {"level": "low", "reason": "Stable", "version": "1"}
    )
    assert level.status_code == 302
    closed = as_sue.post(f"/supervision/cases/{case.public_id}/close/", {"reason": "Revoked", "version": "1"})
    assert closed.status_code == 422 and "reload" in closed.content.decode()


def test_wrong_role_403_other_office_404(client, frank, alice, pete, person, office_c):
    case = make_case(person, office=office_c, officer=frank)
    as_alice = login_verified(client, alice)
    assert as_alice.get("/supervision/").status_code == 403
    assert as_alice.get(f"/supervision/cases/{case.public_id}/").status_code == 403
    as_pete = login_verified(client, pete)
    assert as_pete.get(f"/supervision/cases/{case.public_id}/").status_code == 404
    assert as_pete.get(f"/supervision/cases/{case.public_id}/close/").status_code == 404
    assert as_pete.get(f"/supervision/people/{person.public_id}/open/").status_code == 404
    assert as_pete.get("/supervision/cases/not-an-id/").status_code == 404


@pytest.fixture
def registered():
    already = supervision_profile_links in registry._providers
    register_profile_links(supervision_profile_links)
    yield
    if not already:
        unregister_profile_links(supervision_profile_links)


def test_the_profile_links_to_supervision(client, frank, alice, person, registered):
    profile = login_verified(client, frank).get(f"/people/{person.public_id}/")
    assert profile.status_code == 200
    assert f'href="/supervision/people/{person.public_id}/"' in profile.content.decode()


def test_navigation_offers_supervision_to_officers_only(client, frank, alice):
    assert 'href="/supervision/"' in login_verified(client, frank).get("/").content.decode()
    assert 'href="/supervision/"' not in login_verified(client, alice).get("/").content.decode()
