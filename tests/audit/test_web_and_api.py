"""The audit search page and API: audit.view plus step-up, filters, pagination, every view audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from oms.audit.models import AuditEvent
from oms.audit.services import record_event
from oms.core import clock
from tests.audit.conftest import stepped_up
from tests.factories import actor_of, login_verified

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def trail(alice):
    with clock.freeze(T0):
        for n in range(60):
            record_event(
                actor_of(alice), "people.person_viewed", object_type="person", object_id=n, subject_person_id=n
            )
            clock.advance(dt.timedelta(minutes=1))
        record_event(actor_of(alice), "people.person_edited", object_type="person", object_id=7, subject_person_id=7)


# --- page --------------------------------------------------------------------------------------------
def test_the_page_needs_a_recent_step_up(client, erin, trail):
    login_verified(client, erin)
    response = client.get(reverse("audit:search"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:step_up"))
    assert not AuditEvent.objects.filter(action="audit.events_searched").exists()


def test_the_page_lists_the_newest_events_with_pagination(auditor_client, trail):
    response = auditor_client.get(reverse("audit:search"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "61 events" in html
    assert "govuk-table" in html and "govuk-pagination" in html
    assert "people.person_edited" in html
    assert AuditEvent.objects.filter(action="audit.events_searched", actor_username="erin").count() == 1


def test_the_page_filters_and_keeps_filters_when_paging(auditor_client, trail):
    response = auditor_client.get(reverse("audit:search"), {"user": "alice", "action": "people.person_viewed"})
    html = response.content.decode()
    assert "60 events" in html
    assert "page=2" in html and "action=people.person_viewed" in html
    response = auditor_client.get(reverse("audit:search"), {"person": "7", "action": "people."})
    assert "2 events" in response.content.decode()


def test_the_page_filters_by_local_calendar_days(auditor_client, trail):
    day = {"date_from_day": "1", "date_from_month": "3", "date_from_year": "2026", "action": "people."}
    to = {"date_to_day": "1", "date_to_month": "3", "date_to_year": "2026"}
    assert "61 events" in auditor_client.get(reverse("audit:search"), {**day, **to}).content.decode()
    later = {"date_from_day": "2", "date_from_month": "3", "date_from_year": "2026", "action": "people."}
    assert "0 events" in auditor_client.get(reverse("audit:search"), later).content.decode()


def test_bad_filters_get_an_error_summary_not_a_500(auditor_client):
    response = auditor_client.get(
        reverse("audit:search"),
        {
            "date_from_day": "31",
            "date_from_month": "2",
            "date_from_year": "2026",
            "person": "Z9999ZZ",
            "user": "x" * 10_000,
            "page": "banana",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "No person has that system number" in html
    assert not AuditEvent.objects.filter(action="audit.events_searched").exists()


def test_reports_render_and_are_audited(auditor_client, trail):
    for name in ("lockouts", "denials", "high-volume-readers"):
        response = auditor_client.get(reverse("audit:report", args=[name]))
        assert response.status_code == 200, name
    readers = auditor_client.get(reverse("audit:report", args=["high-volume-readers"])).content.decode()
    assert "alice" in readers and ">60<" in readers.replace(" ", "").replace("\n", "")
    assert AuditEvent.objects.filter(action="audit.report_viewed").count() == 4
    assert auditor_client.get(reverse("audit:report", args=["nothing"])).status_code == 404


@pytest.mark.parametrize("persona", ["charlie", "dave"])
def test_people_without_audit_view_are_refused_the_page(client, persona, request):
    stepped_up(client, request.getfixturevalue(persona))
    assert client.get(reverse("audit:search")).status_code == 403


# --- API ---------------------------------------------------------------------------------------------
API = "/api/v1/audit/events"


def test_the_api_searches_with_filters_and_pages(auditor_client, trail):
    body = auditor_client.get(API, {"username": "alice", "page_size": 25, "page": 3}).json()
    assert (body["count"], body["page"], body["pages"], len(body["items"])) == (61, 3, 3, 11)
    first = auditor_client.get(API, {"action": "people.person_edited"}).json()["items"][0]
    assert first["subject_person_id"] == 7
    assert first["actor_username"] == "alice"
    assert len(first["hash"]) == 64
    naive = auditor_client.get(API, {"since": "2026-03-01T09:30:00", "until": "2026-03-01T09:40:00"}).json()
    assert naive["count"] == 10


def test_the_api_rejects_bad_input_with_4xx(auditor_client):
    assert auditor_client.get(API, {"page_size": 1000}).status_code == 422
    assert auditor_client.get(API, {"person_id": "9" * 40}).status_code == 422
    backwards = auditor_client.get(API, {"since": "2026-03-02T00:00:00Z", "until": "2026-03-01T00:00:00Z"})
    assert backwards.status_code == 422
    assert backwards.json()["field"] == "since"
    assert auditor_client.get(API, {"since": "0001-01-01T00:00:00+23:59"}).status_code == 422
    assert auditor_client.get(API, {"until": "9999-12-31T23:59:59-23:59"}).status_code == 422
    nul = auditor_client.get(API, {"username": "al\x00ice"})
    assert (nul.status_code, nul.json()["field"]) == (422, "username")


def test_the_api_needs_a_step_up(client, erin):
    login_verified(client, erin)
    response = client.get(API)
    assert response.status_code == 403
    assert response.json()["code"] == "auth.step_up_required"


def test_the_api_reports(auditor_client, trail):
    readers = auditor_client.get("/api/v1/audit/reports/high-volume-readers").json()
    assert readers == [{"user_id": readers[0]["user_id"], "username": "alice", "reads": 60, "people": 60}]
    assert auditor_client.get("/api/v1/audit/reports/denials").status_code == 200
    assert auditor_client.get("/api/v1/audit/reports/lockouts").status_code == 200
