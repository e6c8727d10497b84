"""Search (exact, prefix, sound-alike, fuzzy, aliases, filters), scope (AZ-3) and merge."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oms.audit.models import AuditEvent
from oms.core import events
from oms.core.actor import Scope
from oms.core.errors import Conflict, NotFound, PermissionDenied
from oms.people import queries, services
from oms.people.models import Alert, Allocation, CaseNote, Identifier, Person, PersonName, PersonSiteLink
from tests.factories import actor_of, make_user
from tests.people.conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def population(prison_a, prison_b):
    return {
        "smith": make_person(
            prison_a, family="Smith", given="John", dob=dt.date(1980, 5, 17), identifiers=[("pnc", "2001/0012345A")]
        ),
        "smithers": make_person(prison_a, family="Smithers", given="Waylon", dob=dt.date(1970, 1, 1)),
        "johnson": make_person(
            prison_a, family="Johnson", given="Mary", dob=dt.date(1999, 9, 9), aliases=[("Brown", "Molly")]
        ),
        "kowalski": make_person(prison_a, family="Kowalski", given="Piotr", dob=dt.date(1985, 2, 3)),
        "elsewhere": make_person(prison_b, family="Smith", given="Jane", dob=dt.date(1980, 5, 17)),
    }


def names(result):
    return [f"{h.person.given_name} {h.person.family_name}" for h in result.hits]


@pytest.mark.parametrize(
    "text, first, kind",
    [
        ("smith", "John Smith", "exact name"),
        ("smyth", "John Smith", "sounds like"),
        ("smi", "John Smith", "name starts with"),
        ("jonsen", "Mary Johnson", "sounds like"),
        ("kowalsky", "Piotr Kowalski", "sounds like"),
        ("kowlaski", "Piotr Kowalski", "similar spelling"),
        ("john smith", "John Smith", "exact name"),
        ("smith, john", "John Smith", "exact name"),
        ("molly brown", "Mary Johnson", "exact name"),
        ("2001/12345a", None, None),
    ],
)
def test_misspelt_names_and_aliases_are_found(alice, population, text, first, kind):
    result = queries.search_people(actor_of(alice), text=text)
    if first is None:
        assert names(result) == []
        return
    assert names(result)[0] == first
    assert result.hits[0].match_kind == kind


def test_exact_identifier_and_system_number(alice, population):
    smith = population["smith"]
    by_identifier = queries.search_people(actor_of(alice), text="2001/0012345a")
    assert [h.person for h in by_identifier.hits] == [smith] and by_identifier.hits[0].match_kind == "identifier"
    by_number = queries.search_people(actor_of(alice), text=smith.system_number.lower())
    assert by_number.hits[0].person == smith and by_number.hits[0].match_kind == "system number"
    assert by_number.hits[0].identifiers[0].value == "2001/0012345A"


def test_alias_match_is_shown(alice, population):
    hit = queries.search_people(actor_of(alice), text="brown").hits[0]
    assert hit.person == population["johnson"] and hit.matched_name == "Molly Brown"


def test_filters_by_birth_date_age_and_status(alice, population):
    actor = actor_of(alice)
    assert names(queries.search_people(actor, text="smith", date_of_birth=dt.date(1970, 1, 1))) == ["Waylon Smithers"]
    assert names(queries.search_people(actor, date_of_birth=dt.date(1980, 5, 17))) == ["John Smith"]
    assert names(queries.search_people(actor, text="smi", born_from=dt.date(1975, 1, 1))) == ["John Smith"]
    young = queries.search_people(actor, text="mary", min_age=0, max_age=30)
    assert names(young) == ["Mary Johnson"]
    services.update_person(actor, person_id=population["smithers"].public_id, version=1, status="inactive")
    assert names(queries.search_people(actor, text="smith", status="inactive")) == ["Waylon Smithers"]
    assert "Waylon Smithers" in names(queries.search_people(actor, text="smith"))


def test_search_is_scoped_and_audited_without_the_terms(alice, bob, charlie, population):
    assert names(queries.search_people(actor_of(bob), text="smith")) == ["Jane Smith"]
    event = AuditEvent.objects.filter(action="people.people_searched").last()
    assert event.details == {"results": 1} and "smith" not in str(event.details)
    assert "Jane Smith" not in names(queries.search_people(actor_of(alice), text="smith"))
    everyone = make_user("nat", roles=("records_officer",), scope=Scope.NATIONAL)
    assert {"John Smith", "Jane Smith"} <= set(names(queries.search_people(actor_of(everyone), text="smith")))
    with pytest.raises(PermissionDenied):
        queries.search_people(actor_of(make_user("ana", roles=("analyst",))), text="smith")


def test_organisation_and_caseload_scope(prison_service, prison_a, prison_b, office_c, population):
    organisation_wide = make_user(
        "org", roles=("records_officer",), organisation=prison_service, scope=Scope.ORGANISATION
    )
    assert {"John Smith", "Jane Smith"} <= set(names(queries.search_people(actor_of(organisation_wide), text="smith")))
    officer = make_user("po", roles=("probation_officer",), sites=(prison_a,), scope=Scope.CASELOAD)
    assert names(queries.search_people(actor_of(officer), text="smith")) == []
    Allocation.objects.create(person=population["smith"], staff=officer, site=prison_a, started_on=dt.date(2024, 1, 1))
    assert names(queries.search_people(actor_of(officer), text="smith")) == ["John Smith"]
    with pytest.raises(NotFound):
        queries.get_person(actor_of(officer), population["smithers"].public_id)


def test_ended_site_link_takes_the_person_out_of_scope(alice, population):
    PersonSiteLink.objects.filter(person=population["smith"]).update(ended_on=dt.date(2020, 1, 1))
    with pytest.raises(NotFound):
        queries.get_person(actor_of(alice), population["smith"].public_id)


def test_people_in_scope_uses_exists_not_joins(alice):
    sql = str(queries.people_in_scope(actor_of(alice)).query).upper()
    assert "EXISTS" in sql and "DISTINCT" not in sql and " JOIN " not in sql.split("EXISTS")[0]


# --- merge --------------------------------------------------------------------------------------


def _give_everything(person, site, staff):
    Alert.objects.create(person=person, type="violence", starts_on=dt.date(2024, 1, 1))
    CaseNote.objects.create(person=person, type="general", text="note")
    Identifier.objects.create(person=person, kind="pnc", value="99/1X", value_norm="991X")
    Allocation.objects.create(person=person, staff=staff, site=site, started_on=dt.date(2024, 1, 1))
    person.addresses.create(line1="1 High Street")
    person.contacts.create(name="Sam", relationship="Brother")


def test_merge_moves_every_reference_and_keeps_the_duplicate_as_a_pointer(alice, prison_a, prison_b):
    survivor = make_person(prison_a, family="Smith", given="John")
    duplicate = make_person(prison_b, family="Smyth", given="Jon", identifiers=[("cro", "123/45A")])
    PersonSiteLink.objects.create(person=duplicate, site=prison_a, kind="records", started_on=dt.date(2024, 1, 1))
    _give_everything(survivor, prison_a, alice)
    _give_everything(duplicate, prison_a, alice)
    heard = []
    events.subscribe("people.person_merged", lambda actor, event: heard.append(event.payload))

    outcome = services.merge_people(
        actor_of(alice), survivor_id=survivor.public_id, duplicate_id=duplicate.public_id, reason="Same fingerprints"
    )

    for model, field in services._references_to_person():
        assert not model._base_manager.filter(**{field.name: duplicate}).exists(), model
    duplicate.refresh_from_db()
    assert duplicate.status == Person.Status.MERGED and duplicate.merged_into == survivor
    assert survivor.alerts.count() == 2 and survivor.case_notes.count() == 2 and survivor.addresses.count() == 2
    # Identical identifiers and open links to the same site are kept once.
    assert survivor.identifiers.filter(value_norm="991X").count() == 1
    assert survivor.site_links.filter(site=prison_a, ended_on__isnull=True).count() == 1
    assert survivor.site_links.filter(site=prison_b).exists()
    assert outcome.dropped["people.identifier"] == 1
    assert survivor.names.filter(kind=PersonName.Kind.PRIMARY).count() == 1
    assert survivor.names.filter(family_norm="smyth", kind="alias").exists()
    # The old system number still finds the survivor.
    assert queries.search_people(actor_of(alice), text=duplicate.system_number).hits[0].person == survivor
    assert heard == [{"survivor_id": survivor.pk, "duplicate_id": duplicate.pk}]
    merged = AuditEvent.objects.filter(action="people.person_merged")
    assert {e.subject_person_id for e in merged} == {survivor.pk, duplicate.pk}
    assert {e.reason for e in merged} == {"Same fingerprints"}
    titles = [entry.title for entry in queries.timeline(actor_of(alice), survivor)]
    assert "Person merged" in titles
    with pytest.raises(queries.PersonMerged) as caught:
        queries.get_person(actor_of(alice), duplicate.public_id)
    assert caught.value.survivor_public_id == survivor.public_id and caught.value.status == 404


def test_merge_permission_scope_and_rules(alice, bob, charlie, prison_a, prison_b):
    one = make_person(prison_a, family="Smith", given="John")
    two = make_person(prison_a, family="Smyth", given="Jon")
    with pytest.raises(PermissionDenied):
        services.merge_people(actor_of(charlie), survivor_id=one.public_id, duplicate_id=two.public_id, reason="x")
    with pytest.raises(NotFound):
        services.merge_people(actor_of(bob), survivor_id=one.public_id, duplicate_id=two.public_id, reason="x")
    with pytest.raises(Exception) as same:
        services.merge_people(actor_of(alice), survivor_id=one.public_id, duplicate_id=one.public_id, reason="x")
    assert same.value.code == "people.merge_same"
    services.merge_people(actor_of(alice), survivor_id=one.public_id, duplicate_id=two.public_id, reason="x")
    with pytest.raises((Conflict, NotFound)):
        services.merge_people(actor_of(alice), survivor_id=one.public_id, duplicate_id=two.public_id, reason="x")


def test_caseload_creator_keeps_sight_of_the_record(prison_a):
    officer = make_user("po2", roles=("probation_officer",), sites=(prison_a,), scope=Scope.CASELOAD)
    person = services.create_person(actor_of(officer), family_name="Okafor", given_name="Chidi")
    assert queries.get_person(actor_of(officer), person.public_id) == person
    assert person.allocations.get().staff == officer


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_any_typed_text_searches_without_error(alice, population, text):
    result = queries.search_people(actor_of(alice), text=text)
    assert all(hit.person.status != Person.Status.MERGED for hit in result.hits)
