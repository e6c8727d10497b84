"""Incidents, discipline and emergencies in a real browser (issue 6, the browser journey): a custody
officer reports a fight between two sentenced men and submits it, then lays a disciplinary charge
against one of them from the incident; a supervisor schedules and holds the hearing before the
independent adjudicator, who finds the charge proved and awards 14 additional days, and the man's
release date moves 14 days later with the award named in the calculation's explanation; then the
supervisor declares a lockdown of the prison, takes the emergency roll with one man missing, marks him
found, and stands the lockdown down.

The prison (one unit, four men in two cells), the sentences and the first calculation, the incident
types, the offence paragraphs and the users are arranged with factories and services; everything under
test goes through the pages. Synthetic people only (DP-4)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zoneinfo

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from oms.core.actor import Actor
from oms.incidents.services.types import load_shipped_types
from oms.people.models import Person
from oms.sentencing.models import Calculation
from oms.sentencing.services.calculations import recalculate
from tests.custody.factories import make_estate, make_prisoner
from tests.e2e.helpers import sign_in
from tests.factories import make_user
from tests.sentencing.factories import make_sentence

LONDON = zoneinfo.ZoneInfo("Europe/London")
AWARDED_DAYS = 14
# The two men in the fight (both sentenced) and two others on the unit, all on the lockdown roll.
FIGHTERS = (("Varga", "Istvan"), ("Lindqvist", "Oskar"))
OTHERS = (("Pemberton", "Alfie"), ("Ndiaye", "Moussa"))
CHARGED_NAME = "VARGA, Istvan"
MISSING_NAME = "NDIAYE, Moussa"
FOUND_AT = "Healthcare waiting room"


@pytest.fixture
def olly(prison_a):
    return make_user("olly", roles=("custody_officer",), sites=(prison_a,))


@pytest.fixture
def sam(prison_a):
    return make_user("sam", roles=("supervisor",), sites=(prison_a,))


@pytest.fixture
def prison(prison_a):
    """Prison A: unit A with 2 cells of 2 beds, all four beds taken; the shipped incident types and
    offence paragraphs loaded; the two fighters sentenced, with their release dates calculated."""
    system = Actor.system(channel="cli")
    load_shipped_types(system)
    call_command("import_offence_paragraphs", stdout=io.StringIO())
    estate = make_estate(prison_a)
    beds = ("A-1-1-01-1", "A-1-1-01-2", "A-1-1-02-1", "A-1-1-02-2")
    people = {}
    for (family, given), bed in zip(FIGHTERS + OTHERS, beds, strict=True):
        episode = make_prisoner(
            prison_a, family=family, given=given, bed=estate[bed], legal_status=Person.LegalStatus.SENTENCED
        )
        people[family] = episode.person
    for family, _ in FIGHTERS:
        make_sentence(
            people[family], sentenced_on=dt.date(2026, 10, 1), offence_committed_on=dt.date(2026, 6, 1), years=4
        )
        recalculate(system, people[family], reason=Calculation.Reason.NEW_SENTENCE)
    return people


def heading(page):
    return page.get_by_role("heading", level=1)


def success_banner(page):
    return page.get_by_role("alert")


def menu(page):
    return page.get_by_role("navigation", name="Menu")


def fill_date(scope, legend: str, day: dt.date) -> None:
    group = scope.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def summary_row(page, key: str):
    return page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(f"^{re.escape(key)}$"))
    )


def test_report_a_fight_charge_award_added_days_then_lockdown_roll(page, prison, olly, sam, screenshot):
    charged = prison[FIGHTERS[0][0]]
    when = dt.datetime.now(LONDON).replace(second=0, microsecond=0) - dt.timedelta(minutes=40)

    sign_in(page, olly)
    incident_url = _report_the_fight(page, prison, when, screenshot)
    _lay_a_charge_from_the_incident(page, charged, incident_url, when)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, sam)
    before = _release_date(page, charged)
    _hold_the_hearing_and_award_additional_days(page, screenshot)
    _see_the_release_date_move(page, charged, before)
    _lockdown_with_a_roll_one_missing_then_found(page, screenshot)


def _report_the_fight(page, people, when: dt.datetime, screenshot) -> str:
    menu(page).get_by_role("link", name="Incidents").click()
    expect(heading(page)).to_have_text("Incidents")
    page.get_by_role("link", name="Report an incident").click()
    expect(heading(page)).to_have_text("What kind of incident?")
    page.get_by_role("link", name="Fight", exact=True).click()

    expect(heading(page)).to_have_text("Fight")
    expect(page.get_by_label("Facility").locator("option:checked")).to_have_text("Prison A")  # the only one
    page.get_by_label("Location (optional)").fill("A-1-1")
    fill_date(page, "Date it happened", when.date())
    page.get_by_label("Time it happened").fill(when.strftime("%H:%M"))
    page.get_by_label("What happened").fill(
        "VARGA and LINDQVIST fought on landing 1 at unlock; separated by two officers."
    )
    page.get_by_role("group", name="Was a weapon used?").get_by_label("No").check()
    page.get_by_role("group", name="Was anyone injured?").get_by_label("Yes").check()
    page.get_by_role("group", name="How serious was the worst injury?").get_by_label("Minor").check()
    page.get_by_label("How many people took part?").fill("2")
    page.get_by_role("button", name="Save draft").click()

    expect(success_banner(page)).to_contain_text(re.compile(r"Draft IR-PRA-\d{4}-\d{6} saved"))
    expect(heading(page)).to_contain_text("Draft")
    reference = heading(page).inner_text().split()[0]
    incident_url = page.url

    for (family, given), injured in zip(FIGHTERS, (False, True), strict=True):
        page.get_by_role("link", name="Add a person involved").click()
        expect(heading(page)).to_have_text("Add a person involved")
        page.get_by_role("group", name="How were they involved?").get_by_label("Perpetrator").check()
        page.get_by_label("System number of a person in custody").fill(people[family].system_number)
        if injured:
            page.get_by_label("Injured", exact=True).check()
            page.get_by_label("Injury details").fill("Cut above the left eye")
        page.get_by_role("button", name="Add").click()
        expect(success_banner(page)).to_contain_text("Person added")
        expect(page).to_have_url(incident_url)

    people_table = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Role"))
    expect(people_table.locator("tbody").get_by_role("row")).to_have_count(2)
    lindqvist = people_table.get_by_role("row").filter(has_text="LINDQVIST, Oskar")
    expect(lindqvist).to_contain_text("Perpetrator")
    expect(lindqvist).to_contain_text("Injured: Cut above the left eye")

    page.get_by_role("button", name="Submit the report").click()
    expect(success_banner(page)).to_contain_text("Report submitted")
    expect(heading(page)).to_have_text(f"{reference} Submitted")
    expect(page.get_by_role("button", name="Submit the report")).to_have_count(0)
    expect(summary_row(page, "Location")).to_contain_text("A-1-1")
    expect(summary_row(page, "When")).to_contain_text(when.strftime("%-d %B %Y %H:%M"))
    expect(summary_row(page, "How serious was the worst injury?")).to_contain_text("Minor")
    expect(summary_row(page, "How many people took part?")).to_contain_text("2")
    screenshot(page, "incidents-report")
    return incident_url


def _lay_a_charge_from_the_incident(page, charged, incident_url: str, when: dt.datetime):
    reference = heading(page).inner_text().split()[0]
    expect(page.get_by_text("No disciplinary charges from this incident.")).to_be_visible()
    people_table = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Role"))
    people_table.get_by_role("link", name=f"Lay a charge against {charged}").click()
    expect(heading(page)).to_have_text("Lay a disciplinary charge")
    expect(page.get_by_text(f"Arising from incident {reference}")).to_be_visible()
    page.get_by_label("Offence paragraph").select_option(label="4: Fights with any person")
    fill_date(page, "Date of the offence", when.date())
    page.get_by_label("Time of the offence").fill(when.strftime("%H:%M"))
    page.get_by_label("Particulars").fill("Fought with prisoner LINDQVIST on landing 1 of unit A at unlock.")
    page.get_by_role("button", name="Lay charge").click()

    expect(success_banner(page)).to_contain_text(re.compile(r"Charge ADJ-PRA-\d{6} laid\. First hearing due by"))
    expect(heading(page)).to_contain_text("Awaiting")
    expect(summary_row(page, "Incident")).to_have_text(re.compile(re.escape(reference)))
    expect(summary_row(page, "Paragraph")).to_contain_text("4: Fights with any person")
    expect(page.locator(".govuk-caption-l")).to_contain_text(CHARGED_NAME)
    charge_reference = heading(page).inner_text().split()[1]

    # Back on the incident, the charge is listed as arising from it.
    page.goto(incident_url)
    arising = page.get_by_role("heading", name="Charges arising").locator("xpath=following-sibling::ul[1]")
    expect(arising.get_by_role("listitem")).to_have_count(1)
    expect(arising.get_by_role("listitem")).to_contain_text(f"{charge_reference}: {charged}, paragraph 4")


def _release_date(page, person) -> tuple[str, dt.date]:
    """From the person's profile, the release dates page: the release date in force and its type."""
    page.goto(f"/people/{person.public_id}/")
    page.get_by_role("link", name="Release dates, overrides and history").click()
    expect(heading(page)).to_have_text("Release dates")
    release = (
        page.get_by_test_id("key-dates")
        .locator("tbody tr")
        .filter(has=page.locator(".govuk-tag", has_text=re.compile("^Release$")))
    )
    expect(release).to_have_count(1)
    title = release.get_by_role("rowheader").inner_text()
    date_type = re.search(r"\(([A-Z]+)\)", title)[1]
    in_force = release.get_by_role("cell").nth(2).inner_text().strip()
    return date_type, dt.datetime.strptime(in_force, "%d %b %Y").date()


def _hold_the_hearing_and_award_additional_days(page, screenshot):
    menu(page).get_by_role("link", name="Adjudications").click()
    due = page.get_by_role("table", name="Hearings due").get_by_role("row").filter(has_text=CHARGED_NAME)
    expect(due).to_have_count(1)
    expect(due).to_contain_text("Awaiting")
    due.get_by_role("link", name=re.compile(r"^ADJ-PRA-\d{6}$")).click()
    expect(heading(page)).to_contain_text("Awaiting")
    charge_url = page.url

    page.get_by_role("link", name="Schedule a hearing").click()
    expect(heading(page)).to_contain_text("Schedule a hearing")
    at = dt.datetime.now(LONDON).replace(second=0, microsecond=0)  # the adjudicator is ready now
    fill_date(page, "Hearing date", at.date())
    page.get_by_label("Hearing time").fill(at.strftime("%H:%M"))
    # Additional days are for the independent adjudicator only (r.55A).
    page.get_by_role("group", name="Adjudicator").get_by_label("Independent adjudicator").check()
    page.get_by_role("button", name="Schedule hearing").click()
    expect(success_banner(page)).to_contain_text(f"Hearing scheduled for {at:%-d %B %Y %H:%M}")
    expect(page).to_have_url(charge_url)
    expect(heading(page)).to_contain_text("Hearing scheduled")

    page.get_by_role("link", name="Hold the hearing").click()
    expect(heading(page)).to_contain_text("Hold the hearing")
    page.get_by_role("group", name="Plea").get_by_label("Not guilty").check()
    page.get_by_role("group", name="Outcome").get_by_label("Charge proved").check()
    page.get_by_label("Punishment 1", exact=True).select_option(label="Additional days")
    page.get_by_label("Punishment 1: days").fill(str(AWARDED_DAYS))
    page.get_by_label("Notes").fill("CCTV and two officers' statements show him throwing the first punch.")
    page.get_by_role("button", name="Record hearing").click()

    expect(success_banner(page)).to_contain_text("Hearing recorded: Charge proved")
    expect(page).to_have_url(charge_url)
    expect(heading(page)).to_contain_text("Charge proved")
    hearings = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Plea"))
    held = hearings.locator("tbody").get_by_role("row")
    expect(held).to_have_count(1)
    expect(held).to_contain_text("Independent adjudicator")
    expect(held).to_contain_text("Not guilty")
    expect(held).to_contain_text("Charge proved")
    punishments = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Runs"))
    award = punishments.locator("tbody").get_by_role("row")
    expect(award).to_have_count(1)
    expect(award).to_contain_text(f"Additional days, {AWARDED_DAYS} days")
    expect(award).to_contain_text("Active")
    expect(award).to_contain_text("Added to the sentence calculation")
    screenshot(page, "incidents-hearing")


def _see_the_release_date_move(page, charged, before: tuple[str, dt.date]):
    date_type, before_date = before
    after_type, after_date = _release_date(page, charged)
    assert after_type == date_type
    assert after_date - before_date == dt.timedelta(days=AWARDED_DAYS), (before_date, after_date)

    page.get_by_role("link", name="How these dates were calculated").click()
    expect(heading(page)).to_contain_text("Calculation of")
    expect(summary_row(page, "Why it ran")).to_contain_text("Award of additional days")
    expect(summary_row(page, "Changed from the previous")).to_contain_text(
        f"{date_type}: {before_date:%-d %B %Y} → {after_date:%-d %B %Y}"
    )
    release = page.locator(f"#date-{date_type}")
    expect(release).to_contain_text(f"{after_date:%-d %B %Y}")
    steps = release.locator("xpath=following-sibling::ol[1]")
    # The release date's own steps name the award (net of any restored days, of which there are none).
    awarded = steps.get_by_role("listitem").filter(has_text=f"plus {AWARDED_DAYS} net additional days awarded")
    expect(awarded).to_have_count(1)


def _lockdown_with_a_roll_one_missing_then_found(page, screenshot):
    menu(page).get_by_role("link", name="Emergencies").click()
    expect(heading(page)).to_have_text("Emergencies")
    page.get_by_role("link", name="Declare an emergency").click()
    expect(heading(page)).to_have_text("Declare an emergency")
    facility = page.get_by_label("Facility")
    expect(facility.locator("option:checked")).to_have_text("Prison A")  # the only one in reach
    page.get_by_role("group", name="Kind of emergency").get_by_label("Lockdown").check()
    page.get_by_label("Instructions to staff").fill("All prisoners behind doors; roll check on every landing.")
    expect(page.get_by_role("group", name="Block movements in scope?").get_by_label("Yes")).to_be_checked()
    page.get_by_role("button", name="Declare the emergency").click()

    expect(success_banner(page)).to_contain_text("Emergency declared")
    expect(heading(page)).to_have_text("Lockdown Active")
    expect(page.locator(".govuk-caption-l")).to_have_text("Prison A")
    expect(summary_row(page, "Scope")).to_contain_text("Whole facility")
    page.get_by_role("button", name="Start a roll now").click()

    expect(success_banner(page)).to_contain_text("Roll started: 4 people expected.")
    expect(heading(page)).to_have_text("Emergency roll")
    count = page.locator("#roll-count")
    expect(count.locator(".govuk-panel__title")).to_have_text("4 not accounted for")
    expect(count.locator(".govuk-panel__body")).to_have_text("0 missing · 4 not yet checked · 0 of 4 accounted for")

    rows = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Mark")).locator("tbody tr")
    expect(rows).to_have_count(4)
    for family, given in FIGHTERS + OTHERS:
        name = f"{family.upper()}, {given}"
        row = rows.filter(has_text=name)
        expect(row.get_by_role("cell").first).to_have_text(re.compile(r"^A-1-1-0[12]$"))
        if name == MISSING_NAME:
            row.get_by_role("button", name="Missing").click()
            expect(row).to_contain_text("Missing")
        else:
            row.get_by_role("button", name="Accounted for").click()
            expect(row.locator(".govuk-tag")).to_have_text("Accounted for")

    # Everyone seen but one, who is missing: the panel (reloaded after each mark) says so, and the
    # outstanding table names the place.
    expect(count.locator(".govuk-panel__title")).to_have_text("1 not accounted for")
    expect(count.locator(".govuk-panel__body")).to_have_text("1 missing · 0 not yet checked · 3 of 4 accounted for")
    missing_row = rows.filter(has_text=MISSING_NAME)
    expect(missing_row.locator(".govuk-tag")).to_have_text("Missing")
    outstanding = count.get_by_role("table", name="Outstanding by place").locator("tbody tr")
    expect(outstanding).to_have_count(1)
    expect(outstanding.get_by_role("cell")).to_have_text([re.compile(r"^A-1-1-0[12]$"), "0", "1"])
    screenshot(page, "incidents-roll")

    missing_row.get_by_label("Found where").fill(FOUND_AT)
    missing_row.get_by_role("button", name="Found").click()
    expect(missing_row).to_contain_text(f"Accounted for at {FOUND_AT}")
    expect(count.locator(".govuk-panel__title")).to_have_text("0 not accounted for")
    expect(count.locator(".govuk-panel__body")).to_have_text("0 missing · 0 not yet checked · 4 of 4 accounted for")
    expect(count.get_by_role("table")).to_have_count(0)

    # A reload shows the same from the server, not just what htmx swapped in.
    page.reload()
    expect(page.locator("#roll-count .govuk-panel__body")).to_have_text(
        "0 missing · 0 not yet checked · 4 of 4 accounted for"
    )
    page.get_by_role("button", name="Finish the roll").click()
    expect(success_banner(page)).to_contain_text("Roll finished.")
    expect(page.get_by_role("button", name="Finish the roll")).to_have_count(0)
    expect(page.get_by_role("button", name="Found")).to_have_count(0)

    page.get_by_role("link", name="Back to the emergency").click()
    timeline = page.get_by_role("heading", name="Timeline").locator("xpath=following-sibling::ol[1]")
    expect(timeline).to_contain_text("missing (expected A-1-1-0")
    expect(timeline).to_contain_text(f"found at {FOUND_AT}")
    expect(timeline).to_contain_text("Roll finished: 4 of 4 accounted for, 0 missing, 0 not checked.")
    page.get_by_label("Note (optional)").fill("Roll complete: all four accounted for.")
    page.get_by_role("button", name="Stand down the emergency").click()
    expect(success_banner(page)).to_contain_text("Emergency stood down.")
    expect(heading(page)).to_have_text("Lockdown Stood down")
    expect(
        page.get_by_role("link", name=re.compile(r"^Roll started \d\d:\d\d \(4 expected\), finished$"))
    ).to_be_visible()
    expect(page.get_by_role("button", name="Start a roll now")).to_have_count(0)

    page.get_by_role("link", name=re.compile(r"^Roll started")).click()
    expect(page.get_by_text(re.compile(r"Started .*; finished\."))).to_be_visible()
    expect(page.get_by_role("button", name="Accounted for")).to_have_count(0)  # a finished roll takes no marks
