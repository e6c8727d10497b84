"""Helpers for the accounts tests: users with a known TOTP secret, codes, logging on through the API
and the pages."""

from __future__ import annotations

import secrets

from django_otp.oath import totp

from oms.accounts import logon, services
from oms.accounts.models import ProtectedTOTPDevice
from tests.factories import STRONG_PASSWORD, actor_of, make_user

LOGIN_URL = "/api/v1/accounts/login"


def mfa_user(username: str, **fields):
    """A user whose authenticator secret the test knows (stored encrypted, as OMS stores it)."""
    user = make_user(username, with_totp=False, **fields)
    key = secrets.token_hex(20)
    logon.enrol_device(user, confirmed=True, hex_key=key)
    user.totp_key = key
    return user


def code_for(user, offset: int = 0) -> str:
    """The code the user's app shows ``offset`` time steps from now (tolerance allows -1..+1)."""
    device = ProtectedTOTPDevice.objects.get(user=user, confirmed=True)
    return str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset)).zfill(6)


def api_login(client, username, password=STRONG_PASSWORD, otp="000000", ip="10.0.0.1"):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password, "otp": otp},
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def bearer(user) -> dict:
    """A fresh personal logon token (counts as a step-up while younger than STEP_UP_MAX_AGE)."""
    issued = services.issue_logon_token(actor_of(user, "api"), user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}


def web_login(client, user, password=STRONG_PASSWORD, offset: int = 0, ip="10.0.0.2"):
    """Log on through the real pages: password, then a TOTP code. Returns the last response."""
    client.post("/accounts/login", {"username": user.username, "password": password}, REMOTE_ADDR=ip)
    return client.post("/accounts/mfa/verify", {"code": code_for(user, offset)}, REMOTE_ADDR=ip)
