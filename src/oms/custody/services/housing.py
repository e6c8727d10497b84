"""Assigning and moving people to beds.

Concurrency (two staff, the last free bed): the destination cell and bed rows are locked with
``select_for_update`` (PostgreSQL; SQLite's IMMEDIATE transactions already queue writers), the
checks run after the lock so they see the other writer's committed assignment, and the partial
unique index ``uniq_open_assignment_per_bed`` is the last word on both databases: its
IntegrityError becomes a Conflict ("That bed has just been taken"), never a 500.
"""

from __future__ import annotations

from django.db import IntegrityError, OperationalError, transaction

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, PermissionDenied, RuleViolation
from oms.custody.models import BedAssignment, CustodyEpisode
from oms.custody.queries.episodes import get_episode
from oms.custody.queries.housing import bed_facts, get_bed, kept_apart_from, person_facts, suggest_beds
from oms.custody.queries.keep_aparts import keep_aparts_for
from oms.custody.rules import housing as rules
from oms.custody.services._common import emit, end_bed_assignment
from oms.facilities.models import Location

__all__ = ["HousingConflict", "assign_bed", "suggest_beds"]


class HousingConflict(Conflict):
    """The bed cannot be used as asked: the conflicts say why and which an authorised override may waive."""

    code = "custody.housing_conflict"

    def __init__(self, conflicts: list[rules.Conflict], detail: str = ""):
        self.conflicts = list(conflicts)
        if not detail:
            hard = [c for c in self.conflicts if not c.overridable]
            lead = (
                "This bed cannot be used."
                if hard
                else "This bed can be used only with an authorised override and a reason."
            )
            detail = " ".join([lead, *(f"{c.check}: {c.explanation}" for c in self.conflicts)])
        super().__init__(detail, field="bed_id")


def _text(value, field: str, *, max_length: int) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise RuleViolation(f"Must be {max_length} characters or less.", code="custody.text_too_long", field=field)
    return value


def assign_bed(actor: Actor, *, episode_id, bed_id, reason: str = "", override_reason: str = "") -> BedAssignment:
    """Put the person of ``episode_id`` in ``bed_id``, or move them there from their current bed.

    Permission custody.house; the episode and the bed must be within the actor's reach (else 404).
    Every check of ``rules.housing`` runs; a hard conflict always refuses (HousingConflict, 409), an
    overridable one refuses unless ``override_reason`` is given by an actor holding
    custody.override_housing (otherwise PermissionDenied). A move ends the old assignment and opens
    the new one in the caller's transaction; the person leaves reception and any temporary location.
    Audit: ``custody.bed_assigned`` (first placement) or ``custody.cell_moved`` (a move, also
    published to the outbox) with the overridden checks and the reason.
    """
    actor.require("custody.house")
    reason = _text(reason, "reason", max_length=200)
    override_reason = _text(override_reason, "override_reason", max_length=500)
    episode = get_episode(actor, episode_id, permission="custody.house", for_update=True)
    if episode.status != CustodyEpisode.Status.ACTIVE:
        raise Conflict("The person is no longer in custody here.", code="custody.episode_not_active")
    bed = get_bed(actor, bed_id)
    # Lock the destination cell, then the bed: everyone placing someone in this cell queues here, so
    # capacity and cell-sharing are checked against what the previous writer committed. Someone with a
    # keep-apart at landing or wing level also locks the bed's landing and wing (and unit) first, so two
    # people who must be kept apart cannot be put on one landing at the same moment; everyone else
    # pays only for the cell. Locks are taken top-down (by depth) so two writers never deadlock.
    to_lock = {bed.parent_id, bed.pk}
    if any(k.restriction_level != "cell" for k in keep_aparts_for([episode.person_id])):
        to_lock |= {int(pk) for pk in bed.path.strip("/").split("/") if pk}
    locked = {
        loc.pk: loc
        for loc in Location.objects.select_for_update().filter(pk__in=[pk for pk in to_lock if pk]).order_by("depth")
    }
    bed = locked.get(bed.pk, bed)

    person = person_facts(episode)
    # Read where the kept-apart people sleep only now, after the locks: a placement committed by a
    # writer who held them is seen.
    conflicts = rules.bed_conflicts(person, bed_facts(bed), kept_apart_from(person.person_id))
    allowed, overridden = rules.decide_override(conflicts, override_reason=override_reason)
    if not allowed:
        raise HousingConflict(conflicts)
    if overridden and not actor.has("custody.override_housing"):
        raise PermissionDenied(
            "Only a supervisor with the 'custody.override_housing' permission may override a housing check.",
            code="auth.permission_denied",
        )

    now = clock.now()
    previous = end_bed_assignment(actor, episode, at=now)
    try:
        with transaction.atomic():
            assignment = BedAssignment.objects.create(
                episode=episode,
                person_id=episode.person_id,
                site_id=episode.site_id,
                bed=bed,
                cell_id=bed.parent_id,
                assigned_at=now,
                assigned_by_id=actor.user_id,
                reason=reason,
                overridden_checks=overridden,
                override_reason=override_reason if overridden else "",
            )
    except IntegrityError:
        raise Conflict(
            "That bed has just been taken by someone else. Choose another bed.",
            code="custody.bed_taken",
            field="bed_id",
        )
    except OperationalError as error:  # SQLite: the other writer held the database past the timeout
        if "locked" not in str(error).lower():
            raise
        raise Conflict(
            "Someone else is changing housing right now. Try again.", code="custody.bed_busy", field="bed_id"
        )

    changed = ["in_reception", "current_location", "version", "updated_at"]
    episode.in_reception = False
    episode.current_location = None
    episode.version += 1
    episode.save(update_fields=changed)

    moved = previous is not None
    details = {
        "bed": bed.key,
        "from_bed": previous.bed.key if moved else None,
        "overridden_checks": overridden,
    }
    record_event(
        actor,
        "custody.cell_moved" if moved else "custody.bed_assigned",
        object_type="bed_assignment",
        object_id=assignment.pk,
        subject_person_id=episode.person_id,
        site_id=episode.site_id,
        changed_fields=["bed", "in_reception"] + (["overridden_checks"] if overridden else []),
        details=details,
        reason=override_reason if overridden else reason,
    )
    if moved:
        emit(
            actor,
            "custody.cell_moved",
            episode,
            from_bed=previous.bed.key,
            to_bed=bed.key,
            overridden_checks=overridden,
        )
    return assignment
