"""Session policy (idle and absolute timeouts, SES-1) and the request Actor.

``request.actor`` is set only for a fully authenticated user: password checked, MFA verified, no
pending forced password change. Anything less leaves it ``None`` so pages redirect to login.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import auth
from django.db import transaction

from oms.accounts import rules
from oms.accounts.models import User, UserSession
from oms.accounts.queries import actor_for_user
from oms.accounts.services import record_session_end
from oms.core import clock
from oms.core.middleware import client_ip

LOGGED_IN_AT = "oms_logged_in_at"
LAST_ACTIVITY_AT = "oms_last_activity_at"
# Activity is written back at most this often: an idle timeout of 30 minutes needs no finer clock, and
# it saves a session write on every request.
ACTIVITY_PRECISION = dt.timedelta(seconds=60)


def _read(session, key: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(session[key]) if session.get(key) else None
    except (TypeError, ValueError):
        return None


def start_session_clocks(request) -> None:
    now = clock.now().isoformat()
    request.session[LOGGED_IN_AT] = now
    request.session[LAST_ACTIVITY_AT] = now


def track_session(request, user: User) -> UserSession:
    """Record the (verified) browser session for "my sessions" and for ending it from elsewhere."""
    if request.session.session_key is None:
        request.session.save()
    now = clock.now()
    tracked, _ = UserSession.objects.get_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "created_at": now,
            "last_seen_at": now,
            "ip": client_ip(request, settings.TRUSTED_PROXIES),
            "user_agent": request.headers.get("User-Agent", "")[:300],
        },
    )
    return tracked


def cycle_session_key(request) -> None:
    """A new session id at logon and at every privilege change (SES-1), keeping the tracked row."""
    old_key = request.session.session_key
    request.session.cycle_key()
    if old_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=request.session.session_key)


class SessionPolicyMiddleware:
    """Ends a session on the server after 30 minutes idle or 12 hours in total, or when it was ended
    elsewhere (by the user on another device, or by disabling the account)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._enforce(request, user)
        return self.get_response(request)

    def _enforce(self, request, user) -> None:
        session = request.session
        now = clock.now()
        logged_in_at, last_activity_at = _read(session, LOGGED_IN_AT), _read(session, LAST_ACTIVITY_AT)
        if logged_in_at is None or last_activity_at is None:
            # A session opened outside the logon views (a test client's force_login): the clocks start now.
            start_session_clocks(request)
            logged_in_at = last_activity_at = now
        verdict = rules.session_verdict(
            now=now,
            logged_in_at=logged_in_at,
            last_activity_at=last_activity_at,
            idle_timeout=settings.SESSION_IDLE_TIMEOUT,
            absolute_timeout=settings.SESSION_ABSOLUTE_TIMEOUT,
        )
        tracked = None
        if not verdict.expired and user.is_verified():
            tracked = track_session(request, user)
            if tracked.ended_at is not None:
                # Already ended and audited elsewhere; just make sure this browser is logged out.
                auth.logout(request)
                return
        if verdict.expired:
            actor = actor_for_user(
                user,
                channel="web",
                request_id=getattr(request, "request_id", ""),
                ip=client_ip(request, settings.TRUSTED_PROXIES),
            )
            with transaction.atomic():
                record_session_end(actor, session_key=session.session_key or "", reason=verdict.reason)
            auth.logout(request)
            request.oms_session_expired = verdict.reason
            return
        if now - last_activity_at >= ACTIVITY_PRECISION:
            session[LAST_ACTIVITY_AT] = now.isoformat()
            if tracked is not None:
                UserSession.objects.filter(pk=tracked.pk).update(last_seen_at=now)
                User.objects.filter(pk=user.pk).update(last_seen_at=now)


class ActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_verified() and not user.must_change_password:
            request.actor = actor_for_user(
                user,
                channel="web",
                request_id=getattr(request, "request_id", ""),
                ip=client_ip(request, settings.TRUSTED_PROXIES),
            )
        return self.get_response(request)
