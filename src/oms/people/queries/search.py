"""Person search: system number, identifier, name prefix, sound-alike and similar spelling."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
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
    "given_name",  # as written, to show which alias matched
    "family_name",
)
_PERSON_DOB = "person__date_of_birth"  # fetched only when the person is joined anyway (filters, scope)

# Rows each kind of lookup may bring back for ranking. A lookup that pins both name parts (or a
# whole family name) is small by nature; a broad one (a short prefix, one common sound) is cut
# short, since ranking thousands of weak candidates costs far more than it finds.
_PAIR_LIMIT = 200  # both parts constrained ("given family")
_FUZZY_PAIR_LIMIT = 300  # given name anchors, family name starts the same: typos in the family name
_SINGLE_LIMIT = 150  # one typed word: per key (prefix, sound, spelling)
# Sound-alike and similar-spelling matches score below this (rules.score_token: 70 + a tenth of the
# spelling ratio, or three quarters of it), so once the page is full of matches at or above it the
# looser lookups cannot change it.
_LOOSE_MATCH_CEILING = 80.0


@dataclass(frozen=True)
class _Lookup:
    """One indexed narrowing query: an SQL condition on the name table and its row cap."""

    condition: str
    params: tuple
    limit: int
    order_by: str = ""


def _column(name: str) -> str:
    return f"{connection.ops.quote_name(PersonName._meta.db_table)}.{connection.ops.quote_name(name)}"


def _equals(**values: str) -> tuple[str, tuple]:
    return " AND ".join(f"{_column(name)} = %s" for name in values), tuple(values.values())


def _starts_with(name: str, text: str) -> tuple[str, tuple]:
    """``name`` starts with ``text``, as an index range (any collation, any backend)."""
    upper = rules.prefix_upper_bound(text)
    if upper is None:
        return f"{_column(name)} >= %s", (text,)
    return f"{_column(name)} >= %s AND {_column(name)} < %s", (text, upper)


def _both(*parts: tuple[str, tuple]) -> tuple[str, tuple]:
    return " AND ".join(sql for sql, _ in parts), tuple(p for _, params in parts for p in params)


def _lookup(condition: tuple[str, tuple], limit: int, order_by: str = "") -> _Lookup:
    return _Lookup(condition[0], condition[1], limit, order_by)


def _single_word_lookups(token: str) -> tuple[list[_Lookup], list[_Lookup]]:
    """One typed word may be either name part, and in any spelling: the names it starts (exact
    included), then those that sound or are spelt alike."""
    metaphone = rules.metaphone_key(token)
    starts = [
        _lookup(_starts_with("family_norm", token), _SINGLE_LIMIT),
        _lookup(_starts_with("given_norm", token), _SINGLE_LIMIT),
    ]
    alike = [
        _lookup(_equals(family_phonetic=metaphone), _SINGLE_LIMIT),
        _lookup(_equals(given_phonetic=metaphone), _SINGLE_LIMIT),
        _lookup(_equals(family_nysiis=rules.nysiis_key(token)), _SINGLE_LIMIT),
        _lookup(_equals(family_anagram=rules.anagram_key(token)), _SINGLE_LIMIT),
    ]
    if len(token) >= 4:
        # Typos usually keep the first letters ("smiht", "johnsno").
        alike.append(_lookup(_starts_with("family_norm", token[:3]), _SINGLE_LIMIT))
    return starts, alike


def _name_pair_lookups(family: str, given: str, *, thorough: bool) -> list[_Lookup]:
    """Names matching ``family`` and ``given`` together.

    Ranking needs both parts to match, so every lookup pins both: one part by a close key (exact,
    prefix or sound) and the other by the same or a looser one. Each is a narrow range of a
    composite index, so a common family or given name alone never floods the candidates. The
    ``thorough`` set (the order the words were most likely typed in) also covers a short given name
    under a sound-alike family name and misspellings caught only by sorted letters or NYSIIS.
    """
    family_metaphone, given_metaphone = rules.metaphone_key(family), rules.metaphone_key(given)
    by_name = f"{_column('family_norm')}, {_column('given_norm')}"
    lookups = [
        # Both sound alike (exact spellings included).
        _lookup(_equals(family_phonetic=family_metaphone, given_phonetic=given_metaphone), _PAIR_LIMIT),
        # Both typed as prefixes ("jo smi"), alphabetically.
        _lookup(_both(_starts_with("family_norm", family), _starts_with("given_norm", given)), _PAIR_LIMIT, by_name),
    ]
    if len(family) >= 4:
        # Given name sounds alike, family name misspelt after its first two letters.
        lookups.append(
            _lookup(
                _both(_equals(given_phonetic=given_metaphone), _starts_with("family_norm", family[:2])),
                _FUZZY_PAIR_LIMIT,
            )
        )
    if thorough:
        given_pinned = {"given_phonetic": given_metaphone}
        lookups += [
            # Family name sounds alike, given name typed short ("j smyth").
            _lookup(_both(_equals(family_phonetic=family_metaphone), _starts_with("given_norm", given)), _PAIR_LIMIT),
            # Family name exact, given name misspelt after its first letter ("jhon smith").
            _lookup(_both(_equals(family_norm=family), _starts_with("given_norm", given[:1])), _PAIR_LIMIT, by_name),
            # Given name sounds alike, family name misspelt: letters swapped anywhere, or another
            # spelling of the same sound by NYSIIS.
            _lookup(_equals(**given_pinned, family_anagram=rules.anagram_key(family)), _PAIR_LIMIT),
            _lookup(_equals(**given_pinned, family_nysiis=rules.nysiis_key(family)), _PAIR_LIMIT),
        ]
    return lookups


def _name_lookups(name_query: rules.NameQuery) -> tuple[list[_Lookup], list[_Lookup]]:
    """The lookups for a typed name: those finding the closest matches, and the looser ones, which
    are needed only while the close ones leave the page short of strong matches."""
    tokens = name_query.tokens
    if not tokens:
        return [], []
    if len(tokens) == 1:
        return _single_word_lookups(tokens[0])
    # Ranking reads the first and last words as "given ... family", or "family, given" with a comma,
    # and tries the other order too at a small discount (rules.score_name).
    family, given = (tokens[0], tokens[-1]) if name_query.family_first else (tokens[-1], tokens[0])
    lookups = _name_pair_lookups(family, given, thorough=True)
    if family != given:
        lookups += _name_pair_lookups(given, family, thorough=False)
    return lookups, []


def _candidate_names(
    base: QuerySet,
    lookups: list[_Lookup],
    *,
    narrow_by_dob: bool,
    with_person_dob: bool,
    found: dict[tuple, rules.CandidateName],
    aliases_shown: dict[tuple, str],
) -> list[rules.CandidateName]:
    """Names worth ranking, fetched by indexed lookups only (never a scan of everyone), added to
    ``found`` (keyed by person, name and kind); returns everything found so far. Each alias's name as
    written goes in ``aliases_shown``, keyed by person and normalised name.

    The base query (person filters and scope) is compiled once and each lookup's condition added
    to it: compiling a dozen ORM querysets per search cost more than running them.
    """
    fields = (*_NAME_FIELDS, _PERSON_DOB) if with_person_dob else _NAME_FIELDS
    try:
        base_sql, base_params = base.values_list(*fields).query.sql_with_params()
    except EmptyResultSet:  # a scope that reaches nobody
        return list(found.values())
    joiner = " AND " if base.query.where else " WHERE "  # filter() ANDs at the top level
    parts: list[tuple[str, tuple]] = []
    for lookup in lookups:
        order_by = f" ORDER BY {lookup.order_by}" if lookup.order_by else ""
        parts.append(
            (f"{base_sql}{joiner}({lookup.condition}){order_by} LIMIT {lookup.limit}", (*base_params, *lookup.params))
        )
    if narrow_by_dob:
        # The DOB filter already narrows to a handful of people.
        parts.append((f"{base_sql} LIMIT {_SOURCE_LIMIT}", tuple(base_params)))
    if len(parts) > 1 and connection.features.supports_slicing_ordering_in_compound:
        # One round trip: each lookup keeps its own limit inside a UNION ALL (PostgreSQL). SQLite
        # cannot limit the parts of a compound query, and its round trips cost nothing.
        parts = [(" UNION ALL ".join(f"({sql})" for sql, _ in parts), tuple(p for _, params in parts for p in params))]
    with connection.cursor() as cursor:
        for sql, params in parts:
            cursor.execute(sql, params)
            for row in cursor.fetchall():
                key = row[:3] + (row[6],)
                if key in found:
                    continue
                is_alias = row[6] != PersonName.Kind.PRIMARY
                if is_alias:
                    aliases_shown[row[:3]] = f"{row[8]} {row[9]}".strip()
                found[key] = rules.CandidateName(
                    person_id=row[0],
                    family_norm=row[1],
                    given_norm=row[2],
                    family_phonetic=row[3],
                    given_phonetic=row[4],
                    family_nysiis=row[5],
                    is_alias=is_alias,
                    date_of_birth=row[7] or (row[10] if with_person_dob else None),
                )
    return list(found.values())


_PERSON_TABLE = Person._meta.db_table
_IDENTIFIER_TABLE = Identifier._meta.db_table


def _ids_by_number(system_number: str | None, value_norm: str) -> list[int]:
    """People with this system number or any identifier with this value: one indexed statement.

    Plain SQL: composing it from two ORM querysets (a UNION inside ``pk__in``) cost more to compile
    than to run. Filters and scope are applied to the ids afterwards, on the person query.
    """
    parts, params = [], []
    if system_number:
        parts.append(f"SELECT id FROM {_PERSON_TABLE} WHERE system_number = %s")  # noqa: S608 - model meta
        params.append(system_number)
    if value_norm:
        parts.append(f"SELECT person_id FROM {_IDENTIFIER_TABLE} WHERE value_norm = %s")  # noqa: S608
        params.append(value_norm)
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"{' UNION ALL '.join(parts)} LIMIT {_SOURCE_LIMIT}", params)
        return list(dict.fromkeys(row[0] for row in cursor.fetchall()))


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
    exact_people: dict[int, Person] = {}  # already fetched, within the filters and scope
    if text and rules.looks_like_identifier(text):
        people = Person.objects.filter(
            _person_filters(prefix="", date_of_birth=date_of_birth, born_from=born_from, born_to=born_to, status=status)
        )
        if scope is not None:
            people = people.filter(scope)
        system_number = rules.normalise_system_number(text) if rules.is_system_number(text) else None
        matching = _ids_by_number(system_number, rules.normalise_identifier(text))
        if matching:
            for person in people.filter(pk__in=matching)[:_SOURCE_LIMIT]:
                by_number = system_number is not None and person.system_number == system_number
                exact[person.pk] = rules.MatchKind.SYSTEM_NUMBER if by_number else rules.MatchKind.IDENTIFIER
                exact_people[person.pk] = person

    name_query = rules.parse_name_query("" if rules.looks_like_identifier(text) else text)
    names: list[rules.CandidateName] = []
    aliases_shown: dict[tuple, str] = {}
    ranked: list[rules.RankedPerson] | None = None
    narrow_by_dob = date_of_birth is not None
    # A national search with no person filters needs nothing from the person but "not merged", which
    # is checked on the few people ranked onto the page instead of joined into every lookup. Filters
    # and scope stay inside each lookup, so its row cap counts only people the search may return.
    join_person = scope_on_name is not None or bool(status or date_of_birth or born_from or born_to)

    def rank(names: list[rules.CandidateName]) -> list[rules.RankedPerson]:
        # Without the person joined, merged records are dropped after ranking: keep them all.
        wanted = offset + limit if join_person else len(names) + len(exact)
        return rules.rank_candidates(
            name_query, names, date_of_birth=date_of_birth, exact_person_ids=exact, limit=wanted
        )

    if not name_query.is_empty or (narrow_by_dob and not exact):
        base = PersonName.objects.order_by()
        if join_person:
            base = base.filter(
                _person_filters(
                    prefix="person__", date_of_birth=date_of_birth, born_from=born_from, born_to=born_to, status=status
                )
            )
        if scope_on_name is not None:
            base = base.filter(scope_on_name)
        close, loose = _name_lookups(name_query)
        if date_of_birth:
            # A matching birth date lifts any match above the closest ones (rules.rank_candidates).
            close, loose = close + loose, []
        found: dict[tuple, rules.CandidateName] = {}
        names = _candidate_names(
            base,
            close,
            narrow_by_dob=narrow_by_dob,
            with_person_dob=join_person,
            found=found,
            aliases_shown=aliases_shown,
        )
        if loose:
            ranked = rank(names)
            if sum(1 for r in ranked if r.score >= _LOOSE_MATCH_CEILING) < offset + limit:
                names = _candidate_names(
                    base,
                    loose,
                    narrow_by_dob=False,
                    with_person_dob=join_person,
                    found=found,
                    aliases_shown=aliases_shown,
                )
                ranked = None

    if name_query.is_empty and narrow_by_dob:
        # Date of birth alone: everyone born that day, alphabetically, primary names only.
        ranked = [
            rules.RankedPerson(n.person_id, 50.0, "date of birth", matched_name=n)
            for n in sorted(names, key=lambda n: (n.family_norm, n.given_norm))
            if not n.is_alias
        ]
        ranked = [rules.RankedPerson(pk, 200.0, kind) for pk, kind in exact.items()] + ranked
    elif ranked is None:
        ranked = rank(names)
    if join_person:
        people = _people(Person.objects.all(), [r.person_id for r in ranked[offset : offset + limit]], exact_people)
    else:
        ranked, people = _without_merged(ranked, offset + limit, exact_people)
    ranked = ranked[: offset + limit]
    total = len(ranked)
    page = ranked[offset : offset + limit]
    identifiers: dict[int, list[Identifier]] = {}
    for identifier in Identifier.objects.filter(person_id__in=list(people)).order_by("kind", "value_norm"):
        identifiers.setdefault(identifier.person_id, []).append(identifier)
    alias_names = {
        r.person_id: aliases_shown.get((r.person_id, r.matched_name.family_norm, r.matched_name.given_norm), "")
        for r in page
        if r.matched_name and r.matched_name.is_alias
    }
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


def _people(people: QuerySet, person_ids: list[int], known: dict[int, Person]) -> dict[int, Person]:
    """``people`` with these ids, reusing records already ``known`` (fetched under the same rules)."""
    found = {pk: known[pk] for pk in person_ids if pk in known}
    missing = [pk for pk in person_ids if pk not in known]
    if missing:
        found.update(people.in_bulk(missing))
    return found


def _without_merged(
    ranked: list[rules.RankedPerson], wanted: int, known: dict[int, Person]
) -> tuple[list[rules.RankedPerson], dict[int, Person]]:
    """The ranking less merged records, checked from the top until ``wanted`` people remain, and
    those people's records (the page is drawn from them)."""
    kept: list[rules.RankedPerson] = []
    people: dict[int, Person] = {}
    checked = 0
    while len(kept) < wanted and checked < len(ranked):
        window = ranked[checked : checked + wanted - len(kept)]
        checked += len(window)
        found = _people(Person.objects.exclude(status=Person.Status.MERGED), [r.person_id for r in window], known)
        people.update(found)
        kept += [r for r in window if r.person_id in found]
    return kept + ranked[checked:], people
