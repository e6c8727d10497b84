"""Scope and reading one person record and its parts."""

from __future__ import annotations

import uuid

from django.db.models import Exists, OuterRef, Q, QuerySet

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor, Scope
from oms.core.errors import NotFound
from oms.core.ids import parse_public_id
from oms.facilities.models import Site
from oms.people import rules
from oms.people.models import (
    Alert,
    Allocation,
    CaseNote,
    Identifier,
    Person,
    PersonName,
    PersonPhoto,
    PersonSiteLink,
    PortalAccount,
)

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
    if actor.scope == Scope.SELF:
        # A participant reaches the one record their open portal account is linked to, wherever it lives.
        if actor.user_id is None:
            return Q(pk__in=[])
        own = PortalAccount.objects.filter(person_id=OuterRef(person_ref), user_id=actor.user_id)
        return Exists(own.filter(closed_at__isnull=True))
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


def rows_in_scope(actor: Actor, rows: QuerySet, person_path: str) -> QuerySet:
    """``rows`` (of any model) narrowed to those whose person, reached by ``person_path``, is in scope."""
    if actor.is_national:
        return rows
    return rows.filter(**{f"{person_path}__in": people_in_scope(actor).values("pk")})


def one_in_scope(actor: Actor, rows: QuerySet, public_id, *, person_path: str, code: str, for_update: bool):
    """The row of ``rows`` with this public id whose person is in scope, else NotFound(``code``): one
    lookup for every app's records about a person (court cases, case plans, ...)."""
    wanted = parse_public_id(public_id, code=code)
    rows = rows_in_scope(actor, rows, person_path)
    if for_update:
        # Lock only the row itself: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
        rows = rows.select_for_update(of=("self",))
    found = rows.filter(public_id=wanted).first()
    if found is None:
        raise NotFound(code=code)
    return found


def _parse_public_id(public_id) -> uuid.UUID:
    return parse_public_id(public_id, code="people.not_found")


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


def person_id_for_system_number(system_number: str) -> int | None:
    """The internal id of the record holding this system number, for the audit trail's person filter
    (registered with ``oms.audit.queries.set_person_resolver``). Deliberately unscoped: only callers
    holding audit.view search the trail, and it has no scope (AUD-6). A merged duplicate keeps its
    number, so its own history stays findable. Anything that is not a system number resolves to None."""
    if not rules.is_system_number(system_number):
        return None
    normalised = rules.normalise_system_number(system_number)
    return Person.objects.filter(system_number=normalised).values_list("pk", flat=True).first()


_LEVEL_RANK = {Alert.Level.HIGH: 0, Alert.Level.MEDIUM: 1, Alert.Level.LOW: 2}


def active_alerts(person: Person) -> list[Alert]:
    """Alerts in force today, highest level first (ranked here: the stored level names do not sort)."""
    today = clock.today()
    alerts = person.alerts.filter(closed_at__isnull=True, starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    return sorted(alerts, key=lambda a: (_LEVEL_RANK.get(a.level, len(_LEVEL_RANK)), a.type))


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


def sites_in_reach(actor: Actor) -> list[Site]:
    """Active sites where the actor may hold a new record."""
    sites = Site.objects.filter(active=True).order_by("name")
    if actor.is_national:
        return list(sites)
    if actor.scope == Scope.ORGANISATION:
        return list(sites.filter(organisation_id=actor.organisation_id))
    return list(sites.filter(pk__in=sorted(actor.site_ids)))


def current_photo(actor: Actor, person: Person) -> PersonPhoto | None:
    """The newest photograph of a person already read through ``get_person``; audited as
    ``people.photo_viewed`` when there is one."""
    actor.require("people.view")
    photo = person.photos.order_by("-uploaded_at", "-pk").first()
    if photo is not None:
        record_event(
            actor, "people.photo_viewed", object_type="person_photo", object_id=photo.pk, subject_person_id=person.pk
        )
    return photo


def has_photo(person: Person) -> bool:
    return person.photos.exists()
