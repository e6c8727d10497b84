"""Finding records that may be the same person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from oms.core.actor import Actor
from oms.people import rules
from oms.people.models import Identifier, Person, PersonName
from oms.people.queries.records import _SOURCE_LIMIT, people_in_scope

# --- duplicates ----------------------------------------------------------------------------------


@dataclass
class DuplicateCandidate:
    person: Person
    score: int
    reasons: tuple[str, ...]
    in_scope: bool


def find_duplicate_candidates(
    actor: Actor,
    *,
    names: list[tuple[str, str]],
    date_of_birth: dt.date | None,
    identifiers: list[tuple[str, str]],
    exclude_person_id: int | None = None,
    limit: int = 10,
) -> list[DuplicateCandidate]:
    """Live records that may be the same person, searched across every organisation (a duplicate in
    another prison is still a duplicate); the caller shows details only of those in scope."""
    keyed = [rules.name_keys(family, given) for family, given in names]
    facts = rules.PersonFacts(
        names=tuple((k.family_norm, k.given_norm) for k in keyed),
        date_of_birth=date_of_birth,
        identifiers=frozenset((kind, rules.normalise_identifier(value)) for kind, value in identifiers),
    )
    lookup = Q()
    for k in keyed:
        if k.family_norm:
            lookup |= Q(family_phonetic=k.family_phonetic) | Q(family_nysiis=k.family_nysiis)
    candidate_ids: set[int] = set()
    if lookup:
        names_qs = PersonName.objects.filter(lookup).exclude(person__status=Person.Status.MERGED)
        if date_of_birth:
            # Same or day/month-swapped date of birth, or none recorded: the only pairs that can score.
            swapped = _swapped(date_of_birth)
            dobs = [d for d in (date_of_birth, swapped) if d]
            names_qs = names_qs.filter(Q(person__date_of_birth__in=dobs) | Q(person__date_of_birth__isnull=True))
        candidate_ids.update(names_qs.values_list("person_id", flat=True)[:_SOURCE_LIMIT])
    if date_of_birth:
        # Everyone born that day (a few dozen at a million people), so misspellings that sound
        # different ("Kovalski" for "Kowalski") are still compared.
        dobs = [d for d in (date_of_birth, _swapped(date_of_birth)) if d]
        candidate_ids.update(
            Person.objects.filter(date_of_birth__in=dobs)
            .exclude(status=Person.Status.MERGED)
            .values_list("pk", flat=True)[:_SOURCE_LIMIT]
        )
    identifier_values = [v for _, v in facts.identifiers if v]
    if identifier_values:
        candidate_ids.update(
            Identifier.objects.filter(value_norm__in=identifier_values)
            .exclude(person__status=Person.Status.MERGED)
            .values_list("person_id", flat=True)[:_SOURCE_LIMIT]
        )
    candidate_ids.discard(exclude_person_id)
    if not candidate_ids:
        return []
    people = Person.objects.in_bulk(list(candidate_ids))
    stored_names: dict[int, list[tuple[str, str]]] = {}
    for person_id, family, given in PersonName.objects.filter(person_id__in=candidate_ids).values_list(
        "person_id", "family_norm", "given_norm"
    ):
        stored_names.setdefault(person_id, []).append((family, given))
    stored_ids: dict[int, set[tuple[str, str]]] = {}
    for person_id, kind, value in Identifier.objects.filter(person_id__in=candidate_ids).values_list(
        "person_id", "kind", "value_norm"
    ):
        stored_ids.setdefault(person_id, set()).add((kind, value))
    visible = set(people_in_scope(actor).filter(pk__in=candidate_ids).values_list("pk", flat=True))
    found = []
    for person_id, person in people.items():
        existing = rules.PersonFacts(
            names=tuple(stored_names.get(person_id, ())),
            date_of_birth=person.date_of_birth,
            identifiers=frozenset(stored_ids.get(person_id, ())),
        )
        scored = rules.duplicate_score(facts, existing)
        if scored.score >= rules.DUPLICATE_THRESHOLD:
            found.append(DuplicateCandidate(person, scored.score, scored.reasons, person_id in visible))
    found.sort(key=lambda c: (-c.score, c.person.pk))
    return found[:limit]


def _swapped(date: dt.date) -> dt.date | None:
    try:
        return date.replace(month=date.day, day=date.month) if date.day <= 12 else None
    except ValueError:
        return None
