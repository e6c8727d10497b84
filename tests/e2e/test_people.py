"""Find a person by a misspelt name, open their record and timeline, and create a person after
correcting a validation error: the journeys of issue 2 section 7, in a real browser."""

import datetime as dt
import re

import pytest
from django.db import transaction
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from tests.factories import actor_of

# Synthetic people only (DP-4).
PEOPLE = [
    ("Thorburn", "Catherine", dt.date(1984, 3, 27)),
    ("Thornton", "Carl", dt.date(1990, 7, 2)),
    ("Okafor", "Chidi", dt.date(1979, 11, 14)),
    ("Lindqvist", "Maja", dt.date(1995, 1, 8)),
    ("Pereira", "Joao", dt.date(1988, 5, 30)),
]


@pytest.fixture
def population(alice, prison_a):
    actor = actor_of(alice)
    # Like any entry point, the arrangement owns the transaction the services run in (browser tests
    # use transactional_db, which is autocommit; PostgreSQL refuses row locks outside a transaction).
    with transaction.atomic():
        return _create_population(actor, prison_a)


def _create_population(actor, prison_a):
    from oms.people.services import add_alert, create_person

    people = {
        family: create_person(
            actor, family_name=family, given_name=given, date_of_birth=born, site_id=str(prison_a.public_id)
        )
        for family, given, born in PEOPLE
    }
    add_alert(actor, person_id=people["Thorburn"].public_id, type="self_harm", level="high")
    add_alert(actor, person_id=people["Thorburn"].public_id, type="medical", level="medium")
    return people


def test_find_a_person_by_a_misspelt_name_and_read_their_timeline(page, alice, population, screenshot, settings):
    settings.DEMO_MODE = True  # as `make run` serves it: the screenshots show the demo banner
    sign_in(page, alice)
    expect(page.locator(".govuk-phase-banner")).to_contain_text("Demo mode: synthetic data")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a person")

    # Typed key by key: htmx refreshes the results as the person types, without a page load.
    page.get_by_label("Name, system number or identifier").press_sequentially("Katherine Thorbern", delay=20)
    results = page.locator("#search-results")
    expect(results.get_by_role("link", name="THORBURN, Catherine")).to_be_visible()
    expect(results).to_contain_text("27 Mar 1984")
    # DP-2: the typed name never reaches the address bar or the history.
    assert page.url.endswith("/people/") and "katherine" not in page.url.lower()
    assert "thorbern" not in page.url.lower()
    screenshot(page, "people-search")

    results.get_by_role("link", name="THORBURN, Catherine").click()
    identity = page.get_by_role("complementary", name="Person")
    expect(identity).to_contain_text("THORBURN, Catherine")
    expect(identity).to_contain_text(population["Thorburn"].system_number)
    screenshot(page, "profile")

    expect(identity).to_contain_text("27 March 1984")
    expect(identity).to_contain_text("Status: Active")
    alerts = identity.get_by_role("list", name="Active alerts").get_by_role("listitem")
    expect(alerts).to_have_text(["Risk of self-harm (high level)", "Medical (medium level)"])
    # The details have a real size: the MoJ bar's container sets font-size 0, which once hid them.
    details = identity.get_by_text("System number:")
    expect(details).to_be_visible()
    assert details.bounding_box()["height"] > 10

    sections = page.get_by_role("navigation", name="Record sections")
    sections.get_by_role("link", name="Timeline").click()
    timeline = page.locator("#tab-panel")
    expect(timeline.get_by_role("heading", name="Timeline")).to_be_visible()
    expect(timeline.locator(".moj-timeline__item").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/timeline$"))
    # The tab list was swapped with the panel: the current tab moved from Overview to Timeline.
    expect(sections.get_by_role("link", name="Timeline")).to_have_attribute("aria-current", "page")
    expect(sections.locator("[aria-current]")).to_have_count(1)
    expect(sections.get_by_role("link", name="Timeline")).to_be_focused()
    screenshot(page, "timeline")
    page.go_back()
    expect(page.locator("#tab-panel").get_by_role("heading", name="Personal details")).to_be_visible()
    expect(sections.get_by_role("link", name="Overview")).to_have_attribute("aria-current", "page")


def test_search_without_javascript_posts_the_form_and_keeps_the_name_out_of_the_url(
    browser, live_server, transactional_db, alice, population
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, alice)
        page.goto("/people/")
        page.get_by_label("Name, system number or identifier").fill("Okafor")
        page.get_by_role("button", name="Search").click()
        expect(page.locator("#search-results").get_by_role("link", name="OKAFOR, Chidi")).to_be_visible()
        assert page.url.endswith("/people/") and "okafor" not in page.url.lower()
    finally:
        context.close()


def test_create_a_person_after_correcting_a_validation_error(page, alice, prison_a, screenshot):
    sign_in(page, alice)
    page.goto("/people/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a person")

    page.get_by_label("Given name").fill("Ottilie")
    page.get_by_role("group", name="Date of birth").get_by_label("Day").fill("31")
    page.get_by_role("group", name="Date of birth").get_by_label("Month").fill("2")
    page.get_by_role("group", name="Date of birth").get_by_label("Year").fill("1991")
    page.get_by_role("button", name="Create record").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(summary.get_by_role("link")).to_have_count(2)  # the missing family name and the impossible date
    screenshot(page, "create-person-errors")
    expect(summary).to_contain_text("Date of birth must be a real date")
    summary.get_by_role("link").first.click()  # errors are listed in the order of the form
    expect(page.get_by_label("Family name")).to_be_focused()
    summary.get_by_role("link", name="Date of birth must be a real date").click()
    expect(page.get_by_role("group", name="Date of birth").get_by_label("Day")).to_be_focused()

    page.get_by_label("Family name").fill("Marchetti-Brown")
    page.get_by_role("group", name="Date of birth").get_by_label("Day").fill("28")
    page.get_by_role("button", name="Create record").click()

    expect(page.get_by_role("alert")).to_contain_text("Record created: Ottilie Marchetti-Brown")
    expect(page.get_by_role("complementary", name="Person")).to_contain_text("MARCHETTI-BROWN, Ottilie")
    expect(page.get_by_role("complementary", name="Person")).to_contain_text("28 February 1991")
