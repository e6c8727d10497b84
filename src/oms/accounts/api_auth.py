"""API authentication: bearer tokens (partner systems, devices, scripts) and the browser session."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from ninja.security import APIKeyCookie, HttpBearer

from oms.accounts.models import ApiToken
from oms.accounts.queries import actor_for_user
from oms.core import clock
from oms.core.middleware import client_ip

# Last-use stamps are written at most this often, so a busy client does not write on every call.
LAST_USED_PRECISION = dt.timedelta(minutes=5)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _usable(token: ApiToken, now: dt.datetime) -> bool:
    user = token.user
    if not user.is_active or user.disabled_at or user.locked_at:
        return False
    if user.expires_at and user.expires_at <= now:
        return False
    return not (token.expires_at and token.expires_at <= now)


def _stamp_use(token: ApiToken, now: dt.datetime) -> None:
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.user.__class__.objects.filter(pk=token.user_id).update(last_seen_at=now)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        now = clock.now()
        if found is None or not _usable(found, now):
            return None
        _stamp_use(found, now)
        request.actor = actor_for_user(
            found.user,
            channel="api",
            request_id=getattr(request, "request_id", ""),
            ip=client_ip(request, settings.TRUSTED_PROXIES),
            # A logon token (password and TOTP just checked) acts with its user's own permissions.
            token_scopes=None if found.kind == ApiToken.Kind.LOGON else list(found.scopes),
            api_token_id=found.pk,
        )
        # Step-up (AUTH-6): a logon token proves a fresh password + TOTP check from when it was issued.
        request.oms_token_step_up_at = found.created_at if found.kind == ApiToken.Kind.LOGON else now
        return request.actor


class SessionActorAuth(APIKeyCookie):
    """The logged-in browser session (with CSRF on unsafe methods, checked by APIKeyCookie)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        # Without a logged-in session there is nothing to protect: answer 401 like any anonymous
        # call instead of a CSRF 403. With a session, APIKeyCookie checks CSRF before authenticating.
        if getattr(request, "actor", None) is None:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        actor = getattr(request, "actor", None)
        if actor is None:
            return None
        request.actor = actor.__class__(**{**actor.__dict__, "channel": "api"})
        return request.actor
