"""Reads of person records, always through ``people_in_scope`` (AZ-3: out of scope is not found).

Reads of a person record and of sensitive sub-records are audited (AUD-1) in the caller's
transaction: when the audit write fails the read fails (AUD-3).

Merged records: a merged person is found (so old links keep working) but raises ``PersonMerged``,
a ``NotFound`` with code ``people.merged`` carrying the survivor's public id when the actor can see
the survivor. Pages redirect to the survivor; the API answers 404 with that code.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from oms.accounts.models import User
from oms.audit import queries as audit_queries
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor, Scope
from oms.core.errors import NotFound, RuleViolation
from oms.facilities.models import Site
from oms.people import rules
from oms.people.models import Alert, Allocation, CaseNote, Identifier, Person, PersonName, PersonSiteLink

SEARCH_LIMIT_MAX = 100
_SOURCE_LIMIT = 500  # rows each narrowing query may bring back for ranking


class PersonMerged(NotFound):
    """This record was merged into another record."""

    code = "people.merged"

    def __init__(self, survivor_public_id: uuid.UUID | None):
        detail = "This record was merged into another record."
        if survivor_public_id:
            detail = f"This record was merged into record {survivor_public_id}."
        super().__init__(detail)
        self.survivor_public_id = survivor_public_id


# --- scope ---------------------------------------------------------------------------------------


def scope_condition(actor: Actor, person_ref: str = "pk"):
    """A filter expression true for people the actor can reach, or None for national actors.

    EXISTS subqueries rather than joins: no duplicate rows, no DISTINCT, and the planner can stop at
    the first open link, which keeps scoped search fast at a million people.
    """
    if actor.is_national:
        return None
    today = clock.today()
    open_links = PersonSiteLink.objects.filter(person_id=OuterRef(person_ref)).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    )
    if actor.scope == Scope.ORGANISATION:
        if actor.organisation_id is None:
            return Q(pk__in=[])
        open_links = open_links.filter(site__organisation_id=actor.organisation_id)
    else:
        if not actor.site_ids:
            return Q(pk__in=[])
        open_links = open_links.filter(site_id__in=sorted(actor.site_ids))
    condition = Exists(open_links)
    if actor.scope == Scope.CASELOAD:
        caseload = Allocation.objects.filter(person_id=OuterRef(person_ref), staff_id=actor.user_id).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=today)
        )
        condition = condition & Exists(caseload)
    return condition


def people_in_scope(actor: Actor) -> QuerySet[Person]:
    """Every person the actor may read (merged records included; callers decide what to do)."""
    condition = scope_condition(actor)
    people = Person.objects.all()
    return people if condition is None else people.filter(condition)


def _parse_public_id(public_id) -> uuid.UUID:
    if isinstance(public_id, uuid.UUID):
        return public_id
    try:
        return uuid.UUID(str(public_id))
    except (ValueError, AttributeError, TypeError):
        raise NotFound(code="people.not_found")


def find_person(actor: Actor, public_id, *, for_update: bool = False, allow_merged: bool = False) -> Person:
    """The person in scope with this public id (no permission check, no audit: for services)."""
    people = people_in_scope(actor)
    if for_update:
        people = people.select_for_update()
    wanted = _parse_public_id(public_id)
    person = people.filter(public_id=wanted).first()
    if person is not None and (person.status != Person.Status.MERGED or allow_merged):
        return person
    # A merged record has lost its site links to the survivor, so the survivor's scope decides.
    survivor_pk = Person.objects.filter(public_id=wanted, status=Person.Status.MERGED).values_list(
        "merged_into_id", flat=True
    )
    survivor = people_in_scope(actor).filter(pk__in=survivor_pk).values_list("public_id", flat=True).first()
    if survivor is None:
        raise NotFound(code="people.not_found")
    raise PersonMerged(survivor)


def get_person(actor: Actor, public_id) -> Person:
    """Read one person record (people.view); audited as ``people.person_viewed``."""
    actor.require("people.view")
    person = find_person(actor, public_id)
    record_event(
        actor, "people.person_viewed", object_type="person", object_id=person.public_id, subject_person_id=person.pk
    )
    return person


def get_person_by_system_number(actor: Actor, system_number: str) -> Person:
    actor.require("people.view")
    number = rules.normalise_system_number(system_number)
    person = people_in_scope(actor).filter(system_number=number).first()
    if person is None:
        raise NotFound(code="people.not_found")
    return get_person(actor, person.public_id)


def person_names(person: Person) -> list[PersonName]:
    return list(person.names.order_by("kind", "family_name", "given_name"))


def person_identifiers(person: Person) -> list[Identifier]:
    return list(person.identifiers.order_by("kind", "value_norm"))


def active_alerts(person: Person) -> list[Alert]:
    today = clock.today()
    return list(
        person.alerts.filter(closed_at__isnull=True, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .order_by("-level", "type")
    )


def list_alerts(actor: Actor, person: Person) -> list[Alert]:
    """Every alert, open first (the person was read through ``get_person``, already audited)."""
    return sorted(person.alerts.all(), key=lambda a: (a.closed_at is not None, -a.starts_on.toordinal()))


def readable_note_types(actor: Actor) -> set[str]:
    """Case note types this actor may read: health and security notes need their own permission."""
    types = set(CaseNote.Type.values)
    if not actor.has("people.view_health_notes"):
        types.discard(CaseNote.Type.HEALTH)
    if not actor.has("people.view_security_notes"):
        types.discard(CaseNote.Type.SECURITY)
    return types


def list_case_notes(actor: Actor, person: Person, *, limit: int = 200) -> list[CaseNote]:
    """Case notes the actor may read, newest first; the read is audited (``people.case_notes_viewed``)."""
    actor.require("people.view")
    notes = list(
        person.case_notes.filter(type__in=readable_note_types(actor))
        .select_related("author")
        .order_by("-created_at")[:limit]
    )
    record_event(
        actor,
        "people.case_notes_viewed",
        object_type="person",
        object_id=person.public_id,
        subject_person_id=person.pk,
        details={"count": len(notes)},
    )
    return notes


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
    sources = [base.filter(lookup)[:_SOURCE_LIMIT] for lookup in lookups]
    if narrow_by_dob:
        sources.append(base[:_SOURCE_LIMIT])  # the DOB filter already narrows to a handful of people
    for source in sources:
        for row in source.values_list(*_NAME_FIELDS):
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


# --- timeline ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    kind: str  # "audit", "case_note", "alert"
    title: str
    detail: str = ""
    by: str = ""


def _describe_action(action: str) -> str:
    verb = action.split(".", 1)[-1].replace("_", " ")
    return verb[:1].upper() + verb[1:]


def timeline(actor: Actor, person: Person, *, limit: int = 100) -> list[TimelineEntry]:
    """What happened to the person, newest first: audited changes (reads left out), readable case
    notes and alerts. A survivor's timeline includes the events of the records merged into it."""
    actor.require("people.view")
    merged_ids = list(Person.objects.filter(merged_into=person).values_list("pk", flat=True))
    events = audit_queries.events_for_person(actor, person.pk, merged_person_ids=merged_ids, limit=limit)
    entries = [
        TimelineEntry(
            at=e.occurred_at,
            kind="audit",
            title=_describe_action(e.action),
            detail=", ".join(e.changed_fields) if e.changed_fields else e.reason,
            by=e.actor_username,
        )
        for e in events
    ]
    authors = {}
    notes = list_case_notes(actor, person, limit=limit)
    author_ids = {n.author_id for n in notes if n.author_id}
    if author_ids:
        authors = dict(User.objects.filter(pk__in=author_ids).values_list("pk", "username"))
    entries += [
        TimelineEntry(
            at=n.created_at,
            kind="case_note",
            title=f"{n.get_type_display()} case note",
            detail=n.text,
            by=authors.get(n.author_id, ""),
        )
        for n in notes
    ]
    entries += [
        TimelineEntry(
            at=a.created_at,
            kind="alert",
            title=f"Alert: {a.get_type_display()} ({a.get_level_display().lower()})",
            detail=a.description if not a.closed_at else f"Closed: {a.closed_reason}",
        )
        for a in person.alerts.all()
    ]
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


def sites_in_reach(actor: Actor) -> list[Site]:
    """Active sites where the actor may hold a new record."""
    sites = Site.objects.filter(active=True).order_by("name")
    if actor.is_national:
        return list(sites)
    if actor.scope == Scope.ORGANISATION:
        return list(sites.filter(organisation_id=actor.organisation_id))
    return list(sites.filter(pk__in=sorted(actor.site_ids)))
