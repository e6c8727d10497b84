"""Reading non-associations and keep-apart groups (custody.view_non_associations).

A pair or group is found only through a person the actor can reach. The other side of a pair, and
members of a group, are named only when the actor may read them: otherwise they appear as "a person
held elsewhere" with no id (a keep-apart still binds there, so its existence is shown).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q

from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.core.ids import parse_public_id
from oms.custody.models import KeepApartGroup, KeepApartMember, NonAssociation
from oms.custody.queries.keep_aparts import keep_aparts_for
from oms.people.models import Person
from oms.people.queries import find_person, people_in_scope

VIEW = "custody.view_non_associations"


@dataclass(frozen=True)
class PairSide:
    person: Person | None  # None: out of the actor's reach, shown without a name or id
    role: str


@dataclass(frozen=True)
class PairView:
    pair: NonAssociation
    this: PairSide
    other: PairSide

    @property
    def open(self) -> bool:
        return self.pair.closed_at is None


@dataclass(frozen=True)
class MemberView:
    member: KeepApartMember
    person: Person | None


@dataclass(frozen=True)
class GroupView:
    group: KeepApartGroup
    members: list[MemberView]


@dataclass(frozen=True)
class KeepApartView:
    other: Person | None
    restriction_level: str
    source: str  # non_association / group
    reason: str


def _readable(actor: Actor, person_ids) -> dict[int, Person]:
    return {p.pk: p for p in people_in_scope(actor).filter(pk__in=set(person_ids))}


def _views(actor: Actor, pairs, person_id: int | None) -> list[PairView]:
    pairs = list(pairs)
    readable = _readable(actor, {p.person_a_id for p in pairs} | {p.person_b_id for p in pairs})
    views = []
    for pair in pairs:
        a = PairSide(readable.get(pair.person_a_id), pair.role_a)
        b = PairSide(readable.get(pair.person_b_id), pair.role_b)
        this, other = (b, a) if person_id == pair.person_b_id else (a, b)
        views.append(PairView(pair, this, other))
    return views


def non_associations_for_person(
    actor: Actor, person_id, *, include_closed: bool = True
) -> tuple[Person, list[PairView]]:
    """The person (in reach) and their pairs, open first then closed, newest first."""
    actor.require(VIEW)
    person = find_person(actor, person_id)
    pairs = NonAssociation.objects.filter(Q(person_a=person) | Q(person_b=person))
    if not include_closed:
        pairs = pairs.filter(closed_at__isnull=True)
    pairs = sorted(pairs, key=lambda p: (p.closed_at is not None, -p.created_at.timestamp(), -p.pk))
    return person, _views(actor, pairs, person.pk)


def non_associations_in_scope(actor: Actor, *, open_only: bool = True, limit: int = 100, offset: int = 0):
    """Pairs where at least one person is in the actor's reach, newest first; (views, total)."""
    actor.require(VIEW)
    reachable = people_in_scope(actor).values("pk")
    pairs = NonAssociation.objects.filter(Q(person_a_id__in=reachable) | Q(person_b_id__in=reachable))
    if open_only:
        pairs = pairs.filter(closed_at__isnull=True)
    total = pairs.count()
    page = pairs.order_by("-created_at", "-id")[offset : offset + limit]
    return _views(actor, page, None), total


def get_non_association(actor: Actor, non_association_id) -> PairView:
    """One pair when at least one of its people is in reach; 404 otherwise."""
    actor.require(VIEW)
    wanted = parse_public_id(
        non_association_id, code="custody.non_association_not_found", detail="Non-association not found."
    )
    pair = NonAssociation.objects.filter(public_id=wanted).first()
    if pair is None:
        raise NotFound("Non-association not found.", code="custody.non_association_not_found")
    (view,) = _views(actor, [pair], None)
    if view.this.person is None and view.other.person is None:
        raise NotFound("Non-association not found.", code="custody.non_association_not_found")
    return view


def _group_views(actor: Actor, groups) -> list[GroupView]:
    groups = list(groups)
    members = list(
        KeepApartMember.objects.filter(group__in=groups).order_by(
            F("removed_at").asc(nulls_first=True), "added_at", "id"
        )
    )
    readable = _readable(actor, {m.person_id for m in members})
    by_group: dict[int, list[MemberView]] = {}
    for member in members:
        by_group.setdefault(member.group_id, []).append(MemberView(member, readable.get(member.person_id)))
    return [GroupView(group, by_group.get(group.pk, [])) for group in groups]


def keep_apart_groups(actor: Actor, *, open_only: bool = True) -> list[GroupView]:
    """Groups with at least one current member in reach, or with no members yet (just created)."""
    actor.require(VIEW)
    reachable = people_in_scope(actor).values("pk")
    groups = KeepApartGroup.objects.filter(
        Q(members__person_id__in=reachable, members__removed_at__isnull=True) | Q(members__isnull=True)
    ).distinct()
    if open_only:
        groups = groups.filter(closed_at__isnull=True)
    return _group_views(actor, groups.order_by("name", "id"))


def get_keep_apart_group(actor: Actor, group_id) -> GroupView:
    actor.require(VIEW)
    wanted = parse_public_id(group_id, code="custody.group_not_found", detail="Keep-apart group not found.")
    group = KeepApartGroup.objects.filter(public_id=wanted).first()
    if group is None:
        raise NotFound("Keep-apart group not found.", code="custody.group_not_found")
    (view,) = _group_views(actor, [group])
    if view.members and not any(m.person is not None for m in view.members):
        raise NotFound("Keep-apart group not found.", code="custody.group_not_found")
    return view


def keep_aparts_of_person(actor: Actor, person_id) -> tuple[Person, list[KeepApartView]]:
    """Everyone the person (in reach) must be kept apart from, pairs and groups together at the
    strongest level (``keep_aparts_for``), the other named only when readable."""
    actor.require(VIEW)
    person = find_person(actor, person_id)
    found = keep_aparts_for([person.pk])
    readable = _readable(actor, {k.other_person_id for k in found})
    return person, [
        KeepApartView(readable.get(k.other_person_id), k.restriction_level, k.source, k.reason) for k in found
    ]
