"""Reading the legal record: court cases with their hearings and charges, warrants and detainers, and
the whole record of one person for its page.

Every read goes through the person: a record whose person the actor cannot reach answers NotFound,
exactly like a missing one (security.md AZ-3). The ``find_*`` functions are for services (no
permission check, no audit, optional row lock); the ``get_*``/``list_*`` ones check sentencing.view.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from oms.audit.services import record_event
from oms.core.actor import Actor
from oms.people.models import Person
from oms.people.queries.records import find_person, one_in_scope
from oms.sentencing.models import Adjustment, Charge, CourtCase, Hearing, Sentence, Warrant

VIEW = "sentencing.view"


def find_court_case(actor: Actor, public_id, *, for_update: bool = False) -> CourtCase:
    return one_in_scope(
        actor,
        CourtCase.objects.select_related("person"),
        public_id,
        person_path="person",
        code="sentencing.court_case_not_found",
        for_update=for_update,
    )


def find_hearing(actor: Actor, public_id, *, for_update: bool = False) -> Hearing:
    return one_in_scope(
        actor,
        Hearing.objects.select_related("court_case__person"),
        public_id,
        person_path="court_case__person",
        code="sentencing.hearing_not_found",
        for_update=for_update,
    )


def find_charge(actor: Actor, public_id, *, for_update: bool = False) -> Charge:
    return one_in_scope(
        actor,
        Charge.objects.select_related("court_case__person", "offence"),
        public_id,
        person_path="court_case__person",
        code="sentencing.charge_not_found",
        for_update=for_update,
    )


def find_warrant(actor: Actor, public_id, *, for_update: bool = False) -> Warrant:
    return one_in_scope(
        actor,
        Warrant.objects.select_related("person", "court_case"),
        public_id,
        person_path="person",
        code="sentencing.warrant_not_found",
        for_update=for_update,
    )


def get_court_case(actor: Actor, public_id) -> CourtCase:
    actor.require(VIEW)
    return find_court_case(actor, public_id)


def get_hearing(actor: Actor, public_id) -> Hearing:
    actor.require(VIEW)
    return find_hearing(actor, public_id)


def get_charge(actor: Actor, public_id) -> Charge:
    actor.require(VIEW)
    return find_charge(actor, public_id)


def get_warrant(actor: Actor, public_id) -> Warrant:
    actor.require(VIEW)
    return find_warrant(actor, public_id)


def person_for_records(actor: Actor, person_id) -> Person:
    """The person in scope, for a list of their records (sentencing.view)."""
    actor.require(VIEW)
    return find_person(actor, person_id)


def court_cases_of(person: Person) -> list[CourtCase]:
    """The person's cases, newest first, with hearings (in order) and charges (by count) loaded."""
    return list(
        CourtCase.objects.filter(person=person)
        .prefetch_related(
            Prefetch("hearings", queryset=Hearing.objects.order_by("hearing_at", "id")),
            Prefetch("charges", queryset=Charge.objects.select_related("offence").order_by("count_number", "id")),
        )
        .order_by("-opened_on", "-id")
    )


def hearings_of(court_case: CourtCase) -> list[Hearing]:
    return list(court_case.hearings.order_by("hearing_at", "id"))


def charges_of(court_case: CourtCase) -> list[Charge]:
    return list(court_case.charges.select_related("offence").order_by("count_number", "id"))


def warrants_of(person: Person) -> list[Warrant]:
    return list(Warrant.objects.filter(person=person).select_related("court_case").order_by("-issued_on", "-id"))


def open_warrants_and_detainers(person: Person) -> list[Warrant]:
    """The person's active warrants and detainers that stand in the way of release: detainers (holds
    for another authority, immigration included) and arrest warrants. Custody's release checks read
    this; the caller has already read the person in scope."""
    holding = (Warrant.Kind.ARREST, Warrant.Kind.DETAINER, Warrant.Kind.IMMIGRATION)
    return list(
        Warrant.objects.filter(person=person, status=Warrant.Status.ACTIVE, kind__in=holding).order_by(
            "issued_on", "id"
        )
    )


@dataclass
class LegalRecord:
    person: Person
    court_cases: list[CourtCase]
    sentences: list[Sentence]
    adjustments: list[Adjustment]
    warrants: list[Warrant]


def legal_record(actor: Actor, person_id) -> LegalRecord:
    """Everything on the person's legal record (sentencing.view); audited as
    ``sentencing.legal_record_viewed``."""
    person = person_for_records(actor, person_id)
    # Imported here: the sentences module builds on this one's scoped lookups.
    from oms.sentencing.queries.sentences import adjustments_of, sentences_of

    record = LegalRecord(
        person=person,
        court_cases=court_cases_of(person),
        sentences=sentences_of(person, include_inactive=True),
        adjustments=adjustments_of(person, include_withdrawn=True),
        warrants=warrants_of(person),
    )
    record_event(
        actor,
        "sentencing.legal_record_viewed",
        object_type="person",
        object_id=person.public_id,
        subject_person_id=person.pk,
    )
    return record
