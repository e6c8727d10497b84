"""Person use cases: each mutating service is allowed for alice (records officer at Prison A),
refused for charlie (wrong role: 403) and not found for bob (other prison: 404)."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.people import queries, services
from oms.people.models import Alert, CaseNote, Identifier, Person, PersonName
from tests.factories import actor_of, make_user
from tests.people.conftest import make_person

pytestmark = pytest.mark.django_db


def _use_cases(person, prison_a):
    """Each mutating use case as (name, call(actor)); every one acts on ``person``."""
    alert = Alert.objects.create(person=person, type="violence", starts_on=dt.date(2024, 1, 1))
    alias = PersonName.objects.create(
        person=person, kind="alias", family_name="Smyth", family_norm="smyth", family_phonetic="SM0"
    )
    identifier = Identifier.objects.create(person=person, kind="pnc", value="99/1X", value_norm="991X")
    pid = person.public_id
    return [
        ("update_person", lambda a: services.update_person(a, person_id=pid, version=person.version, middle_names="Q")),
        ("add_alias", lambda a: services.add_alias(a, person_id=pid, family_name="Smithe", given_name="Jon")),
        ("remove_alias", lambda a: services.remove_alias(a, person_id=pid, alias_id=alias.pk)),
        ("add_identifier", lambda a: services.add_identifier(a, person_id=pid, kind="cro", value="12345/67A")),
        ("remove_identifier", lambda a: services.remove_identifier(a, person_id=pid, identifier_id=identifier.pk)),
        ("add_address", lambda a: services.add_address(a, person_id=pid, line1="1 High Street", postcode="AB1 2CD")),
        ("add_contact", lambda a: services.add_contact(a, person_id=pid, name="Mary Smith", relationship="Sister")),
        ("add_alert", lambda a: services.add_alert(a, person_id=pid, type="self_harm", level="high")),
        ("close_alert", lambda a: services.close_alert(a, person_id=pid, alert_id=alert.public_id, reason="Reviewed")),
        (
            "link_person_to_site",
            lambda a: services.link_person_to_site(a, person_id=pid, site_id=prison_a.public_id, kind="custody"),
        ),
        ("allocate", lambda a: services.allocate(a, person_id=pid, staff_username="alice", site_id=prison_a.public_id)),
    ]


CASES = [
    "update_person",
    "add_alias",
    "remove_alias",
    "add_identifier",
    "remove_identifier",
    "add_address",
    "add_contact",
    "add_alert",
    "close_alert",
    "link_person_to_site",
    "allocate",
]


@pytest.mark.parametrize("case", CASES)
def test_allowed_for_records_officer_at_the_site(case, alice, person_at_a, prison_a):
    before = AuditEvent.objects.count()
    dict(_use_cases(person_at_a, prison_a))[case](actor_of(alice))
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.last()
    assert event.subject_person_id == person_at_a.pk and event.actor_username == "alice"
    assert event.changed_fields


@pytest.mark.parametrize("case", [c for c in CASES if c not in ("add_alert",)])
def test_wrong_role_is_forbidden(case, alice, charlie, person_at_a, prison_a):
    with pytest.raises(PermissionDenied):
        dict(_use_cases(person_at_a, prison_a))[case](actor_of(charlie))


@pytest.mark.parametrize("case", CASES)
def test_other_site_is_not_found(case, alice, bob, person_at_a, prison_a):
    with pytest.raises(NotFound):
        dict(_use_cases(person_at_a, prison_a))[case](actor_of(bob))


def test_programme_facilitator_cannot_add_alert(charlie, person_at_a):
    with pytest.raises(PermissionDenied):
        services.add_alert(actor_of(charlie), person_id=person_at_a.public_id, type="violence")


def test_create_person_links_site_assigns_system_number_and_audits(alice, prison_a):
    person = services.create_person(
        actor_of(alice),
        family_name="Ólafsdóttir",
        given_name="Björk",
        date_of_birth=dt.date(1990, 1, 2),
        identifiers=[services.NewIdentifier("pnc", "2001/0012345a")],
    )
    assert len(person.system_number) == 7 and person.system_number[0].isalpha()
    assert person.site_links.get().site == prison_a
    primary = person.names.get(kind="primary")
    assert primary.family_norm == "olafsdottir" and primary.given_norm == "bjork"
    assert person.identifiers.get().value_norm == "20010012345A"
    event = AuditEvent.objects.get(action="people.person_created")
    assert "family_name" in event.changed_fields
    assert "Ólafsdóttir" not in str(event.details)


def test_create_person_wrong_role_and_other_site(alice, charlie, bob, prison_a):
    with pytest.raises(PermissionDenied):
        services.create_person(actor_of(charlie), family_name="Jones", given_name="Ann")
    with pytest.raises(NotFound):
        services.create_person(actor_of(bob), family_name="Jones", given_name="Ann", site_id=prison_a.public_id)


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"family_name": ""}, "family_name"),
        ({"family_name": "x" * 101}, "family_name"),
        ({"given_name": "123"}, "given_name"),
        ({"date_of_birth": dt.date(2999, 1, 1)}, "date_of_birth"),
        ({"date_of_birth": dt.date(1850, 1, 1)}, "date_of_birth"),
        ({"sex": "banana"}, "sex"),
        ({"languages": ["english language"]}, "languages"),
    ],
)
def test_create_person_rejects_bad_input_with_the_field(alice, fields, field):
    values = {"family_name": "Jones", "given_name": "Ann", **fields}
    with pytest.raises(RuleViolation) as caught:
        services.create_person(actor_of(alice), **values)
    assert caught.value.field == field
    assert not Person.objects.exists()


def test_duplicate_needs_a_reason(alice, prison_a):
    existing = make_person(prison_a, family="Smith", given="John", dob=dt.date(1980, 5, 17))
    with pytest.raises(services.PossibleDuplicates) as caught:
        services.create_person(
            actor_of(alice), family_name="Smyth", given_name="Jon", date_of_birth=dt.date(1980, 5, 17)
        )
    assert caught.value.code == "people.possible_duplicates"
    assert [c.person for c in caught.value.candidates] == [existing]
    person = services.create_person(
        actor_of(alice),
        family_name="Smyth",
        given_name="Jon",
        date_of_birth=dt.date(1980, 5, 17),
        duplicate_override_reason="Twin brother",
    )
    event = AuditEvent.objects.filter(action="people.person_created").last()
    assert event.reason == "Twin brother" and event.details["duplicate_candidates"] == [existing.system_number]
    assert person.pk != existing.pk


def test_duplicate_by_identifier_and_out_of_scope_candidates_are_only_counted(alice, prison_b):
    make_person(prison_b, family="Brown", given="Alan", identifiers=[("pnc", "11/222B")])
    with pytest.raises(services.PossibleDuplicates) as caught:
        services.create_person(
            actor_of(alice),
            family_name="Green",
            given_name="Zed",
            identifiers=[services.NewIdentifier("pnc", "11 / 222 b")],
        )
    (candidate,) = caught.value.candidates
    assert not candidate.in_scope
    assert "outside your access" in caught.value.detail


def test_different_birth_date_is_not_a_duplicate(alice, prison_a):
    make_person(prison_a, family="Smith", given="John", dob=dt.date(1980, 5, 17))
    services.create_person(actor_of(alice), family_name="Smith", given_name="John", date_of_birth=dt.date(1955, 3, 3))


def test_update_person_needs_the_current_version(alice, person_at_a):
    actor = actor_of(alice)
    services.update_person(actor, person_id=person_at_a.public_id, version=1, family_name="Smythe")
    with pytest.raises(Conflict) as caught:
        services.update_person(actor, person_id=person_at_a.public_id, version=1, family_name="Other")
    assert caught.value.code == "people.version_conflict"
    person = Person.objects.get(pk=person_at_a.pk)
    assert person.family_name == "Smythe" and person.version == 2
    assert person.names.get(kind="primary").family_norm == "smythe"
    assert AuditEvent.objects.filter(action="people.person_updated").get().changed_fields == ["family_name"]


def test_identifier_on_another_record_is_a_conflict(alice, prison_a):
    make_person(prison_a, family="Brown", given="Alan", identifiers=[("pnc", "11/222B")])
    other = make_person(prison_a, family="Green", given="Zed")
    with pytest.raises(Conflict) as caught:
        services.add_identifier(actor_of(alice), person_id=other.public_id, kind="pnc", value="11222b")
    assert caught.value.code == "people.identifier_in_use"


def test_close_alert_twice_is_a_conflict(alice, person_at_a):
    actor = actor_of(alice)
    alert = services.add_alert(actor, person_id=person_at_a.public_id, type="violence")
    services.close_alert(actor, person_id=person_at_a.public_id, alert_id=alert.public_id, reason="Reviewed")
    with pytest.raises(Conflict):
        services.close_alert(actor, person_id=person_at_a.public_id, alert_id=alert.public_id, reason="Again")
    with pytest.raises(RuleViolation):
        services.close_alert(actor, person_id=person_at_a.public_id, alert_id=alert.public_id, reason=" ")


def test_case_notes_by_type_and_permission(alice, charlie, bob, prison_a, person_at_a):
    health_worker = actor_of(make_user("hana", roles=("health_worker",), sites=(prison_a,)))
    services.add_case_note(actor_of(charlie), person_id=person_at_a.public_id, type="general", text="Attended group.")
    services.add_case_note(health_worker, person_id=person_at_a.public_id, type="health", text="Canary-HEALTH-123")
    with pytest.raises(PermissionDenied):
        services.add_case_note(actor_of(charlie), person_id=person_at_a.public_id, type="health", text="x")
    with pytest.raises(NotFound):
        services.add_case_note(actor_of(bob), person_id=person_at_a.public_id, type="general", text="x")
    assert [n.type for n in queries.list_case_notes(actor_of(alice), person_at_a)] == ["general"]
    assert {n.type for n in queries.list_case_notes(health_worker, person_at_a)} == {"general", "health"}
    assert CaseNote.objects.get(type="health").sensitive
    event = AuditEvent.objects.filter(action="people.case_note_added").last()
    assert "Canary" not in str(event.details) and "Canary" not in event.reason
    assert AuditEvent.objects.filter(action="people.case_notes_viewed").count() == 2


def test_get_person_is_audited_and_scoped(alice, bob, person_at_a):
    assert queries.get_person(actor_of(alice), person_at_a.public_id) == person_at_a
    assert AuditEvent.objects.filter(action="people.person_viewed", subject_person_id=person_at_a.pk).count() == 1
    with pytest.raises(NotFound):
        queries.get_person(actor_of(bob), person_at_a.public_id)
    with pytest.raises(NotFound):
        queries.get_person(actor_of(alice), "not-a-uuid")


def test_the_timeline_tells_alerts_and_notes_once_in_words(prison_a, system):
    from oms.core.actor import Actor

    person = make_person(prison_a, family="Okafor", given="Chidi")
    alert = services.add_alert(system, person_id=person.public_id, type="self_harm", level="high")
    services.close_alert(system, person_id=person.public_id, alert_id=alert.public_id, reason="Reviewed")
    services.add_case_note(system, person_id=person.public_id, type="general", text="Seen on the wing.")
    services.add_case_note(system, person_id=person.public_id, type="health", text="Clinic notes.")

    entries = {entry.title: entry for entry in queries.timeline(system, person)}
    assert entries["Alert added"].detail == "Risk of self-harm (high)"
    assert entries["Alert closed"].detail == "Risk of self-harm: Reviewed"
    assert "date_of_birth" not in entries["Person created"].detail  # words, not column names
    assert not [title for title in entries if title.startswith("Alert:")]  # told once, not twice
    all_entries = queries.timeline(system, person)
    assert [e.detail for e in all_entries if e.title == "Case note added"] == [
        "Health: Clinic notes.",
        "General: Seen on the wing.",
    ]

    # Someone who may not read health notes sees that one was added, never its text.
    reader = Actor(user_id=None, username="reader", permissions=frozenset({"people.view"}), scope=system.scope)
    details = [e.detail for e in queries.timeline(reader, person)]
    assert "Health: Clinic notes." not in details and not any("Clinic" in d for d in details)
    assert "General: Seen on the wing." in details
