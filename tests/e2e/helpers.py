"""Steps a person takes, shared by the browser tests."""

from __future__ import annotations

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import STRONG_PASSWORD


def current_code(user) -> str:
    """The code the user's authenticator app would show now."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return str(code).zfill(device.digits)


def sign_in(page, user, password: str = STRONG_PASSWORD) -> None:
    """Password, then the TOTP code, through the real pages; ends on the page after sign-in."""
    page.goto("/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Security code").fill(current_code(user))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
