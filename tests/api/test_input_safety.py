"""IN-1: NUL characters anywhere in an API body or query give a clear 422 naming the field, never a 500
(PostgreSQL cannot store NUL), on SQLite and PostgreSQL alike."""

import json
import secrets

from oms.accounts.api_auth import hash_token
from oms.accounts.models import ApiToken
from oms.people.models import Person


def _bearer(user) -> dict:
    secret = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user, name="t", prefix=secret[:8], token_hash=hash_token(secret), scopes=["people.view", "people.create"]
    )
    return {"Authorization": f"Bearer {secret}"}


def test_nul_in_a_json_body_is_refused_and_nothing_is_written(client, alice):
    body = {"family_name": "Smi\x00th", "given_name": "Jo"}
    response = client.post(
        "/api/v1/people/", data=json.dumps(body), content_type="application/json", headers=_bearer(alice)
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "detail": "Text must not contain NUL characters.",
        "field": "family_name",
    }
    assert not Person.objects.exists()


def test_nul_in_a_query_string_is_refused(client, alice):
    response = client.get("/api/v1/audit/events", {"action": "a\x00b"}, headers=_bearer(alice))
    assert response.status_code == 422
    assert response.json()["field"] == "action"


def test_nul_in_a_nested_value_names_the_path(client, db):
    body = {"username": "someone", "password": "x", "otp": "1", "extra": {"list": ["ok", "b\x00d"]}}
    response = client.post("/api/v1/accounts/login", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["field"] == "extra.list"


def test_anonymous_callers_are_refused_for_authentication_first(client, db):
    response = client.post("/api/v1/people/search", data=json.dumps({"q": "a\x00"}), content_type="application/json")
    assert response.status_code == 401


def test_the_refusal_carries_the_security_headers(client, alice):
    response = client.get("/api/v1/audit/events", {"action": "\x00"}, headers=_bearer(alice))
    assert response.status_code == 422
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
