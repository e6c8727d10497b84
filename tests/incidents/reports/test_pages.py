"""Incident report pages: the home lists, the type chooser and the question form (follow-ups decided on
the server), the incident page with its buttons, adding a person by system number, use of force, the
workflow buttons, bad input shown on the form, and the permission matrix."""

import pytest
from django.urls import reverse

from oms.incidents.models import Incident
from tests.factories import login_verified
from tests.incidents.reports.conftest import draft

pytestmark = pytest.mark.django_db


def _form(prison_a, **changes):
    return {
        "facility": str(prison_a.public_id),
        "occurred_on_day": "1",
        "occurred_on_month": "6",
        "occurred_on_year": "2026",
        "occurred_time": "08:30",
        "description": "Two men fought on the landing.",
        "q_weapon_used": "no",
        "q_weapon_kind": "bladed",  # a follow-up that does not apply: dropped by the server
        "q_injuries": "no",
        "q_number_involved": "2",
        **changes,
    }


def test_home_lists_and_the_report_button(client, shipped_types, olly, olly_actor, prison_a):
    incident = draft(olly_actor, prison_a)
    login_verified(client, olly)
    page = client.get(reverse("incidents:home"))
    assert page.status_code == 200
    assert b"Report an incident" in page.content and incident.reference.encode() in page.content


def test_reporting_through_the_pages(client, shipped_types, olly, sam, prison_a, person):
    login_verified(client, olly)
    chooser = client.get(reverse("incidents:report_new"))
    assert b"Drone sighting" in chooser.content
    form = client.get(reverse("incidents:report_new") + "?type=fight")
    assert b"What kind of weapon?" in form.content
    saved = client.post(reverse("incidents:report_new") + "?type=fight", _form(prison_a))
    assert saved.status_code == 302, saved.context["form"].errors
    incident = Incident.objects.get()
    assert incident.answers == {"weapon_used": "no", "injuries": "no", "number_involved": 2}
    page = client.get(saved["Location"])
    assert b"Submit the report" in page.content and b"Start review" not in page.content
    shown = page.content.decode()  # answers read as their labels, not the stored codes
    assert 'Was a weapon used?</dt><dd class="govuk-summary-list__value">No</dd>' in shown
    added = client.post(
        reverse("incidents:person_add", args=[incident.public_id]),
        {"role": "perpetrator", "system_number": person.system_number},
    )
    assert added.status_code == 302
    missing = client.post(
        reverse("incidents:person_add", args=[incident.public_id]), {"role": "victim", "system_number": "Z9999ZZ"}
    )
    assert missing.status_code == 200 and b"No person with that system number" in missing.content
    force = client.post(
        reverse("incidents:use_of_force", args=[incident.public_id]),
        {"techniques": ["guiding_hold"], "justification": "To separate them"},
    )
    assert force.status_code == 302
    incident.refresh_from_db()
    submit = client.post(
        reverse("incidents:incident_action", args=[incident.public_id, "submit"]), {"version": incident.version}
    )
    assert submit.status_code == 302
    incident.refresh_from_db()
    assert incident.status == "submitted"
    login_verified(client, sam)
    page = client.get(reverse("incidents:incident", args=[incident.public_id]))
    assert b"Start review" in page.content and person.family_name.upper().encode() in page.content
    client.post(reverse("incidents:incident_action", args=[incident.public_id, "start_review"]))
    empty_close = client.post(reverse("incidents:incident_action", args=[incident.public_id, "close"]), {"text": ""})
    assert empty_close.status_code == 422 and b"Enter a closing note" in empty_close.content
    client.post(reverse("incidents:incident_action", args=[incident.public_id, "close"]), {"text": "Dealt with"})
    incident.refresh_from_db()
    assert incident.status == "closed"


def test_bad_input_is_shown_on_the_form(client, shipped_types, olly, prison_a):
    login_verified(client, olly)
    url = reverse("incidents:report_new") + "?type=fight"
    future = client.post(url, _form(prison_a, occurred_on_year="2027"))
    assert future.status_code == 200 and b"cannot be in the future" in future.content
    follow_up = client.post(url, _form(prison_a, q_weapon_used="yes", q_weapon_kind="spoon"))
    assert follow_up.status_code == 200 and b"Select a valid choice" in follow_up.content
    no_location = client.post(url, _form(prison_a, location="Z-9"))
    assert b"No location with that key" in no_location.content
    assert not Incident.objects.exists()


def test_submit_with_missing_answers_shows_the_problem(client, shipped_types, olly, olly_actor, prison_a):
    incident = draft(olly_actor, prison_a, answers={"weapon_used": "yes"})
    login_verified(client, olly)
    response = client.post(reverse("incidents:incident_action", args=[incident.public_id, "submit"]), {"version": 1})
    assert response.status_code == 422 and b"What kind of weapon?" in response.content


def test_permission_matrix(client, shipped_types, olly_actor, alice, otto, prison_a):
    incident = draft(olly_actor, prison_a)
    login_verified(client, alice)
    assert client.get(reverse("incidents:home")).status_code == 403
    assert client.get(reverse("incidents:report_new")).status_code == 403
    login_verified(client, otto)
    assert client.get(reverse("incidents:incident", args=[incident.public_id])).status_code == 404
    assert client.post(reverse("incidents:incident_action", args=[incident.public_id, "submit"])).status_code == 404
    assert client.get(reverse("incidents:incident", args=["nonsense"])).status_code == 404


def test_changing_a_draft_keeps_its_answers_and_checks_the_version(client, shipped_types, olly, olly_actor, prison_a):
    incident = draft(olly_actor, prison_a)
    login_verified(client, olly)
    url = reverse("incidents:report_edit", args=[incident.public_id])
    page = client.get(url)
    assert page.status_code == 200 and b"Two men fought" in page.content
    stale = client.post(url, _form(prison_a, version="7"))
    assert stale.status_code == 200 and b"changed since you opened it" in stale.content
    saved = client.post(url, _form(prison_a, version="1", description="Changed"))
    assert saved.status_code == 302
    incident.refresh_from_db()
    assert incident.description == "Changed" and incident.version == 2
