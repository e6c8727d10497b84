"""Assessment to programme completion in a real browser (issue 5, the browser journey): a case manager
assesses a person's criminogenic needs and sees the case plan the assessment generated, one goal per
need; refers the person to a programme; a supervisor allocates the place from the waiting list; a
programme facilitator marks the session's register for the whole group on one screen and records the
completion with the certificate earned, which shows on the person's rehabilitation progress.

The person, two others on the programme, the users, the programme and today's session are arranged with
factories; everything under test goes through the pages. Synthetic people only (DP-4)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from tests.factories import make_user
from tests.people.conftest import make_person
from tests.rehabilitation.factories import make_allocation, make_programme, make_session

FAMILY, GIVEN = "Achterberg", "Milo"
NAME = f"{FAMILY.upper()}, {GIVEN}"
PROGRAMME = "Thinking Skills Programme"
CERTIFICATE = "Thinking Skills Programme certificate"


@pytest.fixture
def case_manager(prison_a):
    return make_user("casey", roles=("case_manager",), sites=(prison_a,))


@pytest.fixture
def supervisor(prison_a):
    return make_user("sam", roles=("supervisor",), sites=(prison_a,))


@pytest.fixture
def facilitator(prison_a):
    return make_user("fay", roles=("programme_facilitator",), sites=(prison_a,))


@pytest.fixture
def person(prison_a):
    return make_person(prison_a, family=FAMILY, given=GIVEN)


@pytest.fixture
def programme(prison_a, supervisor):
    today = dt.date.today()
    programme = make_programme(
        prison_a,
        code="TSP",
        title=PROGRAMME,
        addresses_needs=["thinking_behaviour"],
        qualification=CERTIFICATE,
        timetable=[{"weekday": d, "start": "00:00", "end": "00:30"} for d in range(7)],
    )
    for family, given in (("Brennan", "Tom"), ("Okonjo", "Ada")):
        make_allocation(make_person(prison_a, family=family, given=given), programme, supervisor, starts_on=today)
    make_session(programme, today, start=dt.time(0, 0), end=dt.time(0, 30))
    return programme


def heading(page):
    return page.get_by_role("heading", level=1)


def open_profile(page, person):
    page.goto(f"/people/{person.public_id}/")
    expect(page.get_by_role("complementary", name="Person")).to_contain_text(NAME)


def test_assess_plan_refer_allocate_attend_and_complete(
    page, person, programme, case_manager, supervisor, facilitator, screenshot
):
    sign_in(page, case_manager)
    open_profile(page, person)
    _assess_needs(page)
    _see_the_plan_generated_from_needs(page, person, screenshot)
    _refer_to_the_programme(page, person)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, supervisor)
    _allocate_from_the_waiting_list(page, programme)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, facilitator)
    _mark_the_register(page, programme, screenshot)
    _record_completion(page, programme)
    _see_progress_on_the_profile(page, person)


def _assess_needs(page):
    page.get_by_role("main").get_by_role("link", name="Assessments").first.click()
    expect(page.get_by_text("No assessments have been started for this person.")).to_be_visible()
    page.get_by_role("group", name="Instrument").get_by_label("Criminogenic needs (version 1)").check()
    page.get_by_role("button", name="Start an assessment").click()
    expect(heading(page)).to_have_text("Criminogenic needs")
    page.get_by_role("group", name="Accommodation").get_by_label("Severe need").check()
    page.get_by_role("group", name="Thinking and behaviour").get_by_label("Standard need").check()
    for domain in (
        "Education, training and employment",
        "Finance",
        "Relationships",
        "Lifestyle and associates",
        "Drug misuse",
        "Alcohol misuse",
        "Emotional wellbeing",
        "Attitudes",
    ):
        page.get_by_role("group", name=domain).get_by_label("No need").check()
    page.get_by_role("button", name="Complete").click()
    expect(page.get_by_role("heading", name="Result")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Completed")


def _see_the_plan_generated_from_needs(page, person, screenshot):
    page.goto(f"/people/{person.public_id}/")
    page.get_by_role("main").get_by_role("link", name="Case plan").click()
    expect(heading(page)).to_have_text("Case plan")
    goals = page.get_by_role("heading", name="Goals (2 open)")
    expect(goals).to_be_visible()
    main = page.get_by_role("main")
    # One goal per need found (severe first), each with a suggested first action; no goal for no need.
    severe = main.get_by_role("region", name="Have settled accommodation to go to")
    expect(severe).to_contain_text("From the needs assessment")
    expect(severe).to_contain_text("severe need")
    expect(severe).to_contain_text("Refer to the housing advice service")
    standard = main.get_by_role("region", name="Develop problem-solving and self-control skills")
    expect(standard).to_contain_text("standard need")
    screenshot(page, "rehabilitation-case-plan")


def _refer_to_the_programme(page, person):
    page.goto(f"/people/{person.public_id}/")
    page.get_by_role("main").get_by_role("link", name="Programmes").click()
    page.get_by_role("link", name="Refer to a programme").click()
    page.get_by_label("Programme").select_option(label=f"{PROGRAMME} (TSP, Prison A)")
    page.get_by_label("Reason for the referral").fill("Thinking and behaviour need from the needs assessment")
    page.get_by_role("button", name="Refer").click()
    expect(page.get_by_role("main")).to_contain_text("Pending")


def _allocate_from_the_waiting_list(page, programme):
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Programmes").click()
    page.get_by_role("link", name=PROGRAMME).click()
    expect(heading(page)).to_contain_text(PROGRAMME)
    expect(page.get_by_role("main")).to_contain_text("2 of 12 taken")
    waiting = page.get_by_role("table").filter(has_text="Eligibility")
    row = waiting.get_by_role("row").filter(has_text=FAMILY.upper())
    expect(row).to_contain_text("Pending")
    row.get_by_role("link", name="Allocate").click()
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_role("main")).to_contain_text("3 of 12 taken")


def _mark_the_register(page, programme, screenshot):
    page.goto(f"/rehabilitation/programmes/{programme.public_id}/")
    page.get_by_role("table").filter(has_text="Date").get_by_role("link").first.click()
    expect(heading(page)).to_have_text(f"{PROGRAMME}: attendance")
    # The whole group on one screen: fill everyone as attended, then mark one person sick, one save.
    page.get_by_role("button", name="Mark everyone not yet marked as attended").click()
    # Wait for the redrawn register before changing one mark, or the redraw can put it back.
    expect(page.get_by_label("Outcome for Ada Okonjo")).to_have_value("attended")
    page.get_by_label("Outcome for Ada Okonjo").select_option(label="Sick")
    page.get_by_label("Note for Ada Okonjo").fill("Seen by healthcare this morning")
    screenshot(page, "rehabilitation-register")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("main")).to_contain_text("3 marked")
    expect(page.get_by_label("Outcome for Ada Okonjo")).to_have_value("sick")  # the saved mark, not the fill


def _record_completion(page, programme):
    page.goto(f"/rehabilitation/programmes/{programme.public_id}/")
    page.get_by_role("link", name=f"{FAMILY.upper()}, {GIVEN}").click()
    page.get_by_role("link", name="Record completion").click()
    page.get_by_label("Record the qualification or certificate earned").check()
    expect(page.get_by_label("Qualification", exact=True)).to_have_value(CERTIFICATE)
    page.get_by_label("Certificate number (optional)").fill("TSP-2026-0042")
    page.get_by_role("button", name="Record completion").click()
    expect(page.get_by_role("main")).to_contain_text("Completed")


def _see_progress_on_the_profile(page, person):
    page.goto(f"/people/{person.public_id}/")
    panel = page.get_by_role("main")
    expect(panel).to_contain_text(CERTIFICATE)
    expect(panel).to_contain_text("100%")
