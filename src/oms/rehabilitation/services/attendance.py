"""Attendance: a whole session's marks in one call, corrections of one mark, and progress notes.

``rehabilitation.record_attendance`` and the programme's facility in scope (else 404).

Rules for a mark: the outcome is one of ``Attendance.Outcome``; the allocation is a place on the
session's programme that was live on the session's date; a cancelled session takes only
``cancelled``; a session in the future cannot be marked yet. One mark per person and session
(the database constraint); changing one is a correction with the version read (optimistic locking).

Audit: one ``rehabilitation.attendance_recorded`` event per recorded session, listing its marks (not
one per person), one ``rehabilitation.attendance_corrected`` per correction, and
``rehabilitation.progress_note_added`` per note.
"""

from __future__ import annotations

from dataclasses import dataclass

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.core.ids import parse_public_id
from oms.rehabilitation.models import Allocation, Attendance, ProgrammeSession, ProgressNote
from oms.rehabilitation.queries.attendance import allocations_live_on, get_allocation, get_session
from oms.rehabilitation.services.completion import credit_periods_before, recalculate_when_periods_change

MAX_MARKS = 500  # a session is a class or a workshop; more is a mistake in the request


@dataclass(frozen=True)
class RecordedSession:
    session: ProgrammeSession
    created: list[Attendance]
    corrected: list[Attendance]
    unchanged: int


def _note(value, field: str) -> str:
    note = " ".join(str(value or "").split())
    if len(note) > 500:
        raise RuleViolation("A note must be 500 characters or less", code="rehabilitation.too_long", field=field)
    return note


def _check_outcome(session: ProgrammeSession, outcome, field: str) -> str:
    if outcome not in Attendance.Outcome.values:
        raise RuleViolation("Select an attendance outcome", code="rehabilitation.invalid_outcome", field=field)
    if session.status == ProgrammeSession.Status.CANCELLED and outcome != Attendance.Outcome.CANCELLED:
        raise RuleViolation(
            "The session was cancelled: the only mark it takes is cancelled",
            code="rehabilitation.session_cancelled",
            field=field,
        )
    return outcome


def _check_session_date(session: ProgrammeSession) -> None:
    if session.on > clock.today():
        raise RuleViolation(
            "The session has not happened yet", code="rehabilitation.session_in_future", field="session_id"
        )


def record_session_attendance(actor: Actor, *, session_id, marks: list[dict]) -> RecordedSession:
    """Record the marks of a session in one call: ``marks`` is a list of
    ``{"allocation_id", "outcome", "note"?, "version"?}``. A person not yet marked gets a new mark; a
    person already marked must carry the ``version`` read: the same outcome and note is left as it is,
    a different one is a correction (its own audit event); no or another version is a conflict.
    People left out stay unmarked. All or nothing: any bad mark refuses the whole call, naming it
    (``marks[3].outcome``)."""
    session = get_session(actor, session_id, permission="rehabilitation.record_attendance", for_update=True)
    _check_session_date(session)
    if not isinstance(marks, list) or not marks:
        raise RuleViolation("Mark at least one person", code="rehabilitation.no_marks", field="marks")
    if len(marks) > MAX_MARKS:
        raise RuleViolation(f"At most {MAX_MARKS} marks at a time", code="rehabilitation.too_many_marks", field="marks")
    live = {a.public_id: a for a in allocations_live_on(session)}
    existing = {m.allocation_id: m for m in Attendance.objects.filter(session=session).select_for_update(of=("self",))}
    periods_before = credit_periods_before(session.programme, {a.person_id for a in live.values()})
    now = clock.now()
    seen: set = set()
    created: list[Attendance] = []
    corrections: list[tuple[Attendance, str, str]] = []
    unchanged = 0
    for n, mark in enumerate(marks):
        where = f"marks[{n}]"
        if not isinstance(mark, dict):
            raise RuleViolation("Each mark needs a person and an outcome", code="rehabilitation.bad_mark", field=where)
        try:
            public_id = parse_public_id(mark.get("allocation_id"), code="rehabilitation.allocation_not_found")
        except NotFound:
            public_id = None
        allocation = live.get(public_id)
        if allocation is None:
            raise RuleViolation(
                "This person did not have a place on the programme on the session's date",
                code="rehabilitation.not_allocated",
                field=f"{where}.allocation_id",
            )
        if public_id in seen:
            raise RuleViolation(
                "This person is marked twice", code="rehabilitation.duplicate_mark", field=f"{where}.allocation_id"
            )
        seen.add(public_id)
        outcome = _check_outcome(session, mark.get("outcome"), f"{where}.outcome")
        note = _note(mark.get("note"), f"{where}.note")
        previous = existing.get(allocation.pk)
        if previous is None:
            created.append(
                Attendance(
                    session=session,
                    allocation=allocation,
                    outcome=outcome,
                    note=note,
                    recorded_by_id=actor.user_id,
                    recorded_at=now,
                )
            )
            continue
        if mark.get("version") != previous.version:
            raise Conflict(
                f"{allocation.person.full_name} was marked by someone else since you opened the register. "
                "Reload and try again.",
                code="rehabilitation.version_conflict",
                field=f"{where}.version",
            )
        if (previous.outcome, previous.note) == (outcome, note):
            unchanged += 1
            continue
        previous.allocation = allocation  # already read with its person: no query per correction
        corrections.append((previous, outcome, note))
    Attendance.objects.bulk_create(created)
    if created:
        record_event(
            actor,
            "rehabilitation.attendance_recorded",
            object_type="programme_session",
            object_id=session.public_id,
            site_id=session.programme.facility_id,
            changed_fields=["attendance"],
            details={
                "programme": session.programme.code,
                "on": session.on.isoformat(),
                "marks": [{"allocation_id": str(m.allocation.public_id), "outcome": m.outcome} for m in created],
            },
        )
    corrected = [_correct(actor, session, mark, outcome, note, now) for mark, outcome, note in corrections]
    if periods_before is not None and (created or corrected):
        recalculate_when_periods_change(
            actor, periods_before, detail=f"Attendance at {session.programme.code} on {session.on}"
        )
    return RecordedSession(session, created, corrected, unchanged)


def _correct(actor: Actor, session: ProgrammeSession, mark: Attendance, outcome: str, note: str, now) -> Attendance:
    was = mark.outcome
    mark.outcome, mark.note = outcome, note
    mark.recorded_by_id, mark.recorded_at = actor.user_id, now
    mark.version += 1
    mark.save(update_fields=["outcome", "note", "recorded_by", "recorded_at", "version"])
    record_event(
        actor,
        "rehabilitation.attendance_corrected",
        object_type="programme_session",
        object_id=session.public_id,
        subject_person_id=mark.allocation.person_id,
        site_id=session.programme.facility_id,
        changed_fields=["outcome", "note"],
        details={"allocation_id": str(mark.allocation.public_id), "was": was, "now": outcome},
    )
    return mark


def correct_attendance(
    actor: Actor, *, session_id, allocation_id, outcome: str, version: int, note: str = ""
) -> Attendance:
    """Correct one recorded mark, sending the ``version`` read (409 if it changed since)."""
    session = get_session(actor, session_id, permission="rehabilitation.record_attendance", for_update=True)
    public_id = parse_public_id(allocation_id, code="rehabilitation.allocation_not_found")
    mark = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("allocation", "allocation__person")
        .filter(session=session, allocation__public_id=public_id)
        .first()
    )
    if mark is None:
        raise RuleViolation(
            "This person has no mark for the session to correct",
            code="rehabilitation.no_mark",
            field="allocation_id",
        )
    outcome = _check_outcome(session, outcome, "outcome")
    note = _note(note, "note")
    if version != mark.version:
        raise Conflict(
            "Someone else changed this mark since you opened it. Reload and try again.",
            code="rehabilitation.version_conflict",
            field="version",
        )
    if (mark.outcome, mark.note) == (outcome, note):
        return mark
    periods_before = credit_periods_before(session.programme, [mark.allocation.person_id])
    corrected = _correct(actor, session, mark, outcome, note, clock.now())
    if periods_before is not None:
        recalculate_when_periods_change(
            actor, periods_before, detail=f"Attendance at {session.programme.code} on {session.on} corrected"
        )
    return corrected


def add_progress_note(actor: Actor, *, allocation_id, text: str) -> ProgressNote:
    """A facilitator's note on how the person is getting on in the programme."""
    allocation: Allocation = get_allocation(actor, allocation_id, permission="rehabilitation.record_attendance")
    text = str(text or "").strip()
    if not text:
        raise RuleViolation("Enter the progress note", code="rehabilitation.required", field="text")
    if len(text) > 5000:
        raise RuleViolation("A note must be 5000 characters or less", code="rehabilitation.too_long", field="text")
    note = ProgressNote.objects.create(
        allocation=allocation, text=text, written_by_id=actor.user_id, written_at=clock.now()
    )
    record_event(
        actor,
        "rehabilitation.progress_note_added",
        object_type="allocation",
        object_id=allocation.public_id,
        subject_person_id=allocation.person_id,
        site_id=allocation.programme.facility_id,
        changed_fields=["progress_notes"],
        details={"note_id": str(note.public_id)},
    )
    return note
