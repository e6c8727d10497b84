"""During a count: officers' figures reconciled against the snapshot, recounts, and naming and
resolving discrepancies."""

from __future__ import annotations

import datetime as dt
import uuid

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.custody.models import CountDiscrepancy, CountEntry, CountSession, CustodyEpisode
from oms.custody.rules import counts as rules
from oms.custody.services.counts._common import (
    MAX_COUNTED,
    PAPER_ENTRY_WINDOW,
    _open_session,
    _refuse_finished,
    _session,
    _text,
)
from oms.people.models import Person


def enter_count(
    actor: Actor, *, session_id, counted: int, on_paper: bool = False, counted_at: dt.datetime | None = None
) -> CountEntry:
    """An officer's number for a unit. With two-officer counting each officer enters once and the
    session is reconciled when both are in; otherwise the first figure decides. A paper count is
    entered afterwards with the time it was actually counted. ``custody.count``; audited
    ``custody.count_entered`` with the outcome."""
    session = _session(actor, session_id, "custody.count")
    if actor.user_id is None:
        raise RuleViolation("A count is entered by a named officer.", code="custody.count_needs_officer")
    if isinstance(counted, bool) or not isinstance(counted, int):
        raise RuleViolation(
            "Enter the number counted as a whole number.", code="custody.count_invalid", field="counted"
        )
    if counted < 0:
        raise RuleViolation("The number counted cannot be negative.", code="custody.count_negative", field="counted")
    if counted > MAX_COUNTED:
        raise RuleViolation(
            f"The number counted must be {MAX_COUNTED:,} or fewer.", code="custody.count_too_large", field="counted"
        )
    _refuse_finished(session)
    now = clock.now()
    if on_paper:
        if counted_at is None:
            raise RuleViolation(
                "Enter the time the paper count was taken.", code="custody.counted_at_required", field="counted_at"
            )
        if counted_at > now:
            raise RuleViolation(
                "The time counted cannot be in the future.", code="custody.counted_at_future", field="counted_at"
            )
        if counted_at < now - PAPER_ENTRY_WINDOW:
            raise RuleViolation(
                "A paper count must be entered within 24 hours of being taken.",
                code="custody.counted_at_too_old",
                field="counted_at",
            )
    elif counted_at is not None:
        raise RuleViolation(
            "Only a paper count has a separate time counted.",
            code="custody.counted_at_only_on_paper",
            field="counted_at",
        )
    entries = list(session.entries.all())
    if any(e.officer_id == actor.user_id for e in entries):
        raise Conflict(
            "You have already entered a number for this unit: a second figure must come from another officer.",
            code="custody.count_entry_duplicate",
            field="counted",
        )
    if session.status != CountSession.Status.OPEN or len(entries) >= rules.officers_needed(session.two_officer):
        raise Conflict(
            "This unit has been counted: order a recount to count it again.", code="custody.count_session_counted"
        )
    entry = CountEntry.objects.create(
        session=session,
        officer_id=actor.user_id,
        counted=counted,
        counted_at=counted_at if on_paper else now,
        entered_at=now,
        on_paper=on_paper,
    )
    result = rules.reconcile(
        session.expected, [e.counted for e in entries] + [counted], two_officer=session.two_officer
    )
    changed = []
    if result.outcome != rules.WAITING:
        session.status = (
            CountSession.Status.MATCHED if result.outcome == rules.MATCHED else CountSession.Status.DISCREPANCY
        )
        changed.append("status")
    if on_paper and not session.on_paper:
        session.on_paper = True
        changed.append("on_paper")
    if changed:
        session.save(update_fields=changed)
    record_event(
        actor,
        "custody.count_entered",
        object_type="count_session",
        object_id=session.public_id,
        site_id=session.count.site_id,
        changed_fields=["entries", *changed],
        details={
            "unit": session.unit.key,
            "counted": counted,
            "outcome": result.outcome,
            "on_paper": on_paper,
            **({"counted_at": counted_at.isoformat()} if on_paper else {}),
        },
    )
    return entry


def order_recount(actor: Actor, *, session_id, reason: str) -> CountSession:
    """Count a unit again: the session is marked superseded and a new one opens with the roll as it
    is now. ``custody.manage_counts``; audited ``custody.count_recount_ordered``."""
    session = _session(actor, session_id, "custody.manage_counts")
    _refuse_finished(session)
    reason = _text(reason, field="reason", code="custody.recount_reason", label="why it is recounted", max_length=200)
    session.status = CountSession.Status.RECOUNT
    session.save(update_fields=["status"])
    recount = _open_session(session.count, session.unit, two_officer=session.two_officer, recount_of=session)
    record_event(
        actor,
        "custody.count_recount_ordered",
        object_type="count_session",
        object_id=recount.public_id,
        site_id=session.count.site_id,
        changed_fields=["status"],
        details={"unit": session.unit.key, "superseded": str(session.public_id)},
        reason=reason,
    )
    return recount


def record_discrepancy(actor: Actor, *, session_id, description: str, person_id=None) -> CountDiscrepancy:
    """Name a difference between the count and the roll (who is missing or extra, and what is known).
    ``custody.count``; audited ``custody.count_discrepancy_recorded``."""
    session = _session(actor, session_id, "custody.count")
    _refuse_finished(session)
    description = _text(
        description, field="description", code="custody.discrepancy_description", label="what is wrong", max_length=500
    )
    person = None
    if person_id not in (None, ""):
        try:
            person_uuid = uuid.UUID(str(person_id))
        except ValueError:
            person_uuid = None
        # Only someone on this site's books can be named, so the list cannot be used to probe others.
        person = (
            Person.objects.filter(
                public_id=person_uuid,
                custody_episodes__site_id=session.count.site_id,
                custody_episodes__status=CustodyEpisode.Status.ACTIVE,
            ).first()
            if person_uuid
            else None
        )
        if person is None:
            raise RuleViolation(
                "Choose a person in custody at this site.", code="custody.discrepancy_person_unknown", field="person_id"
            )
    discrepancy = CountDiscrepancy.objects.create(session=session, person=person, description=description)
    record_event(
        actor,
        "custody.count_discrepancy_recorded",
        object_type="count_discrepancy",
        object_id=discrepancy.pk,
        subject_person_id=person.pk if person else None,
        site_id=session.count.site_id,
        changed_fields=["description", "person"],
        details={"session": str(session.public_id), "unit": session.unit.key},
    )
    return discrepancy


def resolve_discrepancy(actor: Actor, *, session_id, discrepancy_id, resolution: str) -> CountDiscrepancy:
    """Say how a discrepancy was accounted for. ``custody.count``; audited
    ``custody.count_discrepancy_resolved``."""
    session = _session(actor, session_id, "custody.count")
    _refuse_finished(session)
    try:
        pk = int(discrepancy_id)
    except (TypeError, ValueError):
        pk = 0
    discrepancy = session.discrepancies.filter(pk=pk).first() if 0 < pk < 2**62 else None
    if discrepancy is None:
        raise NotFound("Discrepancy not found.", code="custody.discrepancy_not_found")
    if discrepancy.resolved_at is not None:
        raise Conflict("This discrepancy is already resolved.", code="custody.discrepancy_already_resolved")
    discrepancy.resolution = _text(
        resolution,
        field="resolution",
        code="custody.discrepancy_resolution",
        label="how it was resolved",
        max_length=500,
    )
    discrepancy.resolved_at = clock.now()
    discrepancy.resolved_by_id = actor.user_id
    discrepancy.save(update_fields=["resolution", "resolved_at", "resolved_by"])
    record_event(
        actor,
        "custody.count_discrepancy_resolved",
        object_type="count_discrepancy",
        object_id=discrepancy.pk,
        subject_person_id=discrepancy.person_id,
        site_id=session.count.site_id,
        changed_fields=["resolution", "resolved_at", "resolved_by"],
        details={"session": str(session.public_id), "unit": session.unit.key},
    )
    return discrepancy
