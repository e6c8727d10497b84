"""API authentication: bearer tokens (partner systems, devices, scripts) and the browser session."""

from __future__ import annotations

import hashlib

from django.conf import settings
from ninja.security import APIKeyCookie, HttpBearer

from oms.accounts.models import ApiToken
from oms.accounts.queries import actor_for_user
from oms.core import clock
from oms.core.middleware import client_ip


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if found is None or not found.user.is_active or found.user.disabled_at or found.user.locked_at:
            return None
        if found.expires_at and found.expires_at <= clock.now():
            return None
        request.actor = actor_for_user(
            found.user,
            channel="api",
            request_id=getattr(request, "request_id", ""),
            ip=client_ip(request, settings.TRUSTED_PROXIES),
            token_scopes=list(found.scopes),
            api_token_id=found.pk,
        )
        return request.actor


class SessionActorAuth(APIKeyCookie):
    """The logged-in browser session (with CSRF on unsafe methods, checked by APIKeyCookie)."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request, key):
        actor = getattr(request, "actor", None)
        if actor is None:
            return None
        request.actor = actor.__class__(**{**actor.__dict__, "channel": "api"})
        return request.actor
