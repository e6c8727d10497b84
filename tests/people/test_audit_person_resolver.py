"""Auditors search the audit trail by the system number they know: the people app hands the audit
app (below it) a resolver from a system number to the person's internal id."""

from __future__ import annotations

import pytest

from oms.audit import queries as audit_queries
from oms.audit.forms import AuditSearchForm
from oms.people import services
from oms.people.queries import person_id_for_system_number
from tests.factories import actor_of
from tests.people.conftest import make_person

pytestmark = pytest.mark.django_db


def test_people_registers_its_resolver_when_the_app_is_ready():
    assert audit_queries._person_resolver is person_id_for_system_number


def test_a_system_number_resolves_to_the_person_however_it_is_typed(prison_a):
    person = make_person(prison_a, family="Okafor", given="Chidi")
    number = person.system_number
    for typed in (number, number.lower(), f"  {number[:1]} {number[1:5]}-{number[5:]} "):
        assert audit_queries.resolve_person(typed) == person.pk, typed


@pytest.mark.parametrize("typed", ["Z9999ZZ", "Okafor", "A12", "'; DROP TABLE people_person; --", "x" * 10_000, "\x00"])
def test_anything_else_resolves_to_nobody(prison_a, typed):
    make_person(prison_a, family="Okafor", given="Chidi")
    assert audit_queries.resolve_person(typed) is None


def test_an_auditor_finds_a_persons_events_by_system_number(prison_a, erin, system):
    wanted = make_person(prison_a, family="Okafor", given="Chidi")
    other = make_person(prison_a, family="Lindqvist", given="Maja")
    services.add_alert(system, person_id=wanted.public_id, type="medical")
    services.add_alert(system, person_id=other.public_id, type="medical")

    form = AuditSearchForm({"person": wanted.system_number.lower()})
    assert form.is_valid(), form.errors
    found = audit_queries.search_events(actor_of(erin), person_id=form.cleaned_data["person"])
    actions = {event.action for event in found.events}
    assert {"people.person_created", "people.alert_added"} <= actions
    assert {event.subject_person_id for event in found.events} == {wanted.pk}

    unknown = AuditSearchForm({"person": "Z9999ZZ"})
    assert not unknown.is_valid() and unknown.errors["person"] == ["No person has that system number"]
