"""A person's sentence and release dates, in a real browser (issue 4, the browser journey): a records
officer builds the legal record from the person's profile (a court case, a charge, two sentences, the
second consecutive to the first, and remand), is refused a sentence that would follow a later one
without losing what was typed, and reads the calculated dates with the steps that explain them and
what each recalculation changed; then a supervisor overrides the conditional release date, and the
calculated and overridden dates show side by side, on the release dates page and the profile.

The person, the two users and the offence in the catalogue are arranged with factories; everything
under test goes through the pages. Synthetic people only (DP-4).

The dates follow the England and Wales profile (the installation default): a 2-year term and a
6-month term consecutive to it, both passed on 12 January 2026, run 912 days to 11 July 2028;
release at half (456 days, 12 April 2027), less 41 days of remand (2 March 2027)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from tests.factories import make_user
from tests.people.conftest import make_person
from tests.sentencing.factories import make_offence

FAMILY, GIVEN = "Marchetti", "Luca"
NAME = f"{FAMILY.upper()}, {GIVEN}"
CASE = "T20267001"
COURT = "Sheffield Crown Court"
OFFENCE = "BU68001"
OVERRIDE_REASON = "Court ordered 14 further days of tagged bail credit; the adjustment is to follow"


@pytest.fixture
def records_officer(prison_a):
    return make_user("rita", roles=("records_officer",), sites=(prison_a,))


@pytest.fixture
def supervisor(prison_a):
    return make_user("sam", roles=("supervisor",), sites=(prison_a,))


@pytest.fixture
def person(prison_a):
    make_offence(OFFENCE, "Burglary of a dwelling", category="Burglary")
    return make_person(prison_a, family=FAMILY, given=GIVEN)


def heading(page):
    return page.get_by_role("heading", level=1)


def success_banner(page):
    return page.get_by_role("alert")


def error_summary(page):
    return page.get_by_role("alert").filter(has_text="There is a problem")


def fill_date(page, legend: str, day: int, month: int, year: int) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def expect_date(page, legend: str, day: int, month: int, year: int) -> None:
    group = page.get_by_role("group", name=legend)
    expect(group.get_by_label("Day")).to_have_value(str(day))
    expect(group.get_by_label("Month")).to_have_value(str(month))
    expect(group.get_by_label("Year")).to_have_value(str(year))


def chosen(select) -> str:
    """The visible text of the option a select shows as chosen."""
    return select.evaluate("select => select.selectedOptions[0].text").strip()


def find_and_open_profile(page):
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    expect(heading(page)).to_have_text("Find a person")
    page.get_by_label("Name, system number or identifier").press_sequentially(FAMILY, delay=20)
    page.locator("#search-results").get_by_role("link", name=NAME).click()
    expect(page.get_by_role("complementary", name="Person")).to_contain_text(NAME)


def test_build_a_legal_record_read_the_release_dates_and_override_one(
    page, records_officer, supervisor, person, screenshot
):
    sign_in(page, records_officer)
    find_and_open_profile(page)
    expect(page.get_by_role("heading", name="Release dates")).to_be_visible()
    expect(page.get_by_text("No release dates have been calculated.")).to_be_visible()
    page.get_by_role("link", name="Legal record: court cases, sentences and warrants").click()
    expect(heading(page)).to_have_text("Legal record")
    expect(page).to_have_url(re.compile(rf"/sentencing/people/{person.public_id}/$"))

    _add_a_court_case_and_a_charge(page)
    _record_two_sentences_after_two_refusals_that_lose_nothing(page)
    _record_remand(page, screenshot)
    _read_the_dates_the_why_and_the_history(page, screenshot)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, supervisor)
    _override_the_release_date(page)


def _add_a_court_case_and_a_charge(page):
    expect(page.get_by_text("No court cases recorded.")).to_be_visible()
    page.get_by_role("link", name="Add a court case").click()
    expect(heading(page)).to_have_text("Add a court case")
    page.get_by_label("Case number").fill(CASE)
    page.get_by_label("Court", exact=True).fill(COURT)
    fill_date(page, "Date the case opened (optional)", 3, 11, 2025)
    page.get_by_role("button", name="Add court case").click()

    expect(success_banner(page)).to_contain_text(f"Court case {CASE} added")
    case = page.get_by_role("region", name=f"{CASE}, {COURT}")
    expect(case).to_contain_text("Opened 3 November 2025.")
    expect(case.get_by_role("table", name="Charges")).to_contain_text("No charges recorded.")

    case.get_by_role("link", name=f"Add a charge to {CASE}").click()
    expect(heading(page)).to_have_text(f"Add a charge to {CASE}")
    page.get_by_label("Offence code").fill(OFFENCE)
    fill_date(page, "Offence committed on, or from", 1, 10, 2025)
    page.get_by_label("Plea").select_option(label="Guilty")
    page.get_by_label("Outcome", exact=True).select_option(label="Convicted")
    page.get_by_role("button", name="Add charge").click()

    expect(success_banner(page)).to_contain_text(f"Charge {OFFENCE} added")
    charge = page.get_by_role("region", name=f"{CASE}, {COURT}").get_by_role("table", name="Charges")
    row = charge.get_by_role("row").filter(has_text=OFFENCE)
    expect(row).to_contain_text("Burglary of a dwelling")
    expect(row).to_contain_text("1 Oct 2025")
    expect(row).to_contain_text("Guilty")
    expect(row).to_contain_text("Convicted")


def _record_a_sentence_form(page):
    page.get_by_role("link", name=f"Record a sentence on {CASE}").click()
    expect(heading(page)).to_have_text(f"Record a sentence on {CASE}")
    page.get_by_label("Kind of sentence").select_option(label="Determinate")
    fill_date(page, "Offence date", 1, 10, 2025)
    page.get_by_role("group", name="Charges it was passed for").get_by_label(
        f"Count 1: {OFFENCE} Burglary of a dwelling"
    ).check()


def sentences_table(page):
    return page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Case and line"))


def sentence_row(page, line: int):
    """The row of line ``line`` of the case (a row also names the lines that follow it)."""
    first_cell = page.get_by_role("cell", name=f"{CASE} line {line}", exact=True)
    return sentences_table(page).get_by_role("row").filter(has=first_cell)


def _record_two_sentences_after_two_refusals_that_lose_nothing(page):
    _record_a_sentence_form(page)
    fill_date(page, "Sentence date", 12, 1, 2026)
    page.get_by_label("Years").fill("2")
    expect(page.get_by_label("Consecutive to")).to_have_value("")  # concurrent unless said otherwise
    page.get_by_role("button", name="Record sentence").click()
    expect(success_banner(page)).to_contain_text("Sentence recorded: 2 years")
    first = sentence_row(page, 1)
    expect(first).to_contain_text("Determinate: 2 years")
    expect(first).to_contain_text(f"For {OFFENCE}")
    expect(first).to_contain_text("Concurrent")

    # The second sentence, typed with two mistakes: a negative length, then a sentence date before the
    # one it is to follow. Each is refused on the form with everything typed still there.
    _record_a_sentence_form(page)
    fill_date(page, "Sentence date", 5, 1, 2026)
    page.get_by_label("Months").fill("-6")
    first_sentence = f"{CASE} line 1: Determinate, 2 years, 12 Jan 2026"
    page.get_by_label("Consecutive to").select_option(label=first_sentence)
    page.get_by_role("button", name="Record sentence").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(error_summary(page)).to_contain_text("Months must be 0 or more")
    expect(page.get_by_label("Months")).to_have_accessible_description(re.compile("Months must be 0 or more"))
    expect(page.get_by_label("Months")).to_have_value("-6")
    expect_date(page, "Sentence date", 5, 1, 2026)
    assert chosen(page.get_by_label("Consecutive to")) == first_sentence

    page.get_by_label("Months").fill("6")
    page.get_by_role("button", name="Record sentence").click()
    later = "A sentence can only follow one imposed on or before it: that one was imposed on 12 January 2026"
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(error_summary(page)).to_contain_text(later)
    expect(error_summary(page)).not_to_contain_text("Months must be")
    # The summary's link takes the keyboard to the field at fault, which names the problem to a screen reader.
    error_summary(page).get_by_role("link", name=re.compile("^A sentence can only follow")).click()
    expect(page.get_by_label("Consecutive to")).to_be_focused()
    expect(page.get_by_label("Consecutive to")).to_have_accessible_description(re.compile(re.escape(later)))
    assert chosen(page.get_by_label("Consecutive to")) == first_sentence
    expect(page.get_by_label("Months")).to_have_value("6")
    expect(page.get_by_label("Kind of sentence")).to_have_value("determinate")
    expect_date(page, "Offence date", 1, 10, 2025)
    expect(page.get_by_label(f"Count 1: {OFFENCE} Burglary of a dwelling")).to_be_checked()

    fill_date(page, "Sentence date", 12, 1, 2026)
    page.get_by_role("button", name="Record sentence").click()
    expect(success_banner(page)).to_contain_text("Sentence recorded: 6 months")
    second = sentence_row(page, 2)
    expect(second).to_contain_text("Determinate: 6 months")
    expect(second).to_contain_text(f"Consecutive to {first_sentence}")
    first = sentence_row(page, 1)
    expect(first).to_contain_text(f"Followed by {CASE} line 2: Determinate, 6 months, 12 Jan 2026")
    expect(sentences_table(page).locator("tbody").get_by_role("row")).to_have_count(2)  # the refused tries left nothing


def _record_remand(page, screenshot):
    expect(page.get_by_text("No adjustments recorded.")).to_be_visible()
    page.get_by_role("link", name="Record an adjustment").click()
    expect(heading(page)).to_have_text("Record an adjustment")
    page.get_by_label("Kind of adjustment").select_option(label="Remand")
    page.get_by_label("Days", exact=True).fill("41")
    page.get_by_label("Source").fill("Court record")
    page.get_by_role("button", name="Record adjustment").click()

    expect(success_banner(page)).to_contain_text("Remand of 41 days recorded")
    adjustments = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Period"))
    remand = adjustments.get_by_role("row").filter(has_text="Remand")
    expect(remand).to_contain_text("41")
    expect(remand).to_contain_text("All current sentences")
    expect(remand.get_by_role("link", name="Withdraw remand of 41 days")).to_be_visible()
    on_this_page = page.get_by_role("navigation", name="On this page")
    expect(on_this_page.get_by_role("link")).to_have_text(
        [
            "Court cases (1)",
            "Sentences (2)",
            "Adjustments (1)",
            "Warrants and detainers (0)",
            "Release dates and how they were calculated",
        ]
    )
    screenshot(page, "sentencing-legal-record")


def key_date_row(page, title: str):
    table = page.get_by_role("table", name="Key dates")
    return table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile("^" + re.escape(title))))


def _read_the_dates_the_why_and_the_history(page, screenshot):
    # Each save recalculated the dates: the profile's panel shows them, each with a "why" link.
    page.get_by_role("link", name="Back to the person record").click()
    expect(page.get_by_role("term").filter(has_text=re.compile(r"\([A-Z]+\)$"))).to_have_text(
        [
            "Conditional release date (CRD)",
            "Home detention curfew eligibility date (HDCED)",
            "Sentence and licence expiry date (SLED)",
            "Effective sentence end date (ESED)",
        ]
    )
    expect(page.get_by_role("definition").filter(has_text=re.compile(r"^2 March 2027$"))).to_have_count(1)
    expect(page.get_by_role("link", name="Why (conditional release date (crd))")).to_be_visible()

    page.get_by_role("link", name="Release dates, overrides and history").click()
    expect(heading(page)).to_have_text("Release dates")
    crd = key_date_row(page, "Conditional release date (CRD)")
    expect(crd).to_contain_text("Release")
    expect(crd.get_by_role("cell")).to_have_text(["2 Mar 2027: why", "None", "2 Mar 2027"])
    expect(key_date_row(page, "Home detention curfew eligibility date (HDCED)")).to_contain_text("17 Jul 2026")
    expect(key_date_row(page, "Sentence and licence expiry date (SLED)")).to_contain_text("31 May 2028")
    # A records officer calculates but may not override.
    expect(page.get_by_role("link", name="Override a date")).to_have_count(0)
    expect(page.get_by_role("button", name="Calculate now")).to_be_visible()

    crd.get_by_role("link", name=re.compile(r"^2 Mar 2027\s*: why$")).click()
    expect(heading(page)).to_contain_text("Calculation of")
    expect(page).to_have_url(re.compile(r"/sentencing/calculations/[0-9a-f-]{36}/#date-CRD$"))
    expect(page.get_by_role("definition").filter(has_text="Adjustment: Remand: 41 days")).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="Latest calculation")).to_be_visible()
    expect(page.get_by_role("heading", name="Conditional release date (CRD): 2 March 2027")).to_be_visible()
    # The why: the whole term, half of it in custody, less the remand.
    steps = page.get_by_role("listitem")
    expect(steps.filter(has_text="term from 12 January 2026 to 11 July 2028 = 912 days").first).to_be_visible()
    expect(steps.filter(has_text="custodial period = half of 912 days = 456 days (ends 12 April 2027)")).to_be_visible()
    expect(steps.filter(has_text="minus 41 days remand and tagged bail").first).to_be_visible()
    # HDCED fell on a Saturday and moved back to the Friday, and the page says so.
    hdced = "Home detention curfew eligibility date (HDCED): 17 July 2026"
    expect(page.get_by_role("heading", name=hdced)).to_be_visible()
    expect(page.get_by_text("Moved from 18 July 2026 to the last working day before it.")).to_be_visible()
    expect(page.get_by_role("heading", name="Sentence and licence expiry date (SLED): 31 May 2028")).to_be_visible()
    screenshot(page, "sentencing-calculation")

    # The history: three calculations, one per save, each saying what it changed.
    page.get_by_role("link", name="Calculation history").click()
    expect(heading(page)).to_have_text("Calculation history")
    history = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="What changed"))
    rows = history.locator("tbody").get_by_role("row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Latest")
    expect(rows.nth(0)).to_contain_text("Adjustment: Remand: 41 days")
    expect(rows.nth(0)).to_contain_text("2 Mar 2027 (CRD)")
    expect(rows.nth(0)).to_contain_text("CRD: 12 April 2027 → 2 March 2027")
    expect(rows.nth(0)).not_to_contain_text("ESED")  # remand does not move the end of the term
    expect(rows.nth(1)).to_contain_text(f"New sentence: {CASE} line 2: 6 months")
    expect(rows.nth(1)).to_contain_text("CRD: 11 January 2027 → 12 April 2027")
    expect(rows.nth(1)).to_contain_text("SLED: 11 January 2028 → 11 July 2028")
    expect(rows.nth(2)).to_contain_text(f"New sentence: {CASE} line 1: 2 years")
    expect(rows.nth(2)).to_contain_text("11 Jan 2027 (CRD)")
    expect(rows.nth(2)).to_contain_text("First calculation")
    for row in (rows.nth(0), rows.nth(1), rows.nth(2)):
        expect(row.get_by_role("cell").nth(2)).to_have_text("rita")


def _override_the_release_date(page):
    find_and_open_profile(page)
    page.get_by_role("link", name="Release dates, overrides and history").click()
    expect(heading(page)).to_have_text("Release dates")
    expect(page.get_by_role("button", name="Calculate now")).to_have_count(0)  # supervisors override, not calculate

    page.get_by_role("link", name="Override a date").click()
    expect(heading(page)).to_have_text("Override a date")
    # The release date is offered first.
    assert chosen(page.get_by_label("Date to override")) == "Conditional release date (CRD)"
    fill_date(page, "Overriding date", 16, 2, 2027)
    page.get_by_label("Reason").fill(OVERRIDE_REASON)
    page.get_by_role("button", name="Override the date").click()

    expect(success_banner(page)).to_contain_text("Conditional release date overridden.")
    expect(heading(page)).to_have_text("Release dates")
    crd = key_date_row(page, "Conditional release date (CRD)")
    calculated, overridden, in_force = crd.get_by_role("cell").all()
    expect(calculated).to_have_text("2 Mar 2027: why")
    expect(overridden).to_contain_text("16 Feb 2027")
    expect(overridden).to_contain_text(f"by sam: {OVERRIDE_REASON}")
    expect(overridden.get_by_role("link", name="Withdraw the override of the conditional release date")).to_be_visible()
    expect(in_force).to_have_text("16 Feb 2027")
    # Only the CRD was overridden.
    expect(key_date_row(page, "Sentence and licence expiry date (SLED)").get_by_role("cell")).to_have_text(
        ["31 May 2028: why", "None", "31 May 2028"]
    )

    # The profile's panel shows the date in force, marked as overridden.
    page.get_by_role("link", name="Back to the record").click()
    expect(page.get_by_role("definition").filter(has_text="16 February 2027")).to_have_text(
        re.compile(r"^16 February 2027\s+Overridden$")
    )
    expect(page.get_by_text("2 March 2027")).to_have_count(0)  # the calculated CRD is no longer in force
    expect(page.get_by_role("definition").filter(has_text=re.compile(r"^31 May 2028$"))).to_have_count(1)
