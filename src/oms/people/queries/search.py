"""Person search: system number, identifier, name prefix, sound-alike and similar spelling."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import RuleViolation
from oms.people import rules
from oms.people.models import Identifier, Person, PersonName
from oms.people.queries.records import _SOURCE_LIMIT, scope_condition

SEARCH_LIMIT_MAX = 100


# --- search --------------------------------------------------------------------------------------


@dataclass
class PersonHit:
    person: Person
    score: float
    match_kind: str
    matched_name: str = ""  # set when an alias (not the primary name) matched
    identifiers: list[Identifier] = field(default_factory=list)


@dataclass
class SearchResult:
    hits: list[PersonHit]
    total: int  # ranked candidates found (bounded by the narrowing limits)


def _person_filters(*, prefix: str, date_of_birth, born_from, born_to, status, include_alias_dob: bool = True) -> Q:
    conditions = Q()
    if status:
        conditions &= Q(**{f"{prefix}status": status})
    else:
        conditions &= ~Q(**{f"{prefix}status": Person.Status.MERGED})
    if date_of_birth:
        dob = Q(**{f"{prefix}date_of_birth": date_of_birth})
        if include_alias_dob and prefix:
            dob |= Q(date_of_birth=date_of_birth)  # an alias's own date of birth
        conditions &= dob
    if born_from:
        conditions &= Q(**{f"{prefix}date_of_birth__gte": born_from})
    if born_to:
        conditions &= Q(**{f"{prefix}date_of_birth__lte": born_to})
    return conditions


_NAME_FIELDS = (
    "person_id",
    "family_norm",
    "given_norm",
    "family_phonetic",
    "given_phonetic",
    "family_nysiis",
    "kind",
    "date_of_birth",
    "person__date_of_birth",
)


def _candidate_names(base: QuerySet, name_query: rules.NameQuery, narrow_by_dob: bool) -> list[rules.CandidateName]:
    """Names worth ranking, fetched by indexed lookups only (never a scan of everyone)."""
    lookups: list[Q] = []
    for token in name_query.tokens:
        for column in ("family_norm", "given_norm"):
            upper = rules.prefix_upper_bound(token)
            prefix = Q(**{f"{column}__gte": token}) & (Q(**{f"{column}__lt": upper}) if upper else Q())
            lookups.append(prefix)
        metaphone = rules.metaphone_key(token)
        lookups.append(Q(family_phonetic=metaphone))
        lookups.append(Q(given_phonetic=metaphone))
        lookups.append(Q(family_nysiis=rules.nysiis_key(token)))
        lookups.append(Q(family_anagram=rules.anagram_key(token)))
        if len(token) >= 4:
            # Fuzzy narrowing: typos usually keep the first letters ("smiht", "johnsno").
            start = token[:3]
            lookups.append(Q(family_norm__gte=start) & Q(family_norm__lt=rules.prefix_upper_bound(start) or "{"))
    seen: dict[tuple, rules.CandidateName] = {}
    sources = [base.filter(lookup).values_list(*_NAME_FIELDS)[:_SOURCE_LIMIT] for lookup in lookups]
    if narrow_by_dob:
        # The DOB filter already narrows to a handful of people.
        sources.append(base.values_list(*_NAME_FIELDS)[:_SOURCE_LIMIT])
    if len(sources) > 1 and connection.features.supports_slicing_ordering_in_compound:
        # One round trip: each lookup keeps its own limit inside a UNION ALL (PostgreSQL). SQLite
        # cannot limit the parts of a compound query, and its round trips cost nothing.
        sources = [sources[0].union(*sources[1:], all=True)]
    for source in sources:
        for row in source:
            key = row[:3] + (row[6],)
            if key in seen:
                continue
            seen[key] = rules.CandidateName(
                person_id=row[0],
                family_norm=row[1],
                given_norm=row[2],
                family_phonetic=row[3],
                given_phonetic=row[4],
                family_nysiis=row[5],
                is_alias=row[6] != PersonName.Kind.PRIMARY,
                date_of_birth=row[7] or row[8],
            )
    return list(seen.values())


def search_people(
    actor: Actor,
    *,
    text: str = "",
    date_of_birth: dt.date | None = None,
    born_from: dt.date | None = None,
    born_to: dt.date | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    status: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    """Find people in scope by system number, identifier, name prefix, sound-alike or similar
    spelling (aliases included), filtered by date of birth, age and status; best match first.

    Needs people.view; audited as ``people.people_searched`` (the number of results, not the terms).
    """
    actor.require("people.view")
    if status and status not in Person.Status.values:
        raise RuleViolation("Choose a valid status.", code="people.invalid_status", field="status")
    if min_age is not None or max_age is not None:
        if (min_age is not None and not 0 <= min_age <= 150) or (max_age is not None and not 0 <= max_age <= 150):
            raise RuleViolation("Ages must be between 0 and 150.", code="people.invalid_age", field="min_age")
        age_from, age_to = rules.age_range_to_birth_dates(clock.today(), min_age, max_age)
        born_from = max(filter(None, (born_from, age_from)), default=None)
        born_to = min(filter(None, (born_to, age_to)), default=None)
    limit = max(1, min(limit, SEARCH_LIMIT_MAX))
    offset = max(0, offset)
    text = (text or "").strip()[:200]
    scope = scope_condition(actor)
    scope_on_name = scope_condition(actor, "person_id")

    exact: dict[int, str] = {}
    if text and rules.looks_like_identifier(text):
        people = Person.objects.filter(
            _person_filters(prefix="", date_of_birth=date_of_birth, born_from=born_from, born_to=born_to, status=status)
        )
        if scope is not None:
            people = people.filter(scope)
        if rules.is_system_number(text):
            for pk in people.filter(system_number=rules.normalise_system_number(text)).values_list("pk", flat=True):
                exact[pk] = rules.MatchKind.SYSTEM_NUMBER
        value_norm = rules.normalise_identifier(text)
        if value_norm:
            matching = Identifier.objects.filter(value_norm=value_norm).values("person_id")
            for pk in people.filter(pk__in=matching).values_list("pk", flat=True)[:_SOURCE_LIMIT]:
                exact.setdefault(pk, rules.MatchKind.IDENTIFIER)

    name_query = rules.parse_name_query("" if rules.looks_like_identifier(text) else text)
    names: list[rules.CandidateName] = []
    narrow_by_dob = date_of_birth is not None
    if not name_query.is_empty or (narrow_by_dob and not exact):
        base = PersonName.objects.filter(
            _person_filters(
                prefix="person__", date_of_birth=date_of_birth, born_from=born_from, born_to=born_to, status=status
            )
        )
        if scope_on_name is not None:
            base = base.filter(scope_on_name)
        names = _candidate_names(base, name_query, narrow_by_dob)

    if name_query.is_empty and narrow_by_dob:
        # Date of birth alone: everyone born that day, alphabetically, primary names only.
        ranked = [
            rules.RankedPerson(n.person_id, 50.0, "date of birth", matched_name=n)
            for n in sorted(names, key=lambda n: (n.family_norm, n.given_norm))
            if not n.is_alias
        ]
        ranked = [rules.RankedPerson(pk, 200.0, kind) for pk, kind in exact.items()] + ranked
    else:
        ranked = rules.rank_candidates(
            name_query, names, date_of_birth=date_of_birth, exact_person_ids=exact, limit=offset + limit
        )
    total = len(ranked)
    page = ranked[offset : offset + limit]
    people = Person.objects.in_bulk([r.person_id for r in page])
    identifiers: dict[int, list[Identifier]] = {}
    for identifier in Identifier.objects.filter(person_id__in=list(people)).order_by("kind", "value_norm"):
        identifiers.setdefault(identifier.person_id, []).append(identifier)
    alias_names = _alias_display_names([r for r in page if r.matched_name and r.matched_name.is_alias])
    hits = [
        PersonHit(
            person=people[r.person_id],
            score=round(r.score, 1),
            match_kind=r.kind,
            matched_name=alias_names.get(r.person_id, ""),
            identifiers=identifiers.get(r.person_id, []),
        )
        for r in page
        if r.person_id in people
    ]
    if text or date_of_birth or born_from or born_to:
        record_event(actor, "people.people_searched", object_type="person", details={"results": len(hits)})
    return SearchResult(hits=hits, total=total)


def _alias_display_names(ranked: list[rules.RankedPerson]) -> dict[int, str]:
    wanted = {(r.person_id, r.matched_name.family_norm, r.matched_name.given_norm) for r in ranked}
    if not wanted:
        return {}
    shown: dict[int, str] = {}
    rows = PersonName.objects.filter(person_id__in={w[0] for w in wanted}).exclude(kind=PersonName.Kind.PRIMARY)
    for name in rows:
        if (name.person_id, name.family_norm, name.given_norm) in wanted:
            shown[name.person_id] = f"{name.given_name} {name.family_name}".strip()
    return shown
