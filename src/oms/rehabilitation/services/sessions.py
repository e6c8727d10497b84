"""Dated sessions of a programme: generated from its weekly timetable, cancelled with a reason.

Both need ``rehabilitation.manage_catalogue`` and the programme's facility in scope (else 404).
Audited as ``rehabilitation.sessions_generated`` (one event for the whole range) and
``rehabilitation.session_cancelled``.
"""

from __future__ import annotations

import datetime as dt

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.rehabilitation.models import Attendance, Programme, ProgrammeSession
from oms.rehabilitation.queries.attendance import allocations_live_on, get_programme, get_session
from oms.rehabilitation.services.completion import credit_periods_before, recalculate_when_periods_change

MAX_GENERATE_DAYS = 366


def _time(value: str, field: str) -> dt.time:
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        raise RuleViolation(f"The timetable has a bad time {value!r}", code="rehabilitation.bad_timetable", field=field)


def timetable_slots(programme: Programme) -> dict[int, list[tuple[dt.time, dt.time]]]:
    """The weekly timetable as {weekday: [(start, end), ...]} (Monday 0)."""
    slots: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for n, entry in enumerate(programme.timetable or []):
        try:
            weekday = int(entry["weekday"])
            start, end = _time(entry["start"], f"timetable[{n}]"), _time(entry["end"], f"timetable[{n}]")
        except (KeyError, TypeError, ValueError):
            raise RuleViolation(
                "The programme's timetable has an entry without a weekday, start and end",
                code="rehabilitation.bad_timetable",
                field="timetable",
            )
        if not 0 <= weekday <= 6 or end <= start:
            raise RuleViolation(
                "The programme's timetable has a bad entry", code="rehabilitation.bad_timetable", field="timetable"
            )
        slots.setdefault(weekday, []).append((start, end))
    return slots


def generate_sessions(actor: Actor, *, programme_id, from_date: dt.date, to_date: dt.date) -> list[ProgrammeSession]:
    """Create the dated sessions of the programme's weekly timetable from ``from_date`` to ``to_date``
    (inclusive, at most a year), within the programme's own start and end. Idempotent: a session that
    already exists (same day and start) is kept as it is, cancelled or not. Returns the new sessions."""
    programme = get_programme(actor, programme_id, permission="rehabilitation.manage_catalogue")
    if to_date < from_date:
        raise RuleViolation(
            "The end date must be on or after the start date", code="rehabilitation.bad_range", field="to_date"
        )
    if (to_date - from_date).days >= MAX_GENERATE_DAYS:
        raise RuleViolation(
            f"Generate at most {MAX_GENERATE_DAYS} days at a time",
            code="rehabilitation.range_too_long",
            field="to_date",
        )
    if programme.status != Programme.Status.ACTIVE:
        raise Conflict("The programme is retired.", code="rehabilitation.programme_retired", field="programme_id")
    slots = timetable_slots(programme)
    if not slots:
        raise RuleViolation(
            "The programme has no timetable to generate sessions from",
            code="rehabilitation.no_timetable",
            field="programme_id",
        )
    first = max(from_date, programme.starts_on) if programme.starts_on else from_date
    last = min(to_date, programme.ends_on) if programme.ends_on else to_date
    existing = set(programme.sessions.filter(on__gte=first, on__lte=last).values_list("on", "start"))
    new = []
    # Counted rather than stepped past ``last``: the day after 31 December 9999 does not exist.
    for offset in range((last - first).days + 1):
        day = first + dt.timedelta(days=offset)
        for start, end in slots.get(day.weekday(), []):
            if (day, start) not in existing:
                new.append(
                    ProgrammeSession(programme=programme, on=day, start=start, end=end, location=programme.location)
                )
    # ignore_conflicts: a concurrent generation of the same range makes the same rows; the unique
    # (programme, on, start) keeps one.
    ProgrammeSession.objects.bulk_create(new, ignore_conflicts=True)
    record_event(
        actor,
        "rehabilitation.sessions_generated",
        object_type="programme",
        object_id=programme.public_id,
        site_id=programme.facility_id,
        changed_fields=["sessions"],
        details={"from": from_date.isoformat(), "to": to_date.isoformat(), "created": len(new)},
    )
    if not new:
        return []
    made = {(s.on, s.start) for s in new}
    candidates = programme.sessions.filter(on__in={on for on, _ in made}).order_by("on", "start")
    return [s for s in candidates if (s.on, s.start) in made]


def cancel_session(actor: Actor, *, session_id, reason: str) -> ProgrammeSession:
    """Cancel a session with a reason. Every person expected (live allocations on its date) is marked
    ``cancelled``, replacing a mark already recorded: a cancelled session is excused for everyone and
    its attended days no longer count toward time credits. Audited as
    ``rehabilitation.session_cancelled`` listing the marks replaced."""
    session = get_session(actor, session_id, permission="rehabilitation.manage_catalogue", for_update=True)
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise RuleViolation("Enter why the session is cancelled", code="rehabilitation.required", field="reason")
    if len(reason) > 500:
        raise RuleViolation("Reason must be 500 characters or less", code="rehabilitation.too_long", field="reason")
    if session.status == ProgrammeSession.Status.CANCELLED:
        raise Conflict("The session is already cancelled.", code="rehabilitation.session_cancelled", field="session_id")
    allocations = list(allocations_live_on(session))
    marks = {
        m.allocation_id: m
        for m in Attendance.objects.filter(session=session).select_related("allocation").select_for_update(of=("self",))
    }
    people = {a.person_id for a in allocations} | {m.allocation.person_id for m in marks.values()}
    periods_before = credit_periods_before(session.programme, people)
    now = clock.now()
    replaced = [
        {"allocation_id": str(m.allocation.public_id), "was": m.outcome}
        for m in marks.values()
        if m.outcome != Attendance.Outcome.CANCELLED
    ]
    Attendance.objects.filter(session=session).exclude(outcome=Attendance.Outcome.CANCELLED).update(
        outcome=Attendance.Outcome.CANCELLED, recorded_by_id=actor.user_id, recorded_at=now
    )
    Attendance.objects.bulk_create(
        [
            Attendance(
                session=session,
                allocation=a,
                outcome=Attendance.Outcome.CANCELLED,
                recorded_by_id=actor.user_id,
                recorded_at=now,
            )
            for a in allocations
            if a.pk not in marks
        ]
    )
    session.status = ProgrammeSession.Status.CANCELLED
    session.cancelled_reason = reason
    session.save(update_fields=["status", "cancelled_reason"])
    record_event(
        actor,
        "rehabilitation.session_cancelled",
        object_type="programme_session",
        object_id=session.public_id,
        site_id=session.programme.facility_id,
        changed_fields=["status", "cancelled_reason", "attendance"],
        details={"programme": session.programme.code, "on": session.on.isoformat(), "replaced": replaced},
        reason=reason,
    )
    if periods_before is not None:
        recalculate_when_periods_change(
            actor, periods_before, detail=f"Session {session.programme.code} {session.on} cancelled"
        )
    return session
