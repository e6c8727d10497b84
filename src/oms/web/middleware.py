"""Security headers on every response (HDR-1) and the one mapping of domain errors to pages."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from oms.core.errors import DomainError

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        # HSTS is set here too, not only over TLS: a plain-HTTP test still proves the header is sent.
        response.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # SES-1: authenticated pages are never cached
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response


def show_in_main_content(request, response):
    """An htmx request that fails gets its error page swapped in place of the main content (not into
    the small target the fragment was meant for); base.html tells htmx to swap 4xx/5xx answers."""
    if getattr(request, "htmx", False):
        response["HX-Retarget"] = "#main-content"
        response["HX-Reselect"] = "#main-content"
        response["HX-Reswap"] = "outerHTML"
        response["HX-Push-Url"] = "false"
    return response


class DomainErrorMiddleware:
    """Pages: a domain error becomes its status with a plain explanation, never a 500.

    Runs outside the request transaction (ATOMIC_REQUESTS has already rolled back), so a denial can be
    audited here in a transaction of its own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        from oms.web.denials import audit_denial

        audit_denial(request, exception)
        template = f"web/errors/{exception.status}.html" if exception.status in (403, 404) else "web/errors/domain.html"
        return show_in_main_content(request, render(request, template, {"error": exception}, status=exception.status))
