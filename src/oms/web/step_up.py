"""Step-up re-authentication before privileged actions (security.md AUTH-6).

Lives in ``web`` so every app above it (audit, accounts, people...) can guard its pages without
importing accounts. The re-authentication page itself is ``accounts:step_up``; it stores the time of
the last successful password + TOTP check in the session under ``SESSION_KEY``. A bearer-token call is
stamped by the token authenticator (``request.oms_token_step_up_at``): a personal logon token counts
from when it was issued, a client token always counts (a machine cannot re-authenticate; its scopes
are its limit).

Use: ``@page("accounts.manage_users")`` then ``@step_up_required`` on a page view; call
``require_step_up(request)`` at the start of an API operation.
"""

from __future__ import annotations

import datetime as dt
import functools
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from oms.core import clock
from oms.core.errors import PermissionDenied

SESSION_KEY = "oms_step_up_at"


def stepped_up_at(request) -> dt.datetime | None:
    stamped = getattr(request, "oms_token_step_up_at", None)
    if stamped is not None:
        return stamped
    session = getattr(request, "session", None)
    raw = session.get(SESSION_KEY) if session is not None else None
    try:
        return dt.datetime.fromisoformat(raw) if raw else None
    except (TypeError, ValueError):
        return None


def is_stepped_up(request) -> bool:
    at = stepped_up_at(request)
    return at is not None and clock.now() - at < settings.STEP_UP_MAX_AGE


def step_up_required(view):
    """Redirect to the re-authentication page unless the user re-authenticated within STEP_UP_MAX_AGE."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_stepped_up(request):
            return redirect(f"{reverse('accounts:step_up')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    wrapped.oms_step_up = True
    return wrapped


def require_step_up(request) -> None:
    """API form: 403 with code ``auth.step_up_required`` unless recently re-authenticated."""
    if not is_stepped_up(request):
        raise PermissionDenied(
            "Re-authenticate first: log in again (POST /api/v1/accounts/login) or confirm your password and"
            " code on the re-authentication page.",
            code="auth.step_up_required",
        )
