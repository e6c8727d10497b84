"""A supervisor's day in custody, in a real browser (issue 3, the browser journey): receive a new
person, house them in the best suggested bed, send them to court and record them back, then run a
formal count, name and resolve the one discrepancy, and clear the count.

The estate, the supervisor and one person already on the unit are arranged with factories; everything
under test goes through the pages. Synthetic people only (DP-4)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from oms.custody.models import CountTime
from tests.custody.factories import make_estate, make_prisoner
from tests.e2e.helpers import sign_in
from tests.factories import make_user
from tests.people.conftest import make_person

NEW_FAMILY, NEW_GIVEN = "Quarrington", "Tobias"
NEW_NAME = f"{NEW_FAMILY.upper()}, {NEW_GIVEN}"
COURT = "Leeds Crown Court"
ESCORT = "GEOAmey van 14"


@pytest.fixture
def supervisor(prison_a):
    return make_user("sam", roles=("supervisor",), sites=(prison_a,))


@pytest.fixture
def prison(prison_a):
    """Prison A: unit A with 2 cells of 2 beds, ABLE already in cell 01, and a midday count time."""
    estate = make_estate(prison_a)
    make_prisoner(prison_a, family="Able", given="Ronan", bed=estate["A-1-1-01-1"])
    # An older record with the same name and no date of birth, never held here: not the man at the desk.
    make_person(prison_a, family=NEW_FAMILY, given=NEW_GIVEN, dob=None)
    CountTime.objects.create(site=prison_a, name="Midday roll check", time_of_day=dt.time(12))
    return prison_a


def heading(page):
    return page.get_by_role("heading", level=1)


def choose(select, starting_with: str) -> None:
    """Pick the option whose visible text starts with ``starting_with`` (a name; the page adds a number)."""
    option = select.locator("option").filter(has_text=re.compile("^" + re.escape(starting_with)))
    select.select_option(label=option.inner_text().strip())


def site_navigation(page):
    """The sub-navigation between one prison's custody pages."""
    return page.get_by_role("navigation", name="Custody at Prison A")


def success_banner(page):
    return page.get_by_role("alert")


def test_receive_house_move_to_court_and_back_then_count_with_a_discrepancy(page, supervisor, prison, screenshot):
    sign_in(page, supervisor)
    _receive_a_new_person(page)
    _house_them_in_the_best_bed(page, screenshot)
    _send_them_to_court_and_back(page, prison, screenshot)
    _count_with_one_discrepancy_resolved_and_clear_it(page, prison, screenshot)


def _receive_a_new_person(page):
    # Custody in the menu opens the roll of the one prison in reach; reception is one of its pages.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Custody").click()
    expect(heading(page)).to_have_text("Establishment roll")
    site_navigation(page).get_by_role("link", name="Reception").click()
    expect(heading(page)).to_have_text("Receive a person")

    # Find first: the only record by that name is offered, not picked.
    page.get_by_label("Find the person").fill(NEW_FAMILY)
    page.get_by_role("button", name="Find").click()
    found = page.get_by_role("group", name="Person")
    expect(found.get_by_role("radio")).to_have_count(1)
    expect(found.get_by_role("radio", name=re.compile(rf"^{NEW_NAME} .*date of birth not known$"))).not_to_be_checked()
    assert NEW_FAMILY.lower() not in page.url.lower()  # the search was POSTed, never put in the URL
    page.get_by_text("A new person (no record found)").click()

    page.get_by_label("Family name").fill(NEW_FAMILY)
    page.get_by_label("Given name").fill(NEW_GIVEN)
    born = page.get_by_role("group", name="Date of birth")
    born.get_by_label("Day").fill("14")
    born.get_by_label("Month").fill("6")
    born.get_by_label("Year").fill("1993")
    page.get_by_label("Sex").select_option(label="Male")
    page.get_by_label("Legal status").select_option(label="Remand")
    page.get_by_label("Received from").fill("Leeds Magistrates' Court")
    page.get_by_label("Warrant or order").select_option(label="Remand warrant")
    page.get_by_label("Reference", exact=True).fill("RW-2026-0412")
    page.get_by_label("Issued by").fill("Leeds Magistrates' Court")
    expires = page.get_by_role("group", name="Expires on")
    next_hearing = dt.date.today() + dt.timedelta(days=28)
    expires.get_by_label("Day").fill(str(next_hearing.day))
    expires.get_by_label("Month").fill(str(next_hearing.month))
    expires.get_by_label("Year").fill(str(next_hearing.year))
    page.get_by_label("The document was seen").check()
    page.get_by_label("Property taken in").fill("Wallet #S4411\nWatch")
    page.get_by_role("button", name="Receive", exact=True).click()

    # The duplicate check stops the new record: the possible match is listed, with a reason field.
    expect(page.locator(".govuk-warning-text")).to_contain_text("This person may already have a record")
    expect(page.locator(".govuk-error-summary")).to_contain_text("This person may already have a record")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_role("group", name="Person").get_by_role("radio")).to_have_count(1)
    expect(page.get_by_label("Reference", exact=True)).to_have_value("RW-2026-0412")  # nothing typed is lost
    expect(page.get_by_label("The document was seen")).to_be_checked()
    page.get_by_label("Reason for creating a new record anyway").fill(
        "Different man: the old record is a 1970s alias file, PNC shows no link"
    )
    page.get_by_role("button", name="Receive", exact=True).click()

    expect(heading(page)).to_contain_text(NEW_NAME)
    expect(success_banner(page)).to_contain_text("Received: booking number")
    expect(page.locator(".govuk-caption-l")).to_contain_text("Prison A")
    expect(page.get_by_text("In custody", exact=True)).to_be_visible()
    expect(page.get_by_text("In reception", exact=True)).to_be_visible()
    # Reception warnings are listed to follow up; the screening is always still to do at this point.
    expect(page.locator("#warnings")).to_contain_text("Recorded at reception, to follow up")
    expect(page.get_by_role("listitem").filter(has_text="First-night screening has not been done")).to_be_visible()
    authorities = page.get_by_role("table").filter(has_text="RW-2026-0412")
    expect(authorities.get_by_role("row").filter(has_text="Remand warrant")).to_contain_text("Yes")
    expect(page).to_have_url(re.compile(r"/custody/episodes/[0-9a-f-]{36}/$"))


def _house_them_in_the_best_bed(page, screenshot):
    episode_url = page.url
    page.get_by_role("link", name="Allocate a bed").click()
    expect(heading(page)).to_have_text("Housing")
    expect(page.get_by_text("In reception: not yet housed")).to_be_visible()

    suggestions = page.get_by_role("table").filter(has=page.get_by_role("button", name=re.compile("^Choose")))
    rows = suggestions.locator("tbody").get_by_role("row")
    # Best first: every check passes and the empty cell 02 ranks before cell 01, where ABLE sleeps.
    expect(rows.first).to_contain_text("A-1-1-02-")
    expect(rows.first).to_contain_text("0 of 2")
    expect(rows.first).to_contain_text("All checks pass")
    expect(rows.filter(has_text="A-1-1-01-1")).to_have_count(0)  # an occupied bed is never offered
    best = rows.first.get_by_role("cell").first.inner_text().strip()
    screenshot(page, "custody-housing")

    rows.first.get_by_role("button", name=f"Choose bed {best}").click()
    expect(success_banner(page)).to_contain_text(f"Moved to bed {best}.")
    expect(page.get_by_role("heading", name="Move to another bed")).to_be_visible()
    history = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Reason"))
    expect(history.locator("tbody").get_by_role("row")).to_have_count(1)
    expect(history.locator("tbody").get_by_role("row").first).to_contain_text(best)
    expect(history.locator("tbody").get_by_role("row").first).to_contain_text("Now")

    page.get_by_role("link", name="Back to the custody record").click()
    expect(page).to_have_url(episode_url)
    where = page.locator(".govuk-summary-list__row").filter(has_text="Where")
    expect(where).to_contain_text(f"Bed {best}")
    expect(page.get_by_text("In reception", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Housing and cell moves")).to_be_visible()


def _send_them_to_court_and_back(page, prison, screenshot):
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Custody").click()
    expect(heading(page)).to_have_text("Establishment roll")
    expect(page.locator("#roll").get_by_role("heading", name="Out (0)")).to_be_visible()
    site_navigation(page).get_by_role("link", name="Movements").click()
    expect(heading(page)).to_have_text("Movements")
    expect(page.get_by_role("heading", name="Out of the establishment (0)")).to_be_visible()

    going_out = page.locator("form").filter(has=page.get_by_role("button", name="Record going out"))
    choose(going_out.get_by_label("Who is going out"), NEW_NAME)
    going_out.get_by_role("radio", name="Court").check()
    going_out.get_by_label("Destination").fill(COURT)
    going_out.get_by_label("Escort (responsible while out)").fill(ESCORT)
    going_out.get_by_label("Reason", exact=True).fill("Plea hearing")
    going_out.get_by_role("button", name="Record going out").click()

    expect(success_banner(page)).to_contain_text(f"Recorded: {NEW_FAMILY.upper()} out to {COURT}.")
    expect(page.get_by_role("heading", name="Out of the establishment (1)")).to_be_visible()
    out_table = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Responsible"))
    out_row = out_table.get_by_role("row").filter(has_text=NEW_NAME)
    expect(out_row).to_contain_text(f"Court: {COURT}")
    expect(out_row).to_contain_text(ESCORT)

    # The roll counts them as out, by name, where and with whom.
    site_navigation(page).get_by_role("link", name="Roll").click()
    expect(heading(page)).to_have_text("Establishment roll")
    roll = page.locator("#roll")
    unit_a = roll.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(r"^A\b")))
    # Unit A: population 2, in cell 1, out 1; their bed stays theirs while out (2 of 4 beds in use).
    expect(unit_a.get_by_role("cell")).to_have_text(["2", "1", "1", "2", "4", "4", "2", "0"])
    expect(roll.get_by_role("heading", name="Out (1)")).to_be_visible()
    out_on_roll = roll.get_by_role("row").filter(has_text=NEW_NAME)
    expect(out_on_roll).to_contain_text(COURT)
    expect(out_on_roll).to_contain_text(ESCORT)
    screenshot(page, "custody-roll")

    # Recorded back in another tab; the roll tab then refreshes its figures in place through htmx.
    other = page.context.new_page()
    other.goto(reverse("custody:movements", args=[prison.public_id]))
    back = other.locator("form").filter(has=other.get_by_role("button", name="Record back"))
    choose(back.get_by_label("Who is back"), NEW_NAME)
    back.get_by_role("button", name="Record back").click()
    expect(success_banner(other)).to_contain_text(f"Recorded: {NEW_FAMILY.upper()} back.")
    expect(other.get_by_role("heading", name="Out of the establishment (0)")).to_be_visible()
    expect(other.get_by_text("Nobody is out.")).to_be_visible()
    other.close()

    page.evaluate(
        """() => {
            const roll = document.getElementById("roll");
            return htmx.ajax("GET", roll.getAttribute("hx-get"), {source: roll, target: roll, swap: "outerHTML"});
        }"""
    )
    expect(roll.get_by_role("heading", name="Out (0)")).to_be_visible()
    expect(roll.get_by_text("Nobody is out.")).to_be_visible()
    # Only the fragment was swapped in: still one page heading, one roll, the same page.
    expect(heading(page)).to_have_count(1)
    expect(page.locator("#roll")).to_have_count(1)
    expect(page.locator("header")).to_have_count(1)
    expect(unit_a.get_by_role("cell")).to_have_text(["2", "2", "0", "2", "4", "4", "2", "0"])  # both in cell


def _count_with_one_discrepancy_resolved_and_clear_it(page, prison, screenshot):
    site_navigation(page).get_by_role("link", name="Counts").click()
    expect(heading(page)).to_have_text("Formal counts")
    page.get_by_role("radio", name="Scheduled count").check()
    page.get_by_label("Count time").select_option(label="12:00 Midday roll check")
    page.get_by_role("button", name="Start the count").click()

    expect(success_banner(page)).to_contain_text("Count started.")
    expect(heading(page)).to_contain_text("Midday roll check")
    units = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Expected in"))
    unit_a = units.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(r"^A\b")))
    expect(unit_a).to_contain_text("Counting")
    unit_a.get_by_role("link").click()

    expect(heading(page)).to_have_text("Count of unit A")
    expected = page.locator(".govuk-summary-list__row").filter(has_text="Expected in the unit")
    expect(expected).to_contain_text("2")
    expect(page.get_by_role("heading", name="Who should be in the unit (2)")).to_be_visible()
    # One short: ABLE is not seen in cell 01.
    page.get_by_label("Number counted").fill("1")
    page.get_by_role("button", name="Enter the count").click()

    expect(success_banner(page)).to_contain_text("Count entered.")
    # A count that does not match the roll is not cleared until someone is named.
    page.get_by_role("button", name="Clear this unit").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("record who is missing or extra")
    expect(page.locator("main").get_by_text("Discrepancy", exact=True)).to_be_visible()
    expect(page.locator(".govuk-summary-list__row").filter(has_text="Difference")).to_contain_text(
        "-1 against the roll"
    )
    named = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Cell"))
    expect(named.first.get_by_role("row").filter(has_text="ABLE, Ronan")).to_be_visible()
    expect(named.first.get_by_role("row").filter(has_text=NEW_NAME)).to_be_visible()

    choose(page.get_by_label("Person"), "ABLE, Ronan")
    page.get_by_label("What is wrong").fill("Not in cell 01 at the count")
    page.get_by_role("button", name="Record the discrepancy").click()
    expect(success_banner(page)).to_contain_text("Discrepancy recorded.")
    card = page.locator(".govuk-summary-card").filter(has_text="ABLE, Ronan")
    expect(card).to_contain_text("Not in cell 01 at the count")
    screenshot(page, "custody-count")

    # The unit cannot be cleared while the discrepancy is open.
    page.get_by_role("button", name="Clear this unit").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("1 discrepancy(ies) not yet resolved.")
    expect(page).to_have_title(re.compile(r"^Error: "))

    card = page.locator(".govuk-summary-card").filter(has_text="ABLE, Ronan")
    card.get_by_label("How it was resolved").fill("Found in the shower block on landing 1, seen by name")
    card.get_by_role("button", name="Resolve").click()
    expect(success_banner(page)).to_contain_text("Discrepancy resolved.")
    expect(page.locator(".govuk-summary-card").filter(has_text="ABLE, Ronan")).to_contain_text(
        "Resolved: Found in the shower block"
    )

    page.get_by_role("button", name="Clear this unit").click()
    expect(success_banner(page)).to_contain_text("Unit cleared.")
    expect(page.locator("main").get_by_text("Cleared", exact=True)).to_be_visible()

    page.get_by_role("link", name="Back to the count").click()
    expect(unit_a).to_contain_text("Cleared")
    page.get_by_label("Note (optional)").fill("One discrepancy, resolved by name")
    page.get_by_role("button", name="Clear the count").click()
    expect(success_banner(page)).to_contain_text("Count cleared.")
    status = page.locator(".govuk-summary-list__row").filter(has_text="Status")
    expect(status).to_contain_text("Cleared")
    expect(page.get_by_role("button", name="Clear the count")).to_have_count(0)
    expect(page.locator(".govuk-summary-list__row").filter(has_text=re.compile(r"^\s*Cleared"))).to_have_count(1)

    # The history on the counts page shows the count with its clearing time.
    page.get_by_role("link", name="Back to counts").click()
    history = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Timeliness"))
    # Earlier days' midday counts were never run (missed rows without a link); this one links to its count.
    row = history.get_by_role("row").filter(has=page.get_by_role("link", name="Midday roll check"))
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").nth(3)).to_have_text(re.compile(r"^\d\d:\d\d$"))
    expect(page.get_by_role("button", name="Start the count")).to_be_visible()  # nothing in progress now
