"""Merging a duplicate person record into its survivor."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.core.events import Event, publish
from oms.people import queries
from oms.people.models import (
    Identifier,
    Person,
    PersonName,
)
from oms.people.services._common import (
    _text,
)

# --- merge ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeOutcome:
    survivor: Person
    duplicate: Person
    moved: dict[str, int]  # "<app>.<model>" -> rows moved to the survivor
    dropped: dict[str, int]  # rows dropped because the survivor already held the same thing


def _references_to_person():
    """Every foreign key (or one-to-one) pointing at Person from any installed app, hidden reverse
    relations and many-to-many through tables included, except a record's own ``merged_into``."""
    for relation in Person._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete or relation.many_to_many:
            continue
        if relation.related_model is Person and relation.field.name == "merged_into":
            continue
        yield relation.related_model, relation.field


def _move_rows(model, field, survivor: Person, duplicate: Person) -> tuple[int, int]:
    rows = model._base_manager.filter(**{field.name: duplicate})
    try:
        with transaction.atomic():
            return rows.update(**{field.name: survivor}), 0
    except IntegrityError:
        pass
    # Some rows would break a unique constraint: the survivor already holds the same thing (the
    # same identifier, an open link to the same site). Move row by row and drop those copies.
    moved = dropped = 0
    for pk in list(rows.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                model._base_manager.filter(pk=pk).update(**{field.name: survivor})
                moved += 1
        except IntegrityError:
            try:
                with transaction.atomic():
                    model._base_manager.filter(pk=pk).delete()
                    dropped += 1
            except IntegrityError:
                raise Conflict(
                    f"A {model._meta.verbose_name} of the duplicate cannot be moved or dropped.",
                    code="people.merge_blocked",
                )
    return moved, dropped


def merge_people(actor: Actor, *, survivor_id, duplicate_id, reason: str) -> MergeOutcome:
    """Merge ``duplicate`` into ``survivor`` (people.merge; both in scope and live).

    Every reference to the duplicate, from any app, moves to the survivor; the duplicate's names
    become aliases and its system number an identifier, so old searches still find the person. The
    duplicate keeps its row with status MERGED and ``merged_into`` set. Audited as
    ``people.person_merged`` on both subjects; publishes the core event ``people.person_merged``
    (payload: survivor_id, duplicate_id) so later apps, such as keep-apart links, can react.
    """
    actor.require("people.merge")
    reason = _text(reason, "reason", required=True, max_length=500)
    if queries._parse_public_id(survivor_id) == queries._parse_public_id(duplicate_id):
        raise RuleViolation("Select two different records", code="people.merge_same", field="duplicate")
    survivor = queries.find_person(actor, survivor_id)
    duplicate = queries.find_person(actor, duplicate_id)
    # Lock in id order so two merges of the same pair cannot deadlock.
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=sorted([survivor.pk, duplicate.pk]))}
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if Person.Status.MERGED in (survivor.status, duplicate.status):
        raise Conflict("One of the records has already been merged.", code="people.already_merged")

    PersonName.objects.filter(person=duplicate, kind=PersonName.Kind.PRIMARY).update(kind=PersonName.Kind.ALIAS)
    survivor_names = set(survivor.names.values_list("family_norm", "given_norm", "date_of_birth"))
    repeated = [
        n.pk
        for n in duplicate.names.all()
        if (n.family_norm, n.given_norm, n.date_of_birth) in survivor_names
        or (n.family_norm, n.given_norm, None) in survivor_names
    ]
    PersonName.objects.filter(pk__in=repeated).delete()
    Identifier.objects.get_or_create(
        person=duplicate,
        kind=Identifier.Kind.OTHER,
        value_norm=duplicate.system_number,
        defaults={"value": duplicate.system_number, "issued_by": "OMS system number (merged record)"},
    )

    moved: dict[str, int] = {}
    dropped: dict[str, int] = {}
    for model, field in _references_to_person():
        if getattr(model, "MERGE_MOVED_BY_OWNER", False):
            # Rows with an invariant a plain update would break (an ordered pair) are moved by their
            # own app in its ``people.person_merged`` subscriber, in this transaction.
            continue
        label = model._meta.label_lower
        count_moved, count_dropped = _move_rows(model, field, survivor, duplicate)
        if count_moved:
            moved[label] = moved.get(label, 0) + count_moved
        if count_dropped:
            dropped[label] = dropped.get(label, 0) + count_dropped
    # Records merged into the duplicate earlier now point straight at the survivor.
    Person.objects.filter(merged_into=duplicate).update(merged_into=survivor)

    Person.objects.filter(pk=duplicate.pk).update(
        status=Person.Status.MERGED, merged_into=survivor, version=duplicate.version + 1, updated_at=clock.now()
    )
    Person.objects.filter(pk=survivor.pk).update(version=survivor.version + 1, updated_at=clock.now())
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    details = {
        "survivor": survivor.system_number,
        "duplicate": duplicate.system_number,
        "moved": moved,
        "dropped": dropped,
    }
    record_event(
        actor,
        "people.person_merged",
        object_type="person",
        object_id=survivor.public_id,
        subject_person_id=survivor.pk,
        changed_fields=["names", "identifiers", "references"],
        details={**details, "role": "survivor"},
        reason=reason,
    )
    record_event(
        actor,
        "people.person_merged",
        object_type="person",
        object_id=duplicate.public_id,
        subject_person_id=duplicate.pk,
        changed_fields=["status", "merged_into"],
        details={**details, "role": "duplicate"},
        reason=reason,
    )
    publish(actor, Event("people.person_merged", {"survivor_id": survivor.pk, "duplicate_id": duplicate.pk}))
    return MergeOutcome(survivor=survivor, duplicate=duplicate, moved=moved, dropped=dropped)
