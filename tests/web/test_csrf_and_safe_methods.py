"""CSRF-1: every state-changing page request needs the CSRF token (htmx sends it as a header read
from the page); GET never writes."""

import re

import pytest
from django.apps import apps
from django.test import Client

from tests.factories import login_verified
from tests.web.routes import has_parameters, walk

# Rows a GET may add by design: audited reads (AUD-1), a partner's read recorded as a disclosure
# (docs/diversion-partners.md), and the session bookkeeping of SES-1.
WRITES_ALLOWED_ON_GET = {
    "audit.auditevent",
    "audit.auditcheckpoint",
    "diversion.disclosure",
    "sessions.session",
    "accounts.usersession",
}


def csrf_client(user) -> Client:
    return login_verified(Client(enforce_csrf_checks=True), user)


@pytest.mark.urls("tests.web.urls")
def test_a_post_without_the_csrf_token_is_refused(alice):
    client = csrf_client(alice)
    response = client.post("/__tests__/write", {"anything": "x"})
    assert response.status_code == 403
    assert b"written" not in response.content


@pytest.mark.urls("tests.web.urls")
def test_the_token_htmx_sends_from_the_page_header_is_accepted(alice):
    client = csrf_client(alice)
    page = client.get("/").content.decode()
    token = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", page).group(1)
    response = client.post("/__tests__/write", {"anything": "x"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert response.content == b"written"


def test_every_page_refuses_a_post_without_the_csrf_token(administrator):
    client = csrf_client(administrator)
    checked = []
    for route in walk():
        if route.methods or route.route.startswith("api/"):
            continue  # the API is checked below
        path = "/" + route.route
        if has_parameters(route):
            path = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000000", path)
            path = re.sub(r"<[^>]+>", "1", path)
        response = client.post(path, {"anything": "x"})
        # 403 from the CSRF check, or 405 from a GET-only view: never a success or a redirect onwards.
        assert response.status_code in (403, 405), f"POST {path} answered {response.status_code}"
        checked.append(path)
    assert checked


def test_the_sign_out_button_posts_with_the_token(client, alice):
    login_verified(client, alice)
    page = client.get("/").content.decode()
    if "Sign out" not in page:
        pytest.skip("accounts:logout is not mounted yet")
    form = re.search(r'<form method="post" action="([^"]+)" class="oms-account__form">(.*?)</form>', page, re.S)
    assert form and 'name="csrfmiddlewaretoken"' in form.group(2)


def test_the_api_refuses_an_unsafe_call_on_the_session_cookie_without_the_csrf_token(alice):
    client = csrf_client(alice)
    # Public operations (the API login) act on no session, so there is nothing for CSRF to protect.
    unsafe = [
        r
        for r in walk()
        if set(r.methods) & {"POST", "PUT", "PATCH", "DELETE"} and getattr(r.view, "oms_access", None) != "public"
    ]
    if not unsafe:
        pytest.skip("no unsafe API operation mounted yet")
    for route in unsafe:
        path = "/" + re.sub(r"<[^>]+>", "1", route.route)
        method = sorted(set(route.methods) & {"POST", "PUT", "PATCH", "DELETE"})[0].lower()
        response = getattr(client, method)(path, data="{}", content_type="application/json")
        assert response.status_code in (401, 403, 404, 405), f"{method.upper()} {path} -> {response.status_code}"


def _row_counts() -> dict[str, int]:
    return {model._meta.label_lower: model._default_manager.count() for model in apps.get_models()}


def test_get_never_writes(administrator, alice):
    client = login_verified(Client(), administrator)
    client.get("/")  # session bookkeeping of the first request happens here, not in the walk
    before = _row_counts()
    visited = 0
    for route in walk():
        if route.methods and "GET" not in route.methods:
            continue
        if has_parameters(route):
            continue
        client.get("/" + route.route)
        visited += 1
    after = _row_counts()
    changed = {label: (before[label], after[label]) for label in before if before[label] != after[label]}
    unexpected = {label: counts for label, counts in changed.items() if label not in WRITES_ALLOWED_ON_GET}
    assert not unexpected, f"GET requests changed rows: {unexpected}"
    assert visited >= 2
