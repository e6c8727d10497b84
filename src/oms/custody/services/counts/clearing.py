"""Clearing a count: the supervisor signs off each unit, then the whole count."""

from __future__ import annotations

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound
from oms.core.ids import parse_public_id
from oms.custody.models import Count, CountSession
from oms.custody.queries.counts import late_tolerance
from oms.custody.rules import counts as rules
from oms.custody.services.counts._common import _session, _text


def clear_session(actor: Actor, *, session_id, note: str = "") -> CountSession:
    """The supervisor signs off one unit: a match, or a discrepancy accounted for by name (every
    discrepancy resolved). ``custody.manage_counts``; audited ``custody.count_session_cleared``."""
    session = _session(actor, session_id, "custody.manage_counts")
    note = _text(note, field="note", code="custody.clear_note", label="a note", max_length=500, required=False)
    discrepancies = list(session.discrepancies.values_list("resolved_at", flat=True))
    refusal = rules.clear_refusal(
        session.status,
        discrepancies=len(discrepancies),
        unresolved=sum(1 for resolved in discrepancies if resolved is None),
    )
    if refusal is None and session.count.status == Count.Status.CLEARED:
        refusal = ("custody.count_session_already_cleared", "This count is already cleared.")
    if refusal:
        raise Conflict(refusal[1], code=refusal[0])
    session.status = CountSession.Status.CLEARED
    session.cleared_at = clock.now()
    session.cleared_by_id = actor.user_id
    session.clear_note = note
    session.save(update_fields=["status", "cleared_at", "cleared_by", "clear_note"])
    record_event(
        actor,
        "custody.count_session_cleared",
        object_type="count_session",
        object_id=session.public_id,
        site_id=session.count.site_id,
        changed_fields=["status", "cleared_at", "cleared_by", "clear_note"],
        details={"unit": session.unit.key},
        reason=note,
    )
    return session


def clear_count(actor: Actor, *, count_id, note: str = "") -> Count:
    """The officer in charge clears the whole count once every unit's current session is cleared;
    movements are no longer flagged after this. ``custody.manage_counts``; audited
    ``custody.count_cleared`` (with whether it was late)."""
    actor.require("custody.manage_counts")
    pk = parse_public_id(count_id, code="custody.count_not_found", detail="Count not found.")
    count = Count.objects.select_for_update(of=("self",)).select_related("site").filter(public_id=pk).first()
    if count is None or not actor.can_reach_site(count.site_id, count.site.organisation_id):
        raise NotFound("Count not found.", code="custody.count_not_found")
    note = _text(note, field="note", code="custody.clear_note", label="a note", max_length=500, required=False)
    if count.status == Count.Status.CLEARED:
        raise Conflict("This count is already cleared.", code="custody.count_already_cleared")
    waiting = (
        count.sessions.exclude(status__in=(CountSession.Status.CLEARED, CountSession.Status.RECOUNT))
        .select_related("unit")
        .order_by("unit__key")
    )
    units = [s.unit.key for s in waiting]
    if units:
        raise Conflict(
            f"Clear every unit first; not yet cleared: {', '.join(units)}.", code="custody.count_sessions_uncleared"
        )
    now = clock.now()
    count.status = Count.Status.CLEARED
    count.cleared_at = now
    count.cleared_by_id = actor.user_id
    count.save(update_fields=["status", "cleared_at", "cleared_by"])
    late = rules.timeliness(count.due_at, now, now, late_tolerance()) == rules.LATE
    record_event(
        actor,
        "custody.count_cleared",
        object_type="count",
        object_id=count.public_id,
        site_id=count.site_id,
        changed_fields=["status", "cleared_at", "cleared_by"],
        details={"late": late, "kind": count.kind},
        reason=note,
    )
    return count
