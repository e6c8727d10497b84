"""htmx requests: a fragment request without a session sends the whole browser to sign in, and an
error answers into the main content rather than into the fragment's small target."""

import json
import re

import pytest
from django.test import Client

from tests.factories import login_verified

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_fragment_request_without_a_session_redirects_the_browser_to_sign_in(client, db):
    response = client.get("/", **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login?next=/")


def test_a_normal_request_without_a_session_gets_an_ordinary_redirect(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert "HX-Redirect" not in response


@pytest.mark.urls("tests.web.urls")
def test_a_denied_fragment_request_replaces_the_main_content(client, alice):
    login_verified(client, alice)
    response = client.get("/__tests__/guarded", **HTMX)
    assert response.status_code == 403
    assert response["HX-Retarget"] == "#main-content"
    assert response["HX-Reselect"] == "#main-content"
    assert b'id="main-content"' in response.content


def test_a_missing_page_under_htmx_replaces_the_main_content(client, alice):
    login_verified(client, alice)
    response = client.get("/no-such-page", **HTMX)
    assert response.status_code == 404
    assert response["HX-Retarget"] == "#main-content"


@pytest.mark.urls("tests.web.urls")
def test_a_failing_fragment_request_replaces_the_main_content(db):
    response = Client(raise_request_exception=False).get("/__tests__/explode", **HTMX)
    assert response.status_code == 500
    assert response["HX-Retarget"] == "#main-content"


@pytest.mark.urls("tests.web.urls")
def test_error_pages_outside_htmx_carry_no_htmx_headers(client, alice):
    login_verified(client, alice)
    assert "HX-Retarget" not in client.get("/__tests__/guarded")


def test_htmx_is_configured_for_csp_and_privacy(client, alice):
    login_verified(client, alice)
    page = client.get("/").content.decode()
    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", page).group(1))
    assert config["includeIndicatorStyles"] is False  # would be an inline <style> that CSP blocks
    assert config["allowEval"] is False
    assert config["historyCacheSize"] == 0  # no copies of pages with personal data in localStorage
    assert config["selfRequestsOnly"] is True
