"""HDR-1: the security headers are on every response, error pages, static files and the API
included; SES-1: authenticated responses are never cached."""

import pytest
from django.test import Client

from tests.factories import login_verified
from tests.web.routes import has_parameters, walk

CSP_DIRECTIVES = (
    "default-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
)


def assert_security_headers(response):
    csp = response.headers.get("Content-Security-Policy", "")
    for directive in CSP_DIRECTIVES:
        assert directive in csp, f"CSP lacks {directive!r}: {csp!r}"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers.get("Strict-Transport-Security", "").startswith("max-age=")
    assert int(response.headers["Strict-Transport-Security"].split("=")[1].split(";")[0]) >= 31536000
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    # same-origin rather than HDR-1's no-referrer: see SECURE_REFERRER_POLICY in oms.settings.
    assert response.headers.get("Referrer-Policy") == "same-origin"
    assert "camera=()" in response.headers.get("Permissions-Policy", "")
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin"
    if response.get("Content-Type", "").startswith("text/html"):
        assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("X-Request-ID")


def assert_not_cached(response):
    cache_control = response.headers.get("Cache-Control", "")
    assert "no-store" in cache_control, f"Cache-Control was {cache_control!r}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/health", "/", "/no-such-page", "/static/web/oms.js", "/static/web/oms.css", "/api/v1/openapi.json"],
)
def test_anonymous_responses_carry_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code in (200, 302, 404)
    assert_security_headers(response)


def test_api_errors_carry_the_security_headers(client, db):
    response = client.get("/api/v1/no-such-operation")
    assert response.status_code == 404
    assert_security_headers(response)


def test_an_anonymous_api_call_gets_401_with_the_headers(client, db):
    operation = next(
        (
            r
            for r in walk()
            if r.methods
            and "GET" in r.methods
            and not has_parameters(r)
            and getattr(r.view, "oms_access", "public") != "public"
        ),
        None,
    )
    if operation is None:
        pytest.skip("no parameterless, non-public GET operation mounted yet")
    response = client.get("/" + operation.route)
    assert response.status_code == 401
    assert set(response.json()) == {"code", "detail", "field"}
    assert_security_headers(response)


def test_signed_in_pages_carry_the_headers_and_are_never_cached(client, alice):
    login_verified(client, alice)
    response = client.get("/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert_not_cached(response)


def test_every_parameterless_page_is_never_cached_when_signed_in(client, administrator):
    login_verified(client, administrator)
    checked = 0
    for route in walk():
        if route.methods or has_parameters(route) or route.route.startswith("api/"):
            continue
        response = client.get("/" + route.route)
        assert_security_headers(response)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            assert_not_cached(response)
            checked += 1
    assert checked >= 1


@pytest.mark.urls("tests.web.urls")
def test_403_page_carries_the_headers_and_the_reference(client, alice):
    login_verified(client, alice)
    response = client.get("/__tests__/guarded")
    assert response.status_code == 403
    assert_security_headers(response)
    assert_not_cached(response)
    assert response["X-Request-ID"] in response.content.decode()
    assert "should never be seen" not in response.content.decode()


@pytest.mark.urls("tests.web.urls")
def test_500_page_carries_the_headers(db):
    client = Client(raise_request_exception=False)
    response = client.get("/__tests__/explode")
    assert response.status_code == 500
    assert_security_headers(response)


def test_404_page_is_the_service_page_with_a_reference(client, db):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert response["X-Request-ID"] in body
