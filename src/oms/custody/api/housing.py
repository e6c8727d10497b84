"""The custody housing and keep-apart API (mounted by oms.custody.api under /api/v1/custody).

Thin: parse, call one service or query, shape the answer. A bed that cannot be used answers 409 with
code ``custody.housing_conflict`` and the list of conflicts, each saying whether an authorised
override (``override_reason`` from a holder of custody.override_housing) may waive it. People on the
other side of a keep-apart are named only when the caller may read them (``null`` otherwise).
"""

import datetime as dt
import uuid
from typing import Literal

from django.db import transaction
from ninja import Field, Query, Router, Schema, Status

from oms.custody.models import KeepApartGroup, NonAssociation, RestrictionLevel
from oms.custody.queries import housing as housing_queries
from oms.custody.queries import non_associations as keep_apart_queries
from oms.custody.queries.episodes import current_assignment, get_episode
from oms.custody.services import housing as housing_services
from oms.custody.services import non_associations as keep_apart_services
from oms.people.models import Person
from oms.people.queries import people_in_scope
from oms.web.access import api
from oms.web.api_schemas import ERRORS, ErrorOut, StrictIn

router = Router(tags=["custody"])

Role = Literal[tuple(NonAssociation.Role.values)]
Reason = Literal[tuple(NonAssociation.Reason.values)]
Level = Literal[tuple(RestrictionLevel.values)]
GroupKind = Literal[tuple(KeepApartGroup.Kind.values)]
ERRORS_BUT_409 = {k: v for k, v in ERRORS.items() if k != 409}


# --- schemas -------------------------------------------------------------------------------------


class BedIn(StrictIn):
    bed_id: uuid.UUID
    reason: str = Field("", max_length=200)
    override_reason: str = Field("", max_length=500, description="Needs custody.override_housing")


class PersonRef(Schema):
    id: uuid.UUID
    system_number: str
    family_name: str
    given_name: str


class HousingCheckOut(Schema):
    code: str
    check: str
    explanation: str
    overridable: bool
    other_person: PersonRef | None = None  # keep-apart conflicts, when the caller may read that person


class HousingConflictOut(ErrorOut):
    conflicts: list[HousingCheckOut]


class AssignmentOut(Schema):
    bed_id: uuid.UUID
    bed: str
    cell: str
    assigned_at: dt.datetime
    ended_at: dt.datetime | None
    reason: str
    overridden_checks: list[str]
    override_reason: str


class EpisodeBedOut(Schema):
    episode_id: uuid.UUID
    in_reception: bool
    current: AssignmentOut | None
    history: list[AssignmentOut]


class SuggestionOut(Schema):
    bed_id: uuid.UUID
    bed: str
    cell: str
    occupants: int
    working_capacity: int
    security_level: str
    valid: bool
    conflicts: list[HousingCheckOut]


class SuggestionParams(Schema):
    limit: int = Field(20, ge=1, le=200)
    include_overridable: bool = True


class NonAssociationIn(StrictIn):
    person_id: uuid.UUID
    other_person_id: uuid.UUID
    role: Role
    other_role: Role
    reason: Reason
    restriction_level: Level
    comment: str = Field(..., min_length=1, max_length=4000)
    authorised_by: str = Field(..., min_length=1, max_length=200)


class NonAssociationPatchIn(StrictIn):
    restriction_level: Level | None = None
    reason: Reason | None = None
    comment: str | None = Field(None, min_length=1, max_length=4000)
    authorised_by: str | None = Field(None, min_length=1, max_length=200)
    roles: dict[uuid.UUID, Role] | None = Field(None, description="Person id -> role, for either side")


class CloseIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=500)


class SideOut(Schema):
    person: PersonRef | None  # null: out of the caller's reach
    role: str


class NonAssociationOut(Schema):
    id: uuid.UUID
    people: list[SideOut]
    reason: str
    restriction_level: str
    comment: str
    authorised_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None
    closed_reason: str


class NonAssociationList(Schema):
    items: list[NonAssociationOut]
    count: int


class ListParams(Schema):
    person_id: uuid.UUID | None = None
    open_only: bool = True
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


class GroupIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=200)
    kind: GroupKind
    restriction_level: Level
    comment: str = Field(..., min_length=1, max_length=4000)
    authorised_by: str = Field(..., min_length=1, max_length=200)
    member_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)


class MemberIn(StrictIn):
    person_id: uuid.UUID


class RemoveMemberIn(StrictIn):
    reason: str = Field("", max_length=500)


class MemberOut(Schema):
    person: PersonRef | None
    added_at: dt.datetime
    removed_at: dt.datetime | None


class GroupOut(Schema):
    id: uuid.UUID
    name: str
    kind: str
    restriction_level: str
    comment: str
    authorised_by: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    closed_reason: str
    members: list[MemberOut]


class GroupParams(Schema):
    open_only: bool = True


class KeepApartOut(Schema):
    other_person: PersonRef | None
    restriction_level: str
    source: str
    reason: str


class KeepApartsOut(Schema):
    person_id: uuid.UUID
    keep_aparts: list[KeepApartOut]


# --- shaping -------------------------------------------------------------------------------------


def _person_ref(person: Person | None) -> dict | None:
    if person is None:
        return None
    return {
        "id": person.public_id,
        "system_number": person.system_number,
        "family_name": person.family_name,
        "given_name": person.given_name,
    }


def _conflicts_out(request, conflicts) -> list[dict]:
    others = {c.other_person_id for c in conflicts if c.other_person_id}
    readable = {p.pk: p for p in people_in_scope(request.actor).filter(pk__in=others)} if others else {}
    return [{**c.as_dict(), "other_person": _person_ref(readable.get(c.other_person_id))} for c in conflicts]


def _assignment_out(a) -> dict:
    return {
        "bed_id": a.bed.public_id,
        "bed": a.bed.key,
        "cell": a.bed.key.rsplit("-", 1)[0],
        "assigned_at": a.assigned_at,
        "ended_at": a.ended_at,
        "reason": a.reason,
        "overridden_checks": list(a.overridden_checks),
        "override_reason": a.override_reason,
    }


def _pair_out(view) -> dict:
    pair = view.pair
    return {
        "id": pair.public_id,
        "people": [{"person": _person_ref(side.person), "role": side.role} for side in (view.this, view.other)],
        **{
            name: getattr(pair, name)
            for name in (
                "reason",
                "restriction_level",
                "comment",
                "authorised_by",
                "created_at",
                "updated_at",
                "closed_at",
                "closed_reason",
            )
        },
    }


def _group_out(view) -> dict:
    group = view.group
    return {
        "id": group.public_id,
        **{
            name: getattr(group, name)
            for name in (
                "name",
                "kind",
                "restriction_level",
                "comment",
                "authorised_by",
                "created_at",
                "closed_at",
                "closed_reason",
            )
        },
        "members": [
            {"person": _person_ref(m.person), "added_at": m.member.added_at, "removed_at": m.member.removed_at}
            for m in view.members
        ],
    }


def _rollback() -> None:
    """An answer given here instead of raised must still undo any partial write."""
    if transaction.get_connection().in_atomic_block:
        transaction.set_rollback(True)


# --- housing -------------------------------------------------------------------------------------


@router.get(
    "/episodes/{episode_id}/bed",
    response={200: EpisodeBedOut, **ERRORS},
    summary="The person's current bed and bed history",
)
@api("custody.view")
def read_bed(request, episode_id: uuid.UUID):
    episode = get_episode(request.actor, episode_id)
    current = current_assignment(episode)
    return Status(
        200,
        {
            "episode_id": episode.public_id,
            "in_reception": episode.in_reception,
            "current": _assignment_out(current) if current else None,
            "history": [_assignment_out(a) for a in housing_queries.bed_history(episode)],
        },
    )


@router.post(
    "/episodes/{episode_id}/bed",
    response={200: AssignmentOut, 409: HousingConflictOut, **ERRORS_BUT_409},
    summary="Assign or move the person to a bed (409 lists the conflicts and which may be overridden)",
)
@api("custody.house")
def assign_bed(request, episode_id: uuid.UUID, payload: BedIn):
    try:
        assignment = housing_services.assign_bed(request.actor, episode_id=episode_id, **payload.model_dump())
    except housing_services.HousingConflict as refused:
        _rollback()
        return Status(409, {**refused.as_dict(), "conflicts": _conflicts_out(request, refused.conflicts)})
    return Status(200, _assignment_out(assignment))


@router.get(
    "/episodes/{episode_id}/bed-suggestions",
    response={200: list[SuggestionOut], **ERRORS},
    summary="Beds the person may go to, best first (overridable ones marked, hard conflicts never listed)",
)
@api("custody.house")
def bed_suggestions(request, episode_id: uuid.UUID, params: Query[SuggestionParams]):
    found = housing_queries.suggest_beds(
        request.actor, episode_id=episode_id, limit=params.limit, include_overridable=params.include_overridable
    )
    return Status(
        200,
        [
            {
                "bed_id": s.bed_id,
                "bed": s.bed_key,
                "cell": s.cell_key,
                "occupants": s.occupants,
                "working_capacity": s.working_capacity,
                "security_level": s.security_level,
                "valid": s.valid,
                "conflicts": _conflicts_out(request, s.conflicts),
            }
            for s in found
        ],
    )


# --- non-associations ----------------------------------------------------------------------------


@router.get(
    "/non-associations",
    response={200: NonAssociationList, **ERRORS},
    summary="Non-associations of one person, or of everyone in the caller's reach",
)
@api("custody.view_non_associations")
def list_non_associations(request, params: Query[ListParams]):
    if params.person_id is not None:
        _, views = keep_apart_queries.non_associations_for_person(
            request.actor, params.person_id, include_closed=not params.open_only
        )
        total, views = len(views), views[params.offset : params.offset + params.limit]
    else:
        views, total = keep_apart_queries.non_associations_in_scope(
            request.actor, open_only=params.open_only, limit=params.limit, offset=params.offset
        )
    return Status(200, {"items": [_pair_out(v) for v in views], "count": total})


@router.post(
    "/non-associations",
    response={201: NonAssociationOut, **ERRORS},
    summary="Record that two people must be kept apart",
)
@api("custody.manage_non_associations")
def create_non_association(request, payload: NonAssociationIn):
    pair = keep_apart_services.create_non_association(request.actor, **payload.model_dump())
    return Status(201, _pair_out(keep_apart_queries.get_non_association(request.actor, pair.public_id)))


@router.get(
    "/non-associations/{non_association_id}",
    response={200: NonAssociationOut, **ERRORS},
    summary="Read a non-association",
)
@api("custody.view_non_associations")
def read_non_association(request, non_association_id: uuid.UUID):
    return Status(200, _pair_out(keep_apart_queries.get_non_association(request.actor, non_association_id)))


@router.patch(
    "/non-associations/{non_association_id}",
    response={200: NonAssociationOut, **ERRORS},
    summary="Change an open non-association (level, reason, comment, authoriser, roles)",
)
@api("custody.manage_non_associations")
def update_non_association(request, non_association_id: uuid.UUID, payload: NonAssociationPatchIn):
    keep_apart_services.update_non_association(
        request.actor, non_association_id=non_association_id, **payload.model_dump()
    )
    return Status(200, _pair_out(keep_apart_queries.get_non_association(request.actor, non_association_id)))


@router.post(
    "/non-associations/{non_association_id}/close",
    response={200: NonAssociationOut, **ERRORS},
    summary="Close a non-association with a reason (it is kept, never deleted)",
)
@api("custody.manage_non_associations")
def close_non_association(request, non_association_id: uuid.UUID, payload: CloseIn):
    keep_apart_services.close_non_association(
        request.actor, non_association_id=non_association_id, reason=payload.reason
    )
    return Status(200, _pair_out(keep_apart_queries.get_non_association(request.actor, non_association_id)))


# --- keep-apart groups ---------------------------------------------------------------------------


@router.get("/keep-apart-groups", response={200: list[GroupOut], **ERRORS}, summary="Keep-apart groups")
@api("custody.view_non_associations")
def list_groups(request, params: Query[GroupParams]):
    return Status(
        200, [_group_out(v) for v in keep_apart_queries.keep_apart_groups(request.actor, open_only=params.open_only)]
    )


@router.post("/keep-apart-groups", response={201: GroupOut, **ERRORS}, summary="Create a keep-apart group")
@api("custody.manage_non_associations")
def create_group(request, payload: GroupIn):
    group = keep_apart_services.create_keep_apart_group(request.actor, **payload.model_dump())
    return Status(201, _group_out(keep_apart_queries.get_keep_apart_group(request.actor, group.public_id)))


@router.get("/keep-apart-groups/{group_id}", response={200: GroupOut, **ERRORS}, summary="Read a keep-apart group")
@api("custody.view_non_associations")
def read_group(request, group_id: uuid.UUID):
    return Status(200, _group_out(keep_apart_queries.get_keep_apart_group(request.actor, group_id)))


@router.post(
    "/keep-apart-groups/{group_id}/members", response={200: GroupOut, **ERRORS}, summary="Add a person to a group"
)
@api("custody.manage_non_associations")
def add_member(request, group_id: uuid.UUID, payload: MemberIn):
    keep_apart_services.add_group_member(request.actor, group_id=group_id, person_id=payload.person_id)
    return Status(200, _group_out(keep_apart_queries.get_keep_apart_group(request.actor, group_id)))


@router.post(
    "/keep-apart-groups/{group_id}/members/{person_id}/remove",
    response={200: GroupOut, **ERRORS},
    summary="Take a person out of a group (the membership is dated, not deleted)",
)
@api("custody.manage_non_associations")
def remove_member(request, group_id: uuid.UUID, person_id: uuid.UUID, payload: RemoveMemberIn):
    keep_apart_services.remove_group_member(
        request.actor, group_id=group_id, person_id=person_id, reason=payload.reason
    )
    return Status(200, _group_out(keep_apart_queries.get_keep_apart_group(request.actor, group_id)))


@router.post(
    "/keep-apart-groups/{group_id}/close",
    response={200: GroupOut, **ERRORS},
    summary="Close a keep-apart group with a reason",
)
@api("custody.manage_non_associations")
def close_group(request, group_id: uuid.UUID, payload: CloseIn):
    keep_apart_services.close_keep_apart_group(request.actor, group_id=group_id, reason=payload.reason)
    return Status(200, _group_out(keep_apart_queries.get_keep_apart_group(request.actor, group_id)))


@router.get(
    "/people/{person_id}/keep-aparts",
    response={200: KeepApartsOut, **ERRORS},
    summary="Everyone the person must be kept apart from (pairs and groups, strongest level)",
)
@api("custody.view_non_associations")
def person_keep_aparts(request, person_id: uuid.UUID):
    person, found = keep_apart_queries.keep_aparts_of_person(request.actor, person_id)
    return Status(
        200,
        {
            "person_id": person.public_id,
            "keep_aparts": [
                {
                    "other_person": _person_ref(k.other),
                    "restriction_level": k.restriction_level,
                    "source": k.source,
                    "reason": k.reason,
                }
                for k in found
            ],
        },
    )
