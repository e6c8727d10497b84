"""No audit, no access (AUD-3): when the audit event cannot be written, the request fails with 503,
returns no data and changes nothing."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.urls import reverse

from oms.audit.models import AuditChainHead
from oms.people import services as people_services
from oms.people.models import Person
from tests.factories import actor_of, login_verified

pytestmark = pytest.mark.django_db


REFUSE_INSERTS = {
    "postgresql": [
        """CREATE FUNCTION audit_event_refused() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'audit table unavailable'; END; $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER audit_event_refused BEFORE INSERT ON audit_auditevent
           FOR EACH ROW EXECUTE FUNCTION audit_event_refused()""",
    ],
    "sqlite": [
        """CREATE TRIGGER audit_event_refused BEFORE INSERT ON audit_auditevent
           BEGIN SELECT RAISE(ABORT, 'audit table unavailable'); END""",
    ],
}


@pytest.fixture(params=["insert_fails", "head_row_gone"])
def broken_audit(request, monkeypatch):
    """Break the audit write in two ways: the insert itself fails, or the chain head row is gone."""

    def break_it():
        if request.param == "insert_fails":
            # The database refuses new events (reads of old ones still work); rolled back with the test.
            with connection.cursor() as cursor:
                for statement in REFUSE_INSERTS[connection.vendor]:
                    cursor.execute(statement)
        else:
            AuditChainHead.objects.all().delete()

    return break_it


@pytest.fixture
def person(alice, prison_a):
    return people_services.create_person(
        actor_of(alice), family_name="Quill", given_name="Peregrine", site_id=prison_a.public_id
    )


def test_reading_a_person_fails_closed_with_no_data(client, alice, person, broken_audit):
    login_verified(client, alice)
    assert client.get(f"/api/v1/people/{person.public_id}").status_code == 200
    broken_audit()
    response = client.get(f"/api/v1/people/{person.public_id}")
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
    assert "Quill" not in response.content.decode()
    assert "Peregrine" not in response.content.decode()


def test_changing_a_person_fails_closed_with_no_change(client, alice, person, broken_audit):
    login_verified(client, alice)
    broken_audit()
    response = client.patch(
        f"/api/v1/people/{person.public_id}",
        data=json.dumps({"version": person.version, "family_name": "Changed"}),
        content_type="application/json",
    )
    assert response.status_code == 503
    assert "Quill" not in response.content.decode()
    assert Person.objects.get(pk=person.pk).family_name == "Quill"


def test_the_audit_page_fails_closed_with_no_rows(auditor_client, alice, person, broken_audit):
    broken_audit()
    response = auditor_client.get(reverse("audit:search"))
    assert response.status_code == 503
    html = response.content.decode()
    assert "govuk-table" not in html
    assert "people.person_created" not in html


def test_the_audit_api_fails_closed_with_no_rows(auditor_client, person, broken_audit):
    broken_audit()
    response = auditor_client.get("/api/v1/audit/events")
    assert response.status_code == 503
    assert set(response.json()) == {"code", "detail", "field"}
