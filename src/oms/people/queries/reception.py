"""Identifying a person who is physically present, across scope, for one stated purpose.

Ordinary reads stay scoped (AZ-3): search, the profile and the duplicate check show nothing about a
record outside the actor's scope. One situation needs more: a person brought in from another prison or
from the police whose record is held elsewhere. Refusing to show that record makes the receiving officer
create a duplicate. So, for a purpose listed in ``CROSS_SCOPE_PURPOSES`` and only with the permission
that purpose names, these functions show the minimum that identifies a matching record (name, date of
birth, system number, what matched). They show it only for the details the officer typed about the
person in front of them, never for a free search. Every read and every choice is audited with the
purpose. Receiving the person links the record to the site (``people.services.link_for_purpose``),
which brings it into scope the ordinary way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oms.audit.services import record_event
from oms.core.actor import Actor
from oms.core.errors import NotFound, PermissionDenied, RuleViolation
from oms.people.models import Person
from oms.people.queries.duplicates import find_duplicate_candidates
from oms.people.queries.records import _parse_public_id

# Purpose -> the permission that must go with it. People sits below custody, so the permission is
# named here as a string rather than imported. A person physically received into custody must be
# identified, whoever holds their record.
CROSS_SCOPE_PURPOSES = {"reception": "custody.receive"}


@dataclass(frozen=True)
class PresentPersonMatch:
    """The minimum that identifies a matching record held outside the actor's scope (or inside it)."""

    public_id: str
    family_name: str
    given_name: str
    date_of_birth: dt.date | None
    system_number: str
    matched_on: tuple[str, ...]
    in_scope: bool


def require_purpose(actor: Actor, purpose: str) -> None:
    """Refuse an unknown purpose (422) or an actor without the permission it names (403)."""
    permission = CROSS_SCOPE_PURPOSES.get(purpose)
    if permission is None:
        raise RuleViolation("Unknown purpose for a cross-scope lookup", code="people.invalid_purpose", field="purpose")
    if not actor.has(permission):
        raise PermissionDenied(f"Missing permission {permission}.")


def _candidates(family_name: str, given_name: str, date_of_birth: dt.date | None, actor: Actor):
    if not (family_name or "").strip():
        return []
    return find_duplicate_candidates(
        actor,
        names=[((family_name or "").strip(), (given_name or "").strip())],
        date_of_birth=date_of_birth,
        identifiers=[],
    )


def matches_for_present_person(
    actor: Actor,
    *,
    purpose: str,
    site_id: int,
    family_name: str,
    given_name: str,
    date_of_birth: dt.date | None,
) -> list[PresentPersonMatch]:
    """Records that may be the person physically present, including those outside the actor's scope
    (permission: the one ``purpose`` names, e.g. custody.receive for "reception").

    Only the identifying minimum is returned. Each record shown from outside scope is audited as
    ``people.present_person_match_viewed`` with the purpose, the site and what matched.
    """
    require_purpose(actor, purpose)
    found = _candidates(family_name, given_name, date_of_birth, actor)
    matches = []
    for candidate in found:
        person = candidate.person
        if not candidate.in_scope:
            record_event(
                actor,
                "people.present_person_match_viewed",
                object_type="person",
                object_id=person.public_id,
                subject_person_id=person.pk,
                site_id=site_id,
                details={"purpose": purpose, "matched_on": list(candidate.reasons)},
                reason=purpose,
            )
        matches.append(
            PresentPersonMatch(
                public_id=str(person.public_id),
                family_name=person.family_name,
                given_name=person.given_name,
                date_of_birth=person.date_of_birth,
                system_number=person.system_number,
                matched_on=tuple(candidate.reasons),
                in_scope=candidate.in_scope,
            )
        )
    return matches


def choose_present_person(
    actor: Actor,
    *,
    purpose: str,
    person_id,
    site_id: int,
    family_name: str,
    given_name: str,
    date_of_birth: dt.date | None,
    for_update: bool = False,
) -> Person:
    """The record the actor picked as the person physically present (permission as for
    ``matches_for_present_person``).

    The pick must be one of the matches for the details given. A public id learnt some other way does
    not open a record: anything else is NotFound, as for a record that does not exist. A pick from
    outside scope is audited as ``people.present_person_chosen`` with the purpose. The caller then
    links the record to its site, which brings it into scope.
    """
    require_purpose(actor, purpose)
    wanted = _parse_public_id(person_id)
    chosen = next(
        (c for c in _candidates(family_name, given_name, date_of_birth, actor) if c.person.public_id == wanted), None
    )
    if chosen is None or chosen.person.status == Person.Status.DECEASED:
        raise NotFound("Person not found.", code="people.not_found", field="person")
    person = chosen.person
    if for_update:
        person = Person.objects.select_for_update().get(pk=person.pk)
    if not chosen.in_scope:
        record_event(
            actor,
            "people.present_person_chosen",
            object_type="person",
            object_id=person.public_id,
            subject_person_id=person.pk,
            site_id=site_id,
            details={"purpose": purpose, "matched_on": list(chosen.reasons)},
            reason=purpose,
        )
    return person
