"""Authorisation denials are audited (AUD-1) in their own transaction, after the request rolled back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from oms.audit.models import AuditEvent
from tests.audit.conftest import stepped_up
from tests.factories import login_verified

pytestmark = pytest.mark.django_db


def denials() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="audit.access_denied").order_by("seq"))


def test_a_page_denial_is_recorded_with_who_what_and_why(client, charlie):
    stepped_up(client, charlie)
    response = client.get(reverse("audit:search") + "?person=A1234BC")
    assert response.status_code == 403
    [event] = denials()
    assert (event.actor_username, event.channel, event.outcome) == ("charlie", "web", "denied")
    assert event.details == {"status": 403, "code": "auth.permission_denied", "method": "GET", "path": "/audit/"}
    assert event.request_id == response["X-Request-ID"]


def test_an_api_denial_is_recorded_after_the_rollback(client, charlie):
    stepped_up(client, charlie)
    response = client.get("/api/v1/audit/events", {"username": "someone"})
    assert response.status_code == 403
    [event] = denials()
    assert (event.actor_username, event.channel) == ("charlie", "api")
    assert event.details["code"] == "auth.permission_denied"
    assert event.details["path"] == "/api/v1/audit/events"
    # The denied search wrote nothing of its own.
    assert not AuditEvent.objects.filter(action="audit.events_searched").exists()


def test_a_missing_step_up_on_the_api_is_a_recorded_denial(client, erin):
    login_verified(client, erin)
    assert client.get("/api/v1/audit/events").status_code == 403
    assert denials()[0].details["code"] == "auth.step_up_required"


def test_an_anonymous_or_bad_token_api_call_is_recorded(client):
    assert client.get("/api/v1/audit/events").status_code == 401
    assert client.get("/api/v1/audit/events", HTTP_AUTHORIZATION="Bearer not-a-real-token").status_code == 401
    events = denials()
    assert [(e.actor_username, e.actor_user_id, e.details["status"]) for e in events] == [
        ("anonymous", None, 401),
        ("anonymous", None, 401),
    ]


def test_allowed_requests_and_not_found_are_not_denials(auditor_client):
    assert auditor_client.get("/api/v1/audit/events").status_code == 200
    assert auditor_client.get(reverse("audit:report", args=["nothing"])).status_code == 404
    assert denials() == []


def test_a_denial_that_cannot_be_audited_still_denies(client, charlie, monkeypatch, caplog):
    stepped_up(client, charlie)
    from oms.audit.models import AuditChainHead

    AuditChainHead.objects.all().delete()
    assert client.get(reverse("audit:search")).status_code == 403
    assert client.get("/api/v1/audit/events").status_code == 403
    assert "could not be audited" in caplog.text


def test_a_denied_path_with_a_null_character_is_still_recorded(client):
    assert client.get("/api/v1/people/%00").status_code == 401
    [event] = denials()
    assert event.details["path"] == "/api/v1/people/\ufffd"
