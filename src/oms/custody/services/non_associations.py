"""Non-associations (pairs of people kept apart) and keep-apart groups (gangs, co-defendants).

A pair is stored once, lower person id first, with each side's role; closed with a reason and never
deleted. Group members are removed (dated), never deleted. Changing either needs
custody.manage_non_associations and every person named must be within the actor's reach (else 404,
like a missing record). Each change writes one audit event.

A person merge (``people.person_merged``) moves the duplicate's pairs and memberships to the survivor
here rather than in the generic merge, because a pair must stay ordered and unique: see
``move_keep_aparts_on_merge``.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.core.events import Event
from oms.core.ids import parse_public_id
from oms.custody.models import KeepApartGroup, KeepApartMember, NonAssociation, RestrictionLevel
from oms.people.models import Person
from oms.people.queries import find_person, people_in_scope

MANAGE = "custody.manage_non_associations"
_LEVEL_ORDER = {"cell": 1, "landing": 2, "wing": 3}


# --- input ---------------------------------------------------------------------------------------


def _text(value, field: str, *, max_length: int, required: str = "") -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not value:
        raise RuleViolation(required, code="custody.required", field=field)
    if len(value) > max_length:
        raise RuleViolation(f"Must be {max_length} characters or less.", code="custody.text_too_long", field=field)
    return value


def _choice(value, choices, field: str, message: str) -> str:
    if value not in {c[0] for c in choices}:
        raise RuleViolation(message, code="custody.invalid_choice", field=field)
    return value


def _person(actor: Actor, public_id, field: str) -> Person:
    """A live person in the actor's reach; anything else answers 404 on ``field``."""
    try:
        return find_person(actor, public_id)
    except NotFound as missing:
        raise NotFound("Person not found.", code=missing.code, field=field)


def _pair_for_change(actor: Actor, non_association_id) -> NonAssociation:
    """The pair, locked, when both people are within reach; otherwise 404."""
    wanted = parse_public_id(
        non_association_id, code="custody.non_association_not_found", detail="Non-association not found."
    )
    pair = NonAssociation.objects.select_for_update().filter(public_id=wanted).first()
    if pair is None or not _both_reachable(actor, pair):
        raise NotFound("Non-association not found.", code="custody.non_association_not_found")
    return pair


def _both_reachable(actor: Actor, pair: NonAssociation) -> bool:
    return people_in_scope(actor).filter(pk__in=[pair.person_a_id, pair.person_b_id]).count() == 2


# --- pairs ---------------------------------------------------------------------------------------


def create_non_association(
    actor: Actor,
    *,
    person_id,
    other_person_id,
    role: str,
    other_role: str,
    reason: str,
    restriction_level: str,
    comment: str,
    authorised_by: str,
) -> NonAssociation:
    """Record that two people must be kept apart (custody.manage_non_associations; both in reach).

    Stored once with the lower person id as ``person_a`` (the roles follow their person). Refuses a
    person paired with themselves (RuleViolation) and a second open pair of the same two people
    (Conflict). Audit: ``custody.non_association_created``."""
    actor.require(MANAGE)
    role = _choice(role, NonAssociation.Role.choices, "role", "Select the role of the person")
    other_role = _choice(other_role, NonAssociation.Role.choices, "other_role", "Select the role of the other person")
    reason = _choice(reason, NonAssociation.Reason.choices, "reason", "Select the reason")
    restriction_level = _choice(
        restriction_level, RestrictionLevel.choices, "restriction_level", "Select where they must be kept apart"
    )
    comment = _text(comment, "comment", max_length=4000, required="Enter a comment explaining the non-association")
    authorised_by = _text(authorised_by, "authorised_by", max_length=200, required="Enter who authorised it")
    person = _person(actor, person_id, "person_id")
    other = _person(actor, other_person_id, "other_person_id")
    if person.pk == other.pk:
        raise RuleViolation(
            "A person cannot be kept apart from themselves.",
            code="custody.non_association_self",
            field="other_person_id",
        )
    (low, low_role), (high, high_role) = sorted([(person, role), (other, other_role)], key=lambda side: side[0].pk)
    if NonAssociation.objects.filter(person_a=low, person_b=high, closed_at__isnull=True).exists():
        raise Conflict(
            "These two people already have an open non-association: change that one instead.",
            code="custody.non_association_exists",
            field="other_person_id",
        )
    now = clock.now()
    try:
        with transaction.atomic():
            pair = NonAssociation.objects.create(
                person_a=low,
                person_b=high,
                role_a=low_role,
                role_b=high_role,
                reason=reason,
                restriction_level=restriction_level,
                comment=comment,
                authorised_by=authorised_by,
                created_by_id=actor.user_id,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:  # the same pair created at the same moment by someone else
        raise Conflict(
            "These two people already have an open non-association.",
            code="custody.non_association_exists",
            field="other_person_id",
        )
    record_event(
        actor,
        "custody.non_association_created",
        object_type="non_association",
        object_id=pair.public_id,
        subject_person_id=person.pk,
        changed_fields=["person_a", "person_b", "role_a", "role_b", "reason", "restriction_level", "comment"],
        details={"other_person": str(other.public_id), "restriction_level": restriction_level, "reason": reason},
    )
    return pair


def update_non_association(
    actor: Actor,
    *,
    non_association_id,
    restriction_level: str | None = None,
    reason: str | None = None,
    comment: str | None = None,
    authorised_by: str | None = None,
    roles: dict | None = None,
) -> NonAssociation:
    """Change an open pair's level, reason, comment, authoriser or roles (``roles`` maps a person's
    public id to their role). custody.manage_non_associations, both people in reach. A closed pair
    cannot change (Conflict). Audit: ``custody.non_association_updated`` with the changed fields."""
    actor.require(MANAGE)
    pair = _pair_for_change(actor, non_association_id)
    if pair.closed_at is not None:
        raise Conflict("A closed non-association cannot be changed.", code="custody.non_association_closed")
    changes: dict[str, str] = {}
    if restriction_level is not None:
        changes["restriction_level"] = _choice(
            restriction_level, RestrictionLevel.choices, "restriction_level", "Select where they must be kept apart"
        )
    if reason is not None:
        changes["reason"] = _choice(reason, NonAssociation.Reason.choices, "reason", "Select the reason")
    if comment is not None:
        changes["comment"] = _text(comment, "comment", max_length=4000, required="Enter a comment")
    if authorised_by is not None:
        changes["authorised_by"] = _text(
            authorised_by, "authorised_by", max_length=200, required="Enter who authorised it"
        )
    if roles:
        sides = dict(Person.objects.filter(pk__in=[pair.person_a_id, pair.person_b_id]).values_list("public_id", "pk"))
        for public_id, role in roles.items():
            pk = sides.get(
                parse_public_id(public_id, code="custody.person_not_in_pair", detail="That person is not in this pair.")
            )
            if pk is None:
                raise RuleViolation(
                    "That person is not in this pair.", code="custody.person_not_in_pair", field="roles"
                )
            role = _choice(role, NonAssociation.Role.choices, "roles", "Select a role")
            changes["role_a" if pk == pair.person_a_id else "role_b"] = role
    changed = sorted(name for name, value in changes.items() if getattr(pair, name) != value)
    if not changed:
        return pair
    for name in changed:
        setattr(pair, name, changes[name])
    pair.updated_at = clock.now()
    pair.save(update_fields=[*changed, "updated_at"])
    record_event(
        actor,
        "custody.non_association_updated",
        object_type="non_association",
        object_id=pair.public_id,
        subject_person_id=pair.person_a_id,
        changed_fields=changed,
        details={name: changes[name] for name in changed if name != "comment"},
    )
    return pair


def close_non_association(actor: Actor, *, non_association_id, reason: str) -> NonAssociation:
    """Close an open pair with a reason (required); it is kept, never deleted.
    custody.manage_non_associations, both people in reach. Audit: ``custody.non_association_closed``."""
    actor.require(MANAGE)
    reason = _text(reason, "reason", max_length=500, required="Enter why the non-association is being closed")
    pair = _pair_for_change(actor, non_association_id)
    if pair.closed_at is not None:
        raise Conflict("This non-association is already closed.", code="custody.non_association_closed")
    _close_pair(actor, pair, reason)
    return pair


def _close_pair(actor: Actor, pair: NonAssociation, reason: str) -> None:
    now = clock.now()
    pair.closed_at, pair.closed_by_id, pair.closed_reason, pair.updated_at = now, actor.user_id, reason, now
    pair.save(update_fields=["closed_at", "closed_by", "closed_reason", "updated_at"])
    record_event(
        actor,
        "custody.non_association_closed",
        object_type="non_association",
        object_id=pair.public_id,
        subject_person_id=pair.person_a_id,
        changed_fields=["closed_at", "closed_reason"],
        reason=reason,
    )


# --- groups --------------------------------------------------------------------------------------


def _group_for_change(group_id) -> KeepApartGroup:
    wanted = parse_public_id(group_id, code="custody.group_not_found", detail="Keep-apart group not found.")
    group = KeepApartGroup.objects.select_for_update().filter(public_id=wanted).first()
    if group is None:
        raise NotFound("Keep-apart group not found.", code="custody.group_not_found")
    if group.closed_at is not None:
        raise Conflict("This keep-apart group is closed.", code="custody.group_closed")
    return group


def create_keep_apart_group(
    actor: Actor,
    *,
    name: str,
    kind: str,
    restriction_level: str,
    comment: str,
    authorised_by: str,
    member_ids=(),
) -> KeepApartGroup:
    """A group whose members must all be kept apart from one another (custody.manage_non_associations;
    every member named must be in reach). Audit: ``custody.keep_apart_group_created``; each member
    added is its own ``custody.keep_apart_member_added`` event."""
    actor.require(MANAGE)
    name = _text(name, "name", max_length=200, required="Enter a name for the group")
    kind = _choice(kind, KeepApartGroup.Kind.choices, "kind", "Select the kind of group")
    restriction_level = _choice(
        restriction_level, RestrictionLevel.choices, "restriction_level", "Select where they must be kept apart"
    )
    comment = _text(comment, "comment", max_length=4000, required="Enter a comment explaining the group")
    authorised_by = _text(authorised_by, "authorised_by", max_length=200, required="Enter who authorised it")
    members = [_person(actor, member_id, "member_ids") for member_id in member_ids]
    group = KeepApartGroup.objects.create(
        name=name,
        kind=kind,
        restriction_level=restriction_level,
        comment=comment,
        authorised_by=authorised_by,
        created_by_id=actor.user_id,
        created_at=clock.now(),
    )
    record_event(
        actor,
        "custody.keep_apart_group_created",
        object_type="keep_apart_group",
        object_id=group.public_id,
        changed_fields=["name", "kind", "restriction_level", "comment", "authorised_by"],
        details={"kind": kind, "restriction_level": restriction_level},
    )
    for person in {p.pk: p for p in members}.values():
        _add_member(actor, group, person)
    return group


def _add_member(actor: Actor, group: KeepApartGroup, person: Person) -> KeepApartMember:
    if KeepApartMember.objects.filter(group=group, person=person, removed_at__isnull=True).exists():
        raise Conflict("This person is already in the group.", code="custody.group_member_exists", field="person_id")
    try:
        with transaction.atomic():
            member = KeepApartMember.objects.create(
                group=group, person=person, added_at=clock.now(), added_by_id=actor.user_id
            )
    except IntegrityError:
        raise Conflict("This person is already in the group.", code="custody.group_member_exists", field="person_id")
    record_event(
        actor,
        "custody.keep_apart_member_added",
        object_type="keep_apart_group",
        object_id=group.public_id,
        subject_person_id=person.pk,
        changed_fields=["members"],
    )
    return member


def add_group_member(actor: Actor, *, group_id, person_id) -> KeepApartMember:
    """Add a person in reach to an open group (custody.manage_non_associations).
    Audit: ``custody.keep_apart_member_added``."""
    actor.require(MANAGE)
    group = _group_for_change(group_id)
    return _add_member(actor, group, _person(actor, person_id, "person_id"))


def remove_group_member(actor: Actor, *, group_id, person_id, reason: str = "") -> KeepApartMember:
    """Take a person in reach out of an open group; the membership is dated, not deleted.
    Audit: ``custody.keep_apart_member_removed``."""
    actor.require(MANAGE)
    reason = _text(reason, "reason", max_length=500)
    group = _group_for_change(group_id)
    person = _person(actor, person_id, "person_id")
    member = (
        KeepApartMember.objects.select_for_update().filter(group=group, person=person, removed_at__isnull=True).first()
    )
    if member is None:
        raise NotFound("This person is not in the group.", code="custody.group_member_not_found", field="person_id")
    member.removed_at, member.removed_by_id = clock.now(), actor.user_id
    member.save(update_fields=["removed_at", "removed_by"])
    record_event(
        actor,
        "custody.keep_apart_member_removed",
        object_type="keep_apart_group",
        object_id=group.public_id,
        subject_person_id=person.pk,
        changed_fields=["members"],
        reason=reason,
    )
    return member


def close_keep_apart_group(actor: Actor, *, group_id, reason: str) -> KeepApartGroup:
    """Close a group with a reason (required); members stop binding, nothing is deleted.
    Audit: ``custody.keep_apart_group_closed``."""
    actor.require(MANAGE)
    reason = _text(reason, "reason", max_length=500, required="Enter why the group is being closed")
    group = _group_for_change(group_id)
    group.closed_at, group.closed_by_id, group.closed_reason = clock.now(), actor.user_id, reason
    group.save(update_fields=["closed_at", "closed_by", "closed_reason"])
    record_event(
        actor,
        "custody.keep_apart_group_closed",
        object_type="keep_apart_group",
        object_id=group.public_id,
        changed_fields=["closed_at", "closed_reason"],
        reason=reason,
    )
    return group


# --- person merge --------------------------------------------------------------------------------

MERGED_SELF_PAIR = "Closed on merge: both sides are now the same person."
MERGED_DUPLICATE_PAIR = "Closed on merge: the surviving record already has an open non-association with this person."
MERGED_DUPLICATE_MEMBER = "Removed on merge: the surviving record is already in the group."


def move_keep_aparts_on_merge(actor: Actor, event: Event) -> None:
    """Subscriber of ``people.person_merged`` (payload: survivor_id, duplicate_id, row ids).

    Keep-apart links survive a merge (domain rules): each of the duplicate's pairs moves to the
    survivor, re-ordered so ``person_a`` stays the lower id, roles following their person. A pair
    between the survivor and the duplicate would pair a person with themselves: it is closed and stays
    on the merged record (a self-pair cannot be stored on one person). When the survivor already has
    an open pair with the same person, the stronger level is kept on the survivor's pair and the
    duplicate's is closed, then moved. Group memberships move; a second open membership of the same
    group is removed. The generic merge leaves these rows alone (``MERGE_MOVED_BY_OWNER`` on the
    models) because a plain update would break the ordered-pair check or drop rows. Runs in the
    merge's transaction, as the merging actor; each change is audited.
    """
    survivor_id, duplicate_id = event.payload["survivor_id"], event.payload["duplicate_id"]
    pairs = NonAssociation.objects.select_for_update().filter(Q(person_a_id=duplicate_id) | Q(person_b_id=duplicate_id))
    for pair in pairs.order_by("id"):
        duplicate_is_a = pair.person_a_id == duplicate_id
        other_id = pair.person_b_id if duplicate_is_a else pair.person_a_id
        if other_id == survivor_id:
            if pair.closed_at is None:
                _close_pair(actor, pair, MERGED_SELF_PAIR)
            continue
        if pair.closed_at is None:
            existing = (
                NonAssociation.objects.select_for_update()
                .filter(
                    person_a_id=min(survivor_id, other_id),
                    person_b_id=max(survivor_id, other_id),
                    closed_at__isnull=True,
                )
                .first()
            )
            if existing is not None:
                if _LEVEL_ORDER[pair.restriction_level] > _LEVEL_ORDER[existing.restriction_level]:
                    existing.restriction_level, existing.updated_at = pair.restriction_level, clock.now()
                    existing.save(update_fields=["restriction_level", "updated_at"])
                    record_event(
                        actor,
                        "custody.non_association_updated",
                        object_type="non_association",
                        object_id=existing.public_id,
                        subject_person_id=survivor_id,
                        changed_fields=["restriction_level"],
                        details={"restriction_level": pair.restriction_level, "from_merge": True},
                        reason="Person merge: the merged record's non-association was stronger.",
                    )
                _close_pair(actor, pair, MERGED_DUPLICATE_PAIR)
        duplicate_role = pair.role_a if duplicate_is_a else pair.role_b
        other_role = pair.role_b if duplicate_is_a else pair.role_a
        if survivor_id < other_id:
            fields = {
                "person_a_id": survivor_id,
                "person_b_id": other_id,
                "role_a": duplicate_role,
                "role_b": other_role,
            }
        else:
            fields = {
                "person_a_id": other_id,
                "person_b_id": survivor_id,
                "role_a": other_role,
                "role_b": duplicate_role,
            }
        NonAssociation.objects.filter(pk=pair.pk).update(**fields, updated_at=clock.now())
        record_event(
            actor,
            "custody.non_association_moved",
            object_type="non_association",
            object_id=pair.public_id,
            subject_person_id=survivor_id,
            changed_fields=["person_a", "person_b", "role_a", "role_b"],
            details={"merged_person_id": duplicate_id},
            reason="Person merge",
        )

    memberships = KeepApartMember.objects.select_for_update().filter(person_id=duplicate_id).order_by("id")
    for member in memberships:
        fields = {"person_id": survivor_id}
        if (
            member.removed_at is None
            and KeepApartMember.objects.filter(
                group_id=member.group_id, person_id=survivor_id, removed_at__isnull=True
            ).exists()
        ):
            fields.update(removed_at=clock.now(), removed_by_id=actor.user_id)
        KeepApartMember.objects.filter(pk=member.pk).update(**fields)
        record_event(
            actor,
            "custody.keep_apart_member_moved",
            object_type="keep_apart_group",
            object_id=KeepApartGroup.objects.values_list("public_id", flat=True).get(pk=member.group_id),
            subject_person_id=survivor_id,
            changed_fields=sorted(fields),
            details={"merged_person_id": duplicate_id},
            reason=MERGED_DUPLICATE_MEMBER if "removed_at" in fields else "Person merge",
        )
