"""Person pages through the Django test client, logged in with password and TOTP."""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import unquote

import pytest

from oms.core import clock
from oms.people.models import Alert, Person
from tests.factories import login_verified
from tests.people.conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def smith(prison_a):
    return make_person(prison_a, family="Smith", given="John", identifiers=[("pnc", "2001/0012345A")])


def test_search_page_full_and_htmx_fragment(client, alice, smith):
    login_verified(client, alice)
    page = client.post("/people/", {"q": "smyth"})
    body = page.content.decode()
    assert page.status_code == 200 and 'hx-trigger="keyup changed delay:300ms' in body
    assert 'hx-post="/people/"' in body and "hx-push-url" not in body and 'method="post"' in body
    assert "SMITH, John" in body and smith.system_number in body and "2001/0012345A" in body
    fragment = client.post("/people/", {"q": "smyth"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-results")
    text = fragment.content.decode()
    assert "SMITH, John" in text and "<html" not in text
    long_text = client.post("/people/", {"q": "x" * 10_000})
    assert long_text.status_code == 200


def test_search_filters_post_with_the_terms(client, alice, smith):
    login_verified(client, alice)
    born = {"date_of_birth_day": "17", "date_of_birth_month": "5", "date_of_birth_year": "1980"}
    assert "SMITH, John" in client.post("/people/", {"q": "", **born, "status": "active"}).content.decode()
    other_day = {**born, "date_of_birth_day": "18"}
    assert "SMITH, John" not in client.post("/people/", {"q": "smith", **other_day}).content.decode()
    bad_date = client.post("/people/", {"q": "smith", **born, "date_of_birth_month": "13"})
    assert bad_date.status_code == 200 and "Date of birth must be a real date" in bad_date.content.decode()
    typed = client.post(
        "/people/",
        {"q": "smith", **born, "date_of_birth_month": "13"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="search-results",
    ).content.decode()
    assert "govuk-error-message" in typed and "Date of birth must be a real date" in typed


def test_a_search_in_the_url_is_not_run(client, alice, smith):
    """DP-2: an old bookmark or a hand-typed ?q= neither searches nor echoes the name back."""
    login_verified(client, alice)
    page = client.get("/people/", {"q": "smith"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "SMITH, John" not in body and 'value="smith"' not in body


def test_no_url_produced_by_a_search_contains_the_searched_name(client, alice, smith):
    """DP-2: the form posts to a fixed address, results link to opaque ids, and nothing asks the
    browser to push or replace a URL carrying the terms."""
    login_verified(client, alice)
    searched = ("Smith", "smyth", smith.system_number, "2001/0012345A")
    for term in searched:
        for headers in ({}, {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "search-results"}):
            answer = client.post("/people/", {"q": term}, **headers)
            assert answer.status_code == 200
            assert "SMITH, John" in answer.content.decode(), term
            for header in ("Location", "HX-Push-Url", "HX-Replace-Url", "HX-Location", "HX-Redirect"):
                assert header not in answer.headers, (term, header)
            urls = re.findall(r'(?:href|action|hx-get|hx-post|src)="([^"]*)"', answer.content.decode())
            assert urls
            for url in urls:
                assert term.lower() not in unquote(url).lower() and "smith" not in unquote(url).lower(), url


def test_identity_bar_shows_number_birth_date_age_status_and_alert_badges(client, alice, smith, system):
    from oms.core import clock
    from oms.people import rules, services

    services.add_alert(system, person_id=smith.public_id, type="medical", level="low")
    services.add_alert(system, person_id=smith.public_id, type="self_harm", level="high")
    login_verified(client, alice)
    page = client.get(f"/people/{smith.public_id}/").content.decode()
    bar = re.search(r'<div class="moj-identity-bar".*?</div>\s*</div>\s*</div>', page, re.S).group(0)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", bar))
    age = rules.age_on(dt.date(1980, 5, 17), clock.today())
    for shown in (
        "SMITH, John",
        f"System number: {smith.system_number}",
        f"Date of birth: 17 May 1980 (age {age})",
        "Status: Active",
        "Legal status: No current legal status",
    ):
        assert shown in text, shown
    # The bar's container sets font-size 0: every text span must carry a type class to be seen at all.
    assert '<p class="govuk-body-s' in bar
    badges = re.findall(r'<strong class="moj-badge (moj-badge--\w+)">([^<]+)', bar)
    assert badges == [("moj-badge--red", "Risk of self-harm"), ("moj-badge--grey", "Medical")]


def test_search_needs_permission_and_login(client, alice, smith):
    assert client.get("/people/").status_code == 302
    from tests.factories import make_user

    login_verified(client, make_user("analyst1", roles=("analyst",)))
    assert client.get("/people/").status_code == 403


def test_profile_tabs_and_scope(client, alice, bob, smith):
    login_verified(client, alice)
    for tab, text in (
        ("", "Personal details"),
        ("alerts", "Alerts"),
        ("notes", "Case notes"),
        ("timeline", "Person created"),
    ):
        page = client.get(f"/people/{smith.public_id}/{tab}")
        assert page.status_code == 200, tab
        assert text in page.content.decode()
        assert "moj-identity-bar" in page.content.decode()
    panel = client.get(
        f"/people/{smith.public_id}/timeline", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="record-sections"
    ).content.decode()
    assert "moj-timeline" in panel and "moj-identity-bar" not in panel and "<html" not in panel
    # The tab list comes with the panel, with the tab now shown marked as current (and only that one).
    current = re.findall(r'<a [^>]*id="record-tab-(\w+)"[^>]*aria-current="page"', panel)
    assert current == ["timeline"]
    client.logout()
    login_verified(client, bob)
    assert client.get(f"/people/{smith.public_id}/").status_code == 404


def test_create_with_errors_then_duplicate_then_anyway(client, alice, prison_a, smith):
    login_verified(client, alice)
    assert client.get("/people/new").status_code == 200
    empty = client.post("/people/new", {"site": str(prison_a.public_id), "sex": "not_known", "legal_status": "none"})
    assert empty.status_code == 422
    assert "govuk-error-summary" in empty.content.decode() and "#id_family_name" in empty.content.decode()
    form = {
        "given_name": "Jon",
        "family_name": "Smyth",
        "date_of_birth_day": "17",
        "date_of_birth_month": "5",
        "date_of_birth_year": "1980",
        "sex": "male",
        "legal_status": "none",
        "site": str(prison_a.public_id),
    }
    warned = client.post("/people/new", form)
    assert warned.status_code == 409 and "Possible matches" in warned.content.decode()
    assert smith.system_number in warned.content.decode()
    created = client.post("/people/new", {**form, "duplicate_override_reason": "Different person: checked photo"})
    assert created.status_code == 302
    person = Person.objects.get(family_name="Smyth")
    assert created["Location"] == f"/people/{person.public_id}/"


def test_edit_add_alert_close_alert_note_alias_identifier(client, alice, smith):
    login_verified(client, alice)
    base = f"/people/{smith.public_id}"
    edit = client.post(
        f"{base}/edit",
        {
            "given_name": "John",
            "family_name": "Smith",
            "sex": "male",
            "legal_status": "remand",
            "status": "active",
            "version": "1",
        },
    )
    assert edit.status_code == 302
    stale = client.post(
        f"{base}/edit",
        {
            "given_name": "Jo",
            "family_name": "Smith",
            "sex": "male",
            "legal_status": "remand",
            "status": "active",
            "version": "1",
        },
    )
    assert stale.status_code == 422 and "Someone else changed this record" in stale.content.decode()
    assert client.post(f"{base}/alerts/new", {"type": "escape", "level": "high"}).status_code == 302
    alert = Alert.objects.get(person=smith)
    assert "moj-badge--red" in client.get(f"{base}/").content.decode()
    assert client.post(f"{base}/alerts/{alert.public_id}/close", {"reason": "Reviewed"}).status_code == 302
    assert client.post(f"{base}/notes/new", {"type": "general", "text": "Seen on the wing."}).status_code == 302
    assert "Seen on the wing." in client.get(f"{base}/notes").content.decode()
    assert client.post(f"{base}/names/new", {"family_name": "Smythe", "kind": "alias"}).status_code == 302
    assert client.post(f"{base}/identifiers/new", {"kind": "cro", "value": "123/45A"}).status_code == 302
    bad = client.post(f"{base}/identifiers/new", {"kind": "cro", "value": "///"})
    assert bad.status_code == 422 and "must include letters or digits" in bad.content.decode()


def test_wrong_role_gets_403_on_change_pages(client, charlie, smith):
    login_verified(client, charlie)
    base = f"/people/{smith.public_id}"
    for url in (f"{base}/edit", f"{base}/alerts/new", f"{base}/merge", "/people/new"):
        assert client.get(url).status_code == 403, url
    assert client.get(f"{base}/notes/new").status_code == 200  # facilitators write case notes


def test_merge_page_and_merged_record_redirects(client, alice, prison_a, smith):
    duplicate = make_person(prison_a, family="Smyth", given="Jon", dob=dt.date(1980, 5, 17))
    login_verified(client, alice)
    merged = client.post(
        f"/people/{duplicate.public_id}/merge",
        {
            "other_system_number": smith.system_number.lower(),
            "survivor": "other",
            "reason": "Same person",
            "confirm": "on",
        },
    )
    assert merged.status_code == 302 and merged["Location"] == f"/people/{smith.public_id}/timeline"
    assert "Person merged" in client.get(merged["Location"]).content.decode()
    old = client.get(f"/people/{duplicate.public_id}/")
    assert old.status_code == 302 and old["Location"] == f"/people/{smith.public_id}/overview"
    unconfirmed = client.post(
        f"/people/{smith.public_id}/merge", {"other_system_number": "Z9999ZZ", "survivor": "this", "reason": "x"}
    )
    assert unconfirmed.status_code == 422


# --- GOV.UK error wording -----------------------------------------------------------------------------


def _errors(response) -> list[str]:
    """The messages of the error summary, in order."""
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', response.content.decode(), re.S)
    assert summary, "no error summary"
    links = re.findall(r"<a [^>]*>(.*?)</a>", summary.group(0), re.S)
    return [html.unescape(re.sub(r"\s+", " ", link)).strip() for link in links]


def test_create_form_errors_use_govuk_wording(client, alice, prison_a):
    login_verified(client, alice)
    empty = client.post("/people/new", {"site": str(prison_a.public_id), "sex": "not_known", "legal_status": "none"})
    assert _errors(empty) == ["Enter a given name", "Enter a family name"]
    future = clock.today() + dt.timedelta(days=1)
    answer = client.post(
        "/people/new",
        {
            "given_name": "Ada",
            "family_name": "x" * 101,
            "date_of_birth_day": str(future.day),
            "date_of_birth_month": str(future.month),
            "date_of_birth_year": str(future.year),
            "sex": "unknown-sex",
            "legal_status": "none",
            "site": "not-a-site",
        },
    )
    assert _errors(answer) == [
        "Family name must be 100 characters or less",
        "Date of birth must be in the past",
        "Select the person's sex",
        "Select the site holding the record",
    ]
    incomplete = client.post(
        "/people/new",
        {"given_name": "Ada", "family_name": "Byron", "date_of_birth_day": "10", "date_of_birth_year": "1815"},
    )
    assert "Date of birth must include a month" in _errors(incomplete)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("edit", {"Enter a given name", "Enter a family name", "Select the person's sex", "Select a legal status"}),
        ("names/new", {"Enter a family name", "Select the kind of name"}),
        ("identifiers/new", {"Select the type of identifier", "Enter the number"}),
        ("alerts/new", {"Select the type of alert", "Select the level"}),
        ("notes/new", {"Select the type of note", "Enter the note"}),
        (
            "merge",
            {
                "Enter the system number of the other record",
                "Select which record is kept",
                "Enter why these are the same person",
                "Confirm you have checked these records are the same person",
            },
        ),
        ("photo/new", {"Select a photograph"}),
    ],
)
def test_every_people_form_says_what_to_enter(client, alice, smith, path, expected):
    login_verified(client, alice)
    data = {"version": "1", "status": "active"} if path == "edit" else {}
    answer = client.post(f"/people/{smith.public_id}/{path}", data)
    assert answer.status_code == 422
    assert "This field is required" not in answer.content.decode()
    assert expected <= set(_errors(answer)), _errors(answer)


def test_close_alert_asks_for_a_reason(client, alice, smith, system):
    from oms.people import services

    alert = services.add_alert(system, person_id=smith.public_id, type="medical")
    login_verified(client, alice)
    answer = client.post(f"/people/{smith.public_id}/alerts/{alert.public_id}/close", {})
    assert _errors(answer) == ["Enter why the alert is being closed"]


def test_alert_end_before_start_and_alias_born_in_the_future(client, alice, smith):
    login_verified(client, alice)
    alert = client.post(
        f"/people/{smith.public_id}/alerts/new",
        {
            "type": "medical",
            "level": "low",
            **{f"starts_on_{k}": v for k, v in (("day", "10"), ("month", "3"), ("year", "2026"))},
            **{f"ends_on_{k}": v for k, v in (("day", "9"), ("month", "3"), ("year", "2026"))},
        },
    )
    assert _errors(alert) == ["End date must be the same as or after the start date"]
    future = clock.today() + dt.timedelta(days=30)
    alias = client.post(
        f"/people/{smith.public_id}/names/new",
        {
            "family_name": "Smythe",
            "kind": "alias",
            **{
                f"date_of_birth_{k}": str(v)
                for k, v in (("day", future.day), ("month", future.month), ("year", future.year))
            },
        },
    )
    assert _errors(alias) == ["Date of birth used with this name must be in the past"]


def test_portal_account_pages_open_show_the_password_once_and_close(client, prison_a):
    from oms.accounts.models import User
    from tests.factories import login_verified, make_user
    from tests.people.conftest import make_person

    person = make_person(prison_a)
    officer = make_user(roles=("probation_officer",), sites=(prison_a,))
    login_verified(client, officer)
    profile = client.get(f"/people/{person.public_id}/")
    assert "Open a portal account" in profile.content.decode()
    empty = client.post(f"/people/{person.public_id}/portal-account/new", {"username": ""})
    assert empty.status_code == 422 and "Enter a username" in empty.content.decode()
    opened = client.post(f"/people/{person.public_id}/portal-account/new", {"username": "ada.page"})
    assert opened.status_code == 200
    password = opened.content.decode().split('data-testid="portal-password">')[1].split("<")[0]
    assert User.objects.get(username="ada.page").check_password(password)
    profile = client.get(f"/people/{person.public_id}/").content.decode()
    assert "ada.page" in profile and password not in profile
    closed = client.post(f"/people/{person.public_id}/portal-account/close", {"reason": "Order ended"})
    assert closed.status_code == 302
    assert not User.objects.get(username="ada.page").is_active
    clerk = make_user(roles=("records_officer",), sites=(prison_a,))
    login_verified(client, clerk)
    assert client.get(f"/people/{person.public_id}/portal-account/new").status_code == 403
