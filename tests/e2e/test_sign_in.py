"""A person signs in with password and TOTP, sees the dashboard their roles open, and signs out."""

import base64
import re

from django_otp.oath import totp
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from tests.factories import STRONG_PASSWORD, make_user


def test_sign_in_with_password_and_security_code_opens_the_dashboard(page, alice, screenshot, settings):
    settings.DEMO_MODE = True
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login"))
    expect(page.locator("#login-banner")).to_contain_text("restricted")

    sign_in(page, alice)

    expect(page.get_by_role("heading", level=1)).to_have_text("Offender Management System")
    expect(page.locator(".oms-account__user")).to_contain_text("alice")
    navigation = page.get_by_role("navigation", name="Menu")
    expect(navigation.get_by_role("link", name="Home")).to_be_visible()
    expect(navigation.get_by_role("link", name="Users")).to_have_count(0)  # not a user administrator
    screenshot(page, "home")


def test_sign_out_ends_the_session(page, alice):
    sign_in(page, alice)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login"))


def test_a_wrong_security_code_is_refused_with_an_error_summary(page, alice):
    page.goto("/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(STRONG_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus there so it is read out first


def test_a_new_user_enrols_an_authenticator_at_first_sign_in(page, prison_a):
    newcomer = make_user("newcomer", roles=("records_officer",), sites=(prison_a,), with_totp=False)
    page.goto("/")
    page.get_by_label("Username").fill(newcomer.username)
    page.get_by_label("Password").fill(STRONG_PASSWORD)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "").strip()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Enter the code your app shows").fill(str(totp(key)).zfill(6))
    page.get_by_role("button", name="Continue").click()

    # Recovery codes are shown once; then the user carries on to the service.
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("recovery codes", re.I))
    page.get_by_role("link", name=re.compile("continue", re.I)).or_(
        page.get_by_role("button", name=re.compile("continue", re.I))
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Offender Management System")


def test_typing_a_search_after_the_session_ended_goes_to_sign_in(page, alice):
    sign_in(page, alice)
    page.goto("/people/")
    # The session ends on the server (as an idle timeout ends it); the browser keeps its cookies, so
    # the search, a POST since DP-2, still carries a valid CSRF token and meets the sign-in redirect.
    from django.contrib.sessions.models import Session

    Session.objects.all().delete()
    page.get_by_label("Name, system number or identifier").press_sequentially("Smith", delay=20)
    expect(page).to_have_url(re.compile(r"/accounts/login\?next="))
    expect(page.get_by_label("Username")).to_be_visible()
