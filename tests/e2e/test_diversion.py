"""A diversion participant logs community service hours in the participant portal and a coordinator
verifies them (issue 7, the browser journey): the participant signs in (password and TOTP) to their own
portal, sees the requirement and its due date, logs the hours with the place and supervisor, and sees
them awaiting verification; the coordinator opens the participant's page, finds the hours with where and
who supervised, and verifies them; the participant's portal then counts them.

The programme, the participation and the users are arranged with factories and services; everything
under test goes through the pages. Synthetic people only (DP-4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from playwright.sync_api import expect

from oms.core import clock
from oms.diversion.models import HoursEntry, Programme
from oms.diversion.queries import portal as portal_queries
from oms.diversion.services import participations
from oms.facilities.models import Organisation, Site
from tests.e2e.helpers import sign_in
from tests.factories import actor_of, make_organisation, make_participant, make_site, make_user
from tests.people.conftest import make_person


@pytest.fixture
def dv1(transactional_db):
    provider = make_organisation(Organisation.Kind.DIVERSION_PROVIDER, code="DIVP", name="Diversion Provider")
    return make_site(provider, Site.Kind.DIVERSION_PROGRAMME, code="DV1", name="Northtown Diversion")


@pytest.fixture
def cora(dv1):
    return make_user("cora", roles=("diversion_coordinator",), sites=(dv1,))


@pytest.fixture
def dan(dv1):
    return make_user("dan", roles=("diversion_coordinator",), sites=(dv1,))


@pytest.fixture
def participation(dv1, cora):
    # Services run inside the request's transaction in the application; here the test is that
    # transaction (PostgreSQL refuses select_for_update outside one).
    with transaction.atomic():
        return _active_participation(dv1, cora)


def _active_participation(dv1, cora):
    actor = actor_of(cora)
    programme = Programme.objects.create(
        site=dv1, name="First-time offender programme", eligibility={"min_age": 18}, created_at=clock.now()
    )
    person = make_person(dv1, family="Okafor", given="Jade", dob=dt.date(2001, 3, 4))
    today = clock.today()
    p = participations.refer(
        actor,
        person_id=person.public_id,
        programme_id=programme.public_id,
        referrer_kind="prosecutor",
        referrer_name="CPS Northtown",
        offence_summary="Shoplifting",
        referred_on=today,
    )
    p = participations.assess_eligibility(actor, participation_id=p.public_id, version=p.version, prior_convictions=0)
    p = participations.sign_agreement(
        actor,
        participation_id=p.public_id,
        version=p.version,
        requirements=[{"kind": "community_service", "target": 10, "due_on": today + dt.timedelta(days=60)}],
        signed_on=today,
        household_income_minor=3_000_000,
        household_size=1,
    )
    return participations.start(actor, participation_id=p.public_id, version=p.version)


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_participant_logs_hours_and_the_coordinator_verifies_them(page, participation, cora, screenshot):
    jade = make_participant(participation.person, "jade")
    today = dt.date.today()
    page.set_default_timeout(30_000)  # the shared test machine is loaded; a first page can take >10 s

    sign_in(page, jade)
    page.goto("/diversion/portal/")
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("First-time offender programme")
    expect(main).to_contain_text("Community service: 10 hours")
    main.get_by_role("link", name="Log hours for Community service: 10 hours").click()

    page.get_by_role("button", name="Log hours").click()  # empty: the errors come back on the page
    expect(page.get_by_role("alert")).to_contain_text("Enter where you worked")
    date = page.get_by_role("group", name="Date worked")
    date.get_by_label("Day").fill(str(today.day))
    date.get_by_label("Month").fill(str(today.month))
    date.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Hours worked").fill("3.5")
    page.get_by_label("Place of work").fill("Northtown food bank")
    page.get_by_label("Supervisor's name").fill("Ruth Adeyemi")
    page.get_by_role("button", name="Log hours").click()
    expect(page.get_by_role("main")).to_contain_text("Hours logged")
    expect(page.get_by_role("main")).to_contain_text("210 minutes at Northtown food bank")
    expect(page.get_by_role("main")).to_contain_text("Awaiting verification")
    screenshot(page, "diversion-portal")
    sign_out(page)

    sign_in(page, cora)
    page.goto(f"/diversion/participants/{participation.public_id}/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("at Northtown food bank, supervised by Ruth Adeyemi")
    expect(main).to_contain_text("logged by jade")
    main.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("main")).to_contain_text("Hours verified")
    expect(page.get_by_role("main")).to_contain_text("Verified by cora")
    entry = HoursEntry.objects.get()
    assert (entry.logged_by, entry.verified_by) == (jade, cora)
    # The participant's portal now counts them (read through the portal's query: signing in as jade again
    # within the same 30-second TOTP step would be refused as a replayed code).
    overview = portal_queries.overview(actor_of(jade))
    assert [(i.facts.done, i.facts.pending) for i in overview.detail.requirements] == [(3, 0)]
