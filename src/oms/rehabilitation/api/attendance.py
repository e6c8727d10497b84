"""Sessions and attendance (a whole session marked in one request), progress notes, completion or
non-completion, qualifications, and the person's rehabilitation progress. Mounted under
/api/v1/rehabilitation.

A bad mark answers 422 naming it (``marks[3].outcome``); a mark changed by someone else since it was
read answers 409.
"""

import datetime as dt

from ninja import Field, Query, Router, Schema, Status

from oms.core import clock
from oms.rehabilitation.models import Attendance, ProgrammeSession, ProgressNote, Qualification
from oms.rehabilitation.queries import attendance as queries
from oms.rehabilitation.queries import progress as progress_queries
from oms.rehabilitation.services import attendance as services
from oms.rehabilitation.services import completion as completion_services
from oms.rehabilitation.services import sessions as session_services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router()

OUTCOMES = "attended, sick, refused, not_required, rest_day, clash, suspended, cancelled"


# --- schemas ---------------------------------------------------------------------------------------


class AttendanceSessionOut(Schema):
    id: str
    programme_id: str
    programme_code: str
    programme_title: str
    on: dt.date
    start: dt.time
    end: dt.time
    status: str
    cancelled_reason: str


class AttendanceSessionDayOut(Schema):
    session: AttendanceSessionOut
    expected: int
    marked: int


class AttendanceMarkOut(Schema):
    allocation_id: str
    person_id: str
    person_name: str
    outcome: str | None
    note: str
    version: int | None
    recorded_by: str | None
    recorded_at: dt.datetime | None


class AttendanceRegisterOut(Schema):
    session: AttendanceSessionOut
    marks: list[AttendanceMarkOut]


class AttendanceMarkIn(StrictIn):
    allocation_id: str = Field(..., min_length=1, max_length=64)
    outcome: str = Field(..., min_length=1, max_length=20, description=OUTCOMES)
    note: str = Field("", max_length=500)
    version: int | None = Field(None, ge=1, description="the version read, for a person already marked")


class AttendanceRecordIn(StrictIn):
    marks: list[AttendanceMarkIn] = Field(..., min_length=1, max_length=500)


class AttendanceRecordOut(Schema):
    session_register: AttendanceRegisterOut
    created: int
    corrected: int
    unchanged: int


class AttendanceCorrectIn(StrictIn):
    outcome: str = Field(..., min_length=1, max_length=20, description=OUTCOMES)
    note: str = Field("", max_length=500)
    version: int = Field(..., ge=1, description="the version read; 409 if it changed since")


class AttendanceGenerateIn(StrictIn):
    programme_id: str = Field(..., min_length=1, max_length=64)
    from_date: dt.date
    to_date: dt.date


class AttendanceCancelIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=500)


class AttendanceDayParams(Schema):
    site: str = Field(..., min_length=1, max_length=64, description="the facility's id")
    on: dt.date | None = Field(None, description="the day; today when left out")


class AttendanceProgressNoteIn(StrictIn):
    text: str = Field(..., min_length=1, max_length=5000)


class AttendanceProgressNoteOut(Schema):
    id: str
    allocation_id: str
    text: str
    written_by: str
    written_at: dt.datetime


class AttendanceQualificationIn(StrictIn):
    title: str = Field("", max_length=200, description="the programme's qualification when left out")
    awarding_body: str = Field("", max_length=200)
    level: str = Field("", max_length=50)
    certificate_number: str = Field("", max_length=100)


class AttendanceCompleteIn(StrictIn):
    ended_on: dt.date | None = None
    version: int | None = Field(None, ge=1, description="the allocation's version read; 409 if it changed")
    detail: str = Field("", max_length=1000)
    qualification: AttendanceQualificationIn | None = None


class AttendanceNotCompletedIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=20, description="an allocation end reason other than completed")
    detail: str = Field("", max_length=1000)
    ended_on: dt.date | None = None
    version: int | None = Field(None, ge=1)


class AttendanceAllocationOut(Schema):
    id: str
    person_id: str
    programme_id: str
    status: str
    starts_on: dt.date
    ended_on: dt.date | None
    end_reason: str
    end_detail: str
    version: int


class AttendanceRecordQualificationIn(StrictIn):
    title: str = Field(..., min_length=1, max_length=200)
    achieved_on: dt.date
    awarding_body: str = Field("", max_length=200)
    level: str = Field("", max_length=50)
    certificate_number: str = Field("", max_length=100)


class AttendanceQualificationOut(Schema):
    id: str
    person_id: str
    title: str
    awarding_body: str
    level: str
    achieved_on: dt.date
    certificate_number: str
    allocation_id: str | None


class AttendanceRateOut(Schema):
    attended: int
    refused: int
    excused: int
    percent: int | None


class AttendanceNeedOut(Schema):
    domain: str
    label: str
    level: str


class AttendancePlanOut(Schema):
    plan_id: str
    status: str
    goals_open: int
    goals_achieved: int
    next_review_on: dt.date | None


class AttendanceProgrammeProgressOut(Schema):
    allocation: AttendanceAllocationOut
    programme_code: str
    programme_title: str
    rate: AttendanceRateOut


class AttendanceProgressOut(Schema):
    person_id: str
    needs: list[AttendanceNeedOut]
    plan: AttendancePlanOut | None
    in_progress: list[AttendanceProgrammeProgressOut]
    done: list[AttendanceProgrammeProgressOut]
    qualifications: list[AttendanceQualificationOut]
    attendance_rate: AttendanceRateOut
    programming_days: int


# --- shaping ---------------------------------------------------------------------------------------


def session_out(session: ProgrammeSession) -> dict:
    return {
        "id": str(session.public_id),
        "programme_id": str(session.programme.public_id),
        "programme_code": session.programme.code,
        "programme_title": session.programme.title,
        "on": session.on,
        "start": session.start,
        "end": session.end,
        "status": session.status,
        "cancelled_reason": session.cancelled_reason,
    }


def register_out(register: queries.Register) -> dict:
    return {
        "session": session_out(register.session),
        "marks": [
            {
                "allocation_id": str(row.allocation.public_id),
                "person_id": str(row.person.public_id),
                "person_name": row.person.full_name,
                "outcome": row.mark.outcome if row.mark else None,
                "note": row.mark.note if row.mark else "",
                "version": row.mark.version if row.mark else None,
                "recorded_by": row.mark.recorded_by.username if row.mark and row.mark.recorded_by else None,
                "recorded_at": row.mark.recorded_at if row.mark else None,
            }
            for row in register.rows
        ],
    }


def allocation_out(allocation) -> dict:
    return {
        "id": str(allocation.public_id),
        "person_id": str(allocation.person.public_id),
        "programme_id": str(allocation.programme.public_id),
        "status": allocation.status,
        "starts_on": allocation.starts_on,
        "ended_on": allocation.ended_on,
        "end_reason": allocation.end_reason,
        "end_detail": allocation.end_detail,
        "version": allocation.version,
    }


def note_out(note: ProgressNote) -> dict:
    return {
        "id": str(note.public_id),
        "allocation_id": str(note.allocation.public_id),
        "text": note.text,
        "written_by": note.written_by.username,
        "written_at": note.written_at,
    }


def qualification_out(q: Qualification) -> dict:
    return {
        "id": str(q.public_id),
        "person_id": str(q.person.public_id),
        "title": q.title,
        "awarding_body": q.awarding_body,
        "level": q.level,
        "achieved_on": q.achieved_on,
        "certificate_number": q.certificate_number,
        "allocation_id": str(q.allocation.public_id) if q.allocation_id else None,
    }


def rate_out(rate: progress_queries.AttendanceRate) -> dict:
    return {"attended": rate.attended, "refused": rate.refused, "excused": rate.excused, "percent": rate.percent}


# --- sessions --------------------------------------------------------------------------------------


@router.get(
    "/sessions",
    response={200: list[AttendanceSessionDayOut], **ERRORS},
    summary="A facility's programme sessions on a day, with people expected and marked",
)
@api("rehabilitation.view")
def list_sessions(request, params: Query[AttendanceDayParams]):
    _, sessions = queries.sessions_on(request.actor, params.site, params.on or clock.today())
    return [{"session": session_out(s.session), "expected": s.expected, "marked": s.marked} for s in sessions]


@router.post(
    "/sessions/generate",
    response={201: list[AttendanceSessionOut], **ERRORS},
    summary="Generate a programme's dated sessions from its weekly timetable (idempotent)",
)
@api("rehabilitation.manage_catalogue")
def generate_sessions(request, payload: AttendanceGenerateIn):
    made = session_services.generate_sessions(request.actor, **payload.model_dump())
    return Status(201, [session_out(s) for s in made])


@router.get(
    "/sessions/{session_id}",
    response={200: AttendanceRegisterOut, **ERRORS},
    summary="A session's register: everyone with a place that day, with their mark",
)
@api("rehabilitation.view")
def get_register(request, session_id: str):
    return register_out(queries.session_register(request.actor, session_id))


@router.post(
    "/sessions/{session_id}/cancel",
    response={200: AttendanceSessionOut, **ERRORS},
    summary="Cancel a session with a reason (everyone's mark becomes cancelled)",
)
@api("rehabilitation.manage_catalogue")
def cancel_session(request, session_id: str, payload: AttendanceCancelIn):
    return session_out(session_services.cancel_session(request.actor, session_id=session_id, reason=payload.reason))


@router.post(
    "/sessions/{session_id}/attendance",
    response={200: AttendanceRecordOut, **ERRORS},
    summary="Record a whole session's marks in one request",
)
@api("rehabilitation.record_attendance")
def record_attendance(request, session_id: str, payload: AttendanceRecordIn):
    recorded = services.record_session_attendance(
        request.actor, session_id=session_id, marks=[m.model_dump() for m in payload.marks]
    )
    register = queries.session_register(request.actor, session_id, session=recorded.session)
    return {
        "session_register": register_out(register),
        "created": len(recorded.created),
        "corrected": len(recorded.corrected),
        "unchanged": recorded.unchanged,
    }


@router.put(
    "/sessions/{session_id}/attendance/{allocation_id}",
    response={200: AttendanceMarkOut, **ERRORS},
    summary="Correct one person's mark (send the version read; 409 if it changed since)",
)
@api("rehabilitation.record_attendance")
def correct_attendance(request, session_id: str, allocation_id: str, payload: AttendanceCorrectIn):
    mark: Attendance = services.correct_attendance(
        request.actor, session_id=session_id, allocation_id=allocation_id, **payload.model_dump()
    )
    person = mark.allocation.person
    return {
        "allocation_id": str(mark.allocation.public_id),
        "person_id": str(person.public_id),
        "person_name": person.full_name,
        "outcome": mark.outcome,
        "note": mark.note,
        "version": mark.version,
        "recorded_by": request.actor.username,
        "recorded_at": mark.recorded_at,
    }


# --- allocations: notes and completion -------------------------------------------------------------


@router.get(
    "/allocations/{allocation_id}/progress-notes",
    response={200: list[AttendanceProgressNoteOut], **ERRORS},
    summary="An allocation's progress notes, newest first",
)
@api("rehabilitation.view")
def list_progress_notes(request, allocation_id: str):
    _, notes = queries.progress_notes(request.actor, allocation_id)
    return [note_out(n) for n in notes]


@router.post(
    "/allocations/{allocation_id}/progress-notes",
    response={201: AttendanceProgressNoteOut, **ERRORS},
    summary="Add a progress note to an allocation",
)
@api("rehabilitation.record_attendance")
def add_progress_note(request, allocation_id: str, payload: AttendanceProgressNoteIn):
    note = services.add_progress_note(request.actor, allocation_id=allocation_id, text=payload.text)
    return Status(201, note_out(note))


@router.post(
    "/allocations/{allocation_id}/complete",
    response={200: AttendanceAllocationOut, **ERRORS},
    summary="End a place as completed, optionally with the qualification earned",
)
@api("rehabilitation.record_attendance")
def complete_allocation(request, allocation_id: str, payload: AttendanceCompleteIn):
    data = payload.model_dump()
    allocation = completion_services.complete_allocation(request.actor, allocation_id=allocation_id, **data)
    return allocation_out(allocation)


@router.post(
    "/allocations/{allocation_id}/not-completed",
    response={200: AttendanceAllocationOut, **ERRORS},
    summary="End a place as not completed, with a reason",
)
@api("rehabilitation.record_attendance")
def end_not_completed(request, allocation_id: str, payload: AttendanceNotCompletedIn):
    allocation = completion_services.end_not_completed(
        request.actor, allocation_id=allocation_id, **payload.model_dump()
    )
    return allocation_out(allocation)


# --- people: qualifications and progress -----------------------------------------------------------


@router.get(
    "/people/{person_id}/qualifications",
    response={200: list[AttendanceQualificationOut], **ERRORS},
    summary="A person's qualifications and certificates, newest first",
)
@api("rehabilitation.view")
def list_qualifications(request, person_id: str):
    _, qualifications = progress_queries.qualifications_of(request.actor, person_id)
    return [qualification_out(q) for q in qualifications]


@router.post(
    "/people/{person_id}/qualifications",
    response={201: AttendanceQualificationOut, **ERRORS},
    summary="Record a qualification the person earned elsewhere",
)
@api("rehabilitation.record_attendance")
def record_qualification(request, person_id: str, payload: AttendanceRecordQualificationIn):
    made = completion_services.record_qualification(request.actor, person_id=person_id, **payload.model_dump())
    return Status(201, qualification_out(made))


@router.get(
    "/people/{person_id}/progress",
    response={200: AttendanceProgressOut, **ERRORS},
    summary="A person's rehabilitation progress: needs, plan, programmes, qualifications, attendance rate",
)
@api("rehabilitation.view")
def person_progress(request, person_id: str):
    progress = progress_queries.person_progress(request.actor, person_id)

    def programme(item):
        allocation = item.allocation
        return {
            "allocation": allocation_out(allocation),
            "programme_code": allocation.programme.code,
            "programme_title": allocation.programme.title,
            "rate": rate_out(item.rate),
        }

    plan = progress.plan
    return {
        "person_id": str(progress.person.public_id),
        "needs": [{"domain": n.domain, "label": n.label, "level": n.level} for n in progress.needs],
        "plan": {
            "plan_id": str(plan.plan.public_id),
            "status": plan.plan.status,
            "goals_open": plan.goals_open,
            "goals_achieved": plan.goals_achieved,
            "next_review_on": plan.next_review_on,
        }
        if plan
        else None,
        "in_progress": [programme(i) for i in progress.in_progress],
        "done": [programme(i) for i in progress.done],
        "qualifications": [qualification_out(q) for q in progress.qualifications],
        "attendance_rate": rate_out(progress.rate),
        "programming_days": progress.programming_days,
    }
