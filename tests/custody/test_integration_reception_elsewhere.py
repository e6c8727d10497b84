"""Receiving a person whose record is held outside the officer's scope (people layer, purpose "reception").

The person brought from Prison A to Prison B has a record only Prison A can see. Oscar (custody officer at
Prison B) is shown the identifying minimum of the matching record, picks it, and the reception links it to
Prison B: no duplicate, audited, and now in scope. Ordinary search still shows nothing beforehand.
"""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core.errors import NotFound, PermissionDenied, RuleViolation
from oms.custody import services
from oms.custody.models import CustodyEpisode
from oms.people import queries as people_queries
from oms.people.models import Person, PersonSiteLink
from oms.people.services import PossibleDuplicates
from tests.custody.factories import make_episode, make_estate
from tests.factories import actor_of, login_verified
from tests.people.conftest import make_person

pytestmark = pytest.mark.django_db

DOB = dt.date(1984, 6, 2)


@pytest.fixture
def estate_b(prison_b):
    return make_estate(prison_b)


@pytest.fixture
def held_at_a(prison_a):
    """A record linked only to Prison A."""
    return make_person(prison_a, family="Okafor", given="Tunde", dob=DOB)


def details():
    return services.NewPerson("Okafor", "Tunde", DOB)


def test_ordinary_search_does_not_show_the_record_before_reception(oscar_actor, held_at_a):
    assert people_queries.search_people(oscar_actor, text="Okafor", limit=10).hits == []
    with pytest.raises(NotFound):
        people_queries.find_person(oscar_actor, held_at_a.public_id)


def test_duplicate_check_hides_details_but_the_reception_lookup_shows_the_minimum(
    oscar_actor, prison_b, held_at_a, estate_b
):
    with pytest.raises(PossibleDuplicates) as duplicates:
        services.receive_person(oscar_actor, site_id=prison_b.public_id, legal_status="remand", new_person=details())
    assert [c.in_scope for c in duplicates.value.candidates] == [False]

    matches = people_queries.matches_for_present_person(
        oscar_actor,
        purpose="reception",
        site_id=prison_b.pk,
        family_name="Okafor",
        given_name="Tunde",
        date_of_birth=DOB,
    )
    assert [(m.public_id, m.system_number, m.date_of_birth, m.in_scope) for m in matches] == [
        (str(held_at_a.public_id), held_at_a.system_number, DOB, False)
    ]
    assert matches[0].matched_on
    viewed = AuditEvent.objects.get(action="people.present_person_match_viewed", subject_person_id=held_at_a.pk)
    assert viewed.details["purpose"] == "reception" and viewed.site_id == prison_b.pk
    # Reading does not bring the record into scope.
    assert people_queries.search_people(oscar_actor, text="Okafor", limit=10).hits == []


def test_officer_at_b_receives_a_person_held_only_at_a(oscar_actor, prison_a, prison_b, held_at_a, estate_b):
    episode = services.receive_person(
        oscar_actor,
        site_id=prison_b.public_id,
        legal_status="remand",
        new_person=details(),
        held_elsewhere_person_id=held_at_a.public_id,
    )
    assert episode.person_id == held_at_a.pk and episode.site_id == prison_b.pk
    assert Person.objects.filter(family_name="Okafor").count() == 1  # no duplicate created
    assert PersonSiteLink.objects.filter(person=held_at_a, site=prison_b, kind="custody", ended_on=None).exists()
    chosen = AuditEvent.objects.get(action="people.present_person_chosen", subject_person_id=held_at_a.pk)
    assert chosen.details["purpose"] == "reception" and chosen.site_id == prison_b.pk
    linked = AuditEvent.objects.get(action="people.site_linked", subject_person_id=held_at_a.pk, site_id=prison_b.pk)
    assert linked.details["purpose"] == "reception"
    assert AuditEvent.objects.filter(action="custody.person_received", subject_person_id=held_at_a.pk).exists()
    # Now in scope at Prison B the ordinary way.
    assert [h.person.pk for h in people_queries.search_people(oscar_actor, text="Okafor", limit=10).hits] == [
        held_at_a.pk
    ]


def test_stale_episode_at_a_is_closed_when_received_at_b(oscar_actor, prison_a, prison_b, held_at_a, estate_b):
    stale = make_episode(held_at_a, prison_a)
    services.receive_person(
        oscar_actor,
        site_id=prison_b.public_id,
        legal_status="remand",
        new_person=details(),
        held_elsewhere_person_id=held_at_a.public_id,
    )
    stale.refresh_from_db()
    assert stale.status == CustodyEpisode.Status.TRANSFERRED


def test_a_record_not_matching_the_details_is_not_found(oscar_actor, prison_a, prison_b, estate_b):
    other = make_person(prison_a, family="Zielinski", given="Marta", dob=dt.date(1990, 1, 1))
    with pytest.raises(NotFound):
        services.receive_person(
            oscar_actor,
            site_id=prison_b.public_id,
            legal_status="remand",
            new_person=details(),
            held_elsewhere_person_id=other.public_id,
        )
    assert not PersonSiteLink.objects.filter(person=other, site=prison_b).exists()
    assert not AuditEvent.objects.filter(action="people.present_person_chosen").exists()


def test_details_are_needed_and_wrong_role_is_403(charlie, oscar_actor, prison_b, held_at_a, estate_b):
    with pytest.raises(RuleViolation) as error:
        services.receive_person(
            oscar_actor, site_id=prison_b.public_id, legal_status="remand", held_elsewhere_person_id=held_at_a.public_id
        )
    assert error.value.field == "person"
    with pytest.raises(PermissionDenied):
        people_queries.matches_for_present_person(
            actor_of(charlie),
            purpose="reception",
            site_id=prison_b.pk,
            family_name="Okafor",
            given_name="Tunde",
            date_of_birth=DOB,
        )
    with pytest.raises(RuleViolation):
        people_queries.matches_for_present_person(
            oscar_actor,
            purpose="curiosity",
            site_id=prison_b.pk,
            family_name="Okafor",
            given_name="Tunde",
            date_of_birth=DOB,
        )


def test_reception_page_offers_the_record_held_elsewhere_and_receives_it(client, oscar, prison_b, held_at_a, estate_b):
    login_verified(client, oscar)
    form = {
        "site": str(prison_b.public_id),
        "action": "receive",
        "family_name": "Okafor",
        "given_name": "Tunde",
        "date_of_birth_day": "2",
        "date_of_birth_month": "6",
        "date_of_birth_year": "1984",
        "sex": "male",
        "legal_status": "remand",
        "authority_kind": "",
        "cash": "",
        "property": "",
    }
    page = client.post("/custody/reception/", form)
    body = page.content.decode()
    assert page.status_code == 409
    assert "OKAFOR, Tunde" in body and held_at_a.system_number in body and "matched on" in body
    assert 'name="held_elsewhere_id"' in body
    received = client.post("/custody/reception/", {**form, "held_elsewhere_id": str(held_at_a.public_id)})
    assert received.status_code == 302
    episode = CustodyEpisode.objects.get(site=prison_b)
    assert episode.person_id == held_at_a.pk
