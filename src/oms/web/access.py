"""Every page and API operation declares what it needs (security.md AZ-1).

``PUBLIC`` routes need nothing (login, static, health); ``AUTHENTICATED`` ones need a fully logged-in
user (password, MFA, no pending password change); anything else is a permission name. The declaration
is stored on the view as ``oms_access`` so a test can walk every route. Services still check
permission and scope themselves: this is the first gate, not the only one.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django_htmx.http import HttpResponseClientRedirect

from oms.core.errors import NotAuthenticated

PUBLIC = "public"
AUTHENTICATED = "authenticated"


def page(access: str):
    """Declare and enforce access for a page view (function-based)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if access != PUBLIC:
                actor = getattr(request, "actor", None)
                if actor is None:
                    login = redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
                    if getattr(request, "htmx", False):
                        # A fragment request (after a session timeout, say) must not draw the sign-in
                        # page inside part of a page: htmx sends the whole browser there instead.
                        return HttpResponseClientRedirect(login.url)
                    return login
                if access != AUTHENTICATED:
                    actor.require(access)
            return view(request, *args, **kwargs)

        wrapped.oms_access = access
        return wrapped

    return decorate


def api(access: str):
    """Declare and enforce access for a django-ninja operation (put it below the router decorator)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if access != PUBLIC:
                actor = getattr(request, "actor", None)
                if actor is None:
                    raise NotAuthenticated()
                if access != AUTHENTICATED:
                    actor.require(access)
            return view(request, *args, **kwargs)

        wrapped.oms_access = access
        return wrapped

    return decorate
