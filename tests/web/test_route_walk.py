"""AZ-1 deny by default: every page and every API operation declares its access with
``oms.web.access.page()`` / ``api()``. The only exceptions are framework routes that carry no data."""

from oms.web.access import AUTHENTICATED, PUBLIC
from tests.web.routes import walk

# django-ninja's own routes: the OpenAPI document, its viewer, and the API root (which only answers
# 404 naming the docs address). Static files are served by WhiteNoise outside the URLconf.
FRAMEWORK_ROUTES = {"api-root", "openapi-json", "openapi-view"}

# Public pages: the short list security.md AZ-1 allows. A new public route must be added here on purpose.
PUBLIC_ALLOWLIST_PREFIXES = ("health", "accounts/", "api/v1/accounts/login", "static/")


def _undeclared():
    for route in walk():
        if route.name in FRAMEWORK_ROUTES and not route.methods:
            continue
        if getattr(route.view, "oms_access", None) is None:
            yield route.label


def test_every_route_declares_its_access():
    missing = sorted(_undeclared())
    assert not missing, "routes without oms.web.access page()/api(): " + ", ".join(missing)


def test_public_routes_are_only_the_allowed_ones():
    public = [
        route.label
        for route in walk()
        if getattr(route.view, "oms_access", None) == PUBLIC and not route.route.startswith(PUBLIC_ALLOWLIST_PREFIXES)
    ]
    assert not public, "unexpected public routes: " + ", ".join(public)


def test_the_walk_sees_pages_and_api_operations():
    routes = list(walk())
    assert any(r.route == "" and getattr(r.view, "oms_access", None) == AUTHENTICATED for r in routes)
    assert any(r.name == "openapi-json" for r in routes)


def test_an_undeclared_view_is_caught(settings):
    """The walk itself works: a route without a declaration is reported."""
    from django.urls import path

    import tests.web.routes as routes_module

    def naked(request):  # pragma: no cover - never called
        raise AssertionError

    class FakeConf:
        urlpatterns = [path("naked", naked, name="naked")]

    import sys

    sys.modules["tests.web._naked_urls"] = FakeConf
    try:
        labels = [r.label for r in routes_module.walk("tests.web._naked_urls") if not hasattr(r.view, "oms_access")]
    finally:
        del sys.modules["tests.web._naked_urls"]
    assert labels == ["/naked"]
