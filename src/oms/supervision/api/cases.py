"""Supervision cases: list, read, open, allocate, override the level, close; requirements; appointments
(book, record the outcome); the caller's caseload. Mounted under /api/v1/supervision, keyed by public ids.

Thin: parse, call one service or query, shape the answer. Case-level changes take the case ``version``
read (409 ``supervision.case_version_conflict`` when stale). A case whose person is out of the
caller's scope answers 404 like a missing one; bad input answers 422 naming the field.
"""

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from oms.supervision.models import Appointment, Level, Requirement, SupervisionCase
from oms.supervision.queries import cases as queries
from oms.supervision.rules.breach import allowed_next
from oms.supervision.rules.contact import MAX_REPEAT_WEEKS, REPEATS
from oms.supervision.services import appointments as appointment_services
from oms.supervision.services import cases as services
from oms.supervision.services import requirements as requirement_services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router()

VIEW = "supervision.view"
MANAGE = "supervision.manage_cases"
RECORD = "supervision.record_contacts"
OVERRIDE = "supervision.override_level"

CaseKind = Literal[tuple(SupervisionCase.Kind.values)]
CaseStatus = Literal[tuple(SupervisionCase.Status.values)]
LevelName = Literal[tuple(Level.values)]
RequirementKind = Literal[tuple(Requirement.Kind.values)]
RequirementEnd = Literal["completed", "terminated"]
AppointmentKind = Literal[tuple(Appointment.Kind.values)]
Outcome = Literal[tuple(o for o in Appointment.Outcome.values if o != "not_recorded")]
Repeat = Literal[tuple(REPEATS)]
Version = Field(..., ge=1, le=2_000_000_000, description="the case version you read")
Id = Field(None, max_length=40)


# --- schemas -------------------------------------------------------------------------------------


class SupervisionCaseOpenIn(StrictIn):
    person_id: str = Field(..., max_length=40)
    kind: CaseKind
    starts_on: dt.date
    ends_on: dt.date | None = None
    reference: str = Field("", max_length=60)
    office_id: str | None = Id
    officer_id: str | None = Id
    notes: str = Field("", max_length=5000)


class SupervisionAllocationIn(StrictIn):
    version: int = Version
    office_id: str | None = Id
    officer_id: str | None = Id


class SupervisionLevelOverrideIn(StrictIn):
    version: int = Version
    level: LevelName | None = Field(None, description="null removes the override")
    reason: str = Field(..., min_length=1, max_length=1000)


class SupervisionCaseCloseIn(StrictIn):
    version: int = Version
    reason: str = Field(..., min_length=1, max_length=500)
    closed_on: dt.date | None = None


class SupervisionRequirementIn(StrictIn):
    kind: RequirementKind
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    detail: str = Field("", max_length=1000)
    amount: int | None = Field(None, ge=1, le=1000)


class SupervisionRequirementEndIn(StrictIn):
    status: RequirementEnd
    reason: str = Field("", max_length=500)
    ended_on: dt.date | None = None


class SupervisionAppointmentsIn(StrictIn):
    kind: AppointmentKind
    starts_at: dt.datetime
    repeat: Repeat = "none"
    weeks: int = Field(1, ge=1, le=MAX_REPEAT_WEEKS)
    notes: str = Field("", max_length=2000)


class SupervisionOutcomeIn(StrictIn):
    outcome: Outcome
    notes: str | None = Field(None, max_length=2000)
    reason: str = Field("", max_length=500)


class SupervisionCaseListQuery(Schema):
    person_id: str | None = Field(None, max_length=40)
    status: CaseStatus | None = None


class SupervisionRequirementOut(Schema):
    id: str
    kind: str
    detail: str
    amount: int | None
    starts_on: dt.date
    ends_on: dt.date | None
    status: str
    ended_on: dt.date | None
    ended_reason: str


class SupervisionAppointmentOut(Schema):
    id: str
    kind: str
    starts_at: dt.datetime
    counts_toward_compliance: bool
    outcome: str
    notes: str
    series: str | None
    recorded_by: str | None
    recorded_at: dt.datetime | None


class SupervisionEntryOut(Schema):
    kind: str
    text: str
    recorded_at: dt.datetime
    recorded_by: str | None


class SupervisionComplianceOut(Schema):
    since: dt.date
    attended: int
    acceptable_absences: int
    unacceptable_absences: int
    unacceptable_behaviour: int
    failures: int
    not_recorded: int


class SupervisionBreachStepOut(Schema):
    from_state: str | None
    to_state: str
    on: dt.date
    reason: str
    outcome: str | None
    recorded_at: dt.datetime
    recorded_by: str | None


class SupervisionBreachOut(Schema):
    id: str
    state: str
    reason: str
    initiated_on: dt.date
    resolved_on: dt.date | None
    outcome: str | None
    version: int
    allowed_next: list[str]
    steps: list[SupervisionBreachStepOut]


class SupervisionWarningOut(Schema):
    id: str
    issued_on: dt.date
    reason: str
    appointment_id: str | None
    issued_by: str | None
    in_period: bool


class SupervisionBreachSummaryOut(Schema):
    period_since: dt.date = Field(..., description="the case start, or the day the previous breach was resolved")
    warnings_in_period: int
    open_breach_id: str | None
    advice: str = Field(..., description="none, warning, breach or breach_open")
    advice_text: str


class SupervisionViolationOut(Schema):
    id: str
    source: str
    severity: str
    occurred_on: dt.date
    description: str
    appointment_id: str | None
    level: str = Field(..., description="the supervision level the matrix is read at")
    allowed_responses: list[str]
    awaiting_response: bool
    response: str | None
    response_reason: str
    override_reason: str
    responded_by: str | None
    responded_at: dt.datetime | None
    recorded_by: str | None


class SupervisionDrugTestOut(Schema):
    id: str
    case_id: str
    reason: str
    due_on: dt.date
    result: str
    substances: list[str]
    notes: str
    violation_id: str | None
    recorded_by: str | None
    recorded_at: dt.datetime | None


class SupervisionLevelOut(Schema):
    level: str
    source: str = Field(..., description="override, tier, risk or unassessed")
    tier: str
    risk_band: str
    override: str | None
    override_reason: str
    overridden_by: str | None
    overridden_at: dt.datetime | None
    contact_every_days: int
    contact_standard_source: str


class SupervisionCaseSummaryOut(Schema):
    id: str
    person_id: str
    person_name: str
    kind: str
    reference: str
    starts_on: dt.date
    ends_on: dt.date | None
    status: str
    office_id: str | None
    officer_id: str | None
    officer: str | None
    level: str
    last_attended_on: dt.date | None
    next_contact_due_on: dt.date
    days_overdue: int
    version: int
    open_breach_state: str | None = Field(None, description="caseload only: the state of an open breach")
    violations_awaiting: int = Field(0, description="caseload only: violations awaiting a response")
    tests_due: int = Field(0, description="caseload only: drug tests due today or earlier without a result")
    open_alerts: list[str] = Field(
        default_factory=list, description="caseload only: kinds of the person's open electronic monitoring alerts"
    )
    ends_in_days: int | None = Field(
        None, description="caseload only: days until the order or licence ends (negative: past its end)"
    )
    expiring: bool = Field(False, description="caseload only: the order or licence ends within 28 days")


class SupervisionCaseOut(SupervisionCaseSummaryOut):
    closed_on: dt.date | None
    closed_reason: str
    notes: str
    level_detail: SupervisionLevelOut
    requirements: list[SupervisionRequirementOut]
    appointments: list[SupervisionAppointmentOut]
    entries: list[SupervisionEntryOut]
    compliance: SupervisionComplianceOut
    breach_summary: SupervisionBreachSummaryOut
    warnings: list[SupervisionWarningOut]
    breaches: list[SupervisionBreachOut]
    violations: list[SupervisionViolationOut]
    drug_tests: list[SupervisionDrugTestOut]


# --- shaping -------------------------------------------------------------------------------------


def _user(user) -> str | None:
    return user.get_username() if user is not None else None


def _summary(status: queries.CaseStatus) -> dict:
    case = status.case
    person = case.person
    return {
        "id": str(case.public_id),
        "person_id": str(person.public_id),
        "person_name": f"{person.family_name.upper()}, {person.given_name}",
        "kind": case.kind,
        "reference": case.reference,
        "starts_on": case.starts_on,
        "ends_on": case.ends_on,
        "status": case.status,
        "office_id": str(case.office.public_id) if case.office_id else None,
        "officer_id": str(case.officer.public_id) if case.officer_id else None,
        "officer": _user(case.officer) if case.officer_id else None,
        "level": status.level,
        "last_attended_on": status.last_attended_on,
        "next_contact_due_on": status.next_due_on,
        "days_overdue": status.urgency.days if status.urgency.rank == 0 else 0,
        "version": case.version,
        "open_breach_state": status.open_breach_state or None,
        "violations_awaiting": status.violations_awaiting,
        "tests_due": status.tests_due,
        **_monitoring_and_expiry(status),
    }


def _monitoring_and_expiry(status: queries.CaseStatus) -> dict:
    return {"open_alerts": list(status.open_alerts), "ends_in_days": status.ends_in_days, "expiring": status.expiring}


def _breach(b) -> dict:
    return {
        "id": str(b.public_id),
        "state": b.state,
        "reason": b.reason,
        "initiated_on": b.initiated_on,
        "resolved_on": b.resolved_on,
        "outcome": b.outcome or None,
        "version": b.version,
        "allowed_next": sorted(allowed_next(b.state)),
        "steps": [
            {
                "from_state": s.from_state or None,
                "to_state": s.to_state,
                "on": s.on,
                "reason": s.reason,
                "outcome": s.outcome or None,
                "recorded_at": s.recorded_at,
                "recorded_by": _user(s.recorded_by) if s.recorded_by_id else None,
            }
            for s in b.steps.all()
        ],
    }


def _violation(view) -> dict:
    v = view.violation
    return {
        "id": str(v.public_id),
        "source": v.source,
        "severity": v.severity,
        "occurred_on": v.occurred_on,
        "description": v.description,
        "appointment_id": str(v.appointment.public_id) if v.appointment_id else None,
        "level": v.level_at_record,
        "allowed_responses": list(view.allowed),
        "awaiting_response": v.awaiting_response,
        "response": v.response or None,
        "response_reason": v.response_reason,
        "override_reason": v.override_reason,
        "responded_by": _user(v.responded_by) if v.responded_by_id else None,
        "responded_at": v.responded_at,
        "recorded_by": _user(v.recorded_by) if v.recorded_by_id else None,
    }


def drug_test_out(t) -> dict:
    return {
        "id": str(t.public_id),
        "case_id": str(t.case.public_id),
        "reason": t.reason,
        "due_on": t.due_on,
        "result": t.result,
        "substances": list(t.substances or []),
        "notes": t.notes,
        "violation_id": str(t.violation.public_id) if t.violation_id else None,
        "recorded_by": _user(t.recorded_by) if t.recorded_by_id else None,
        "recorded_at": t.recorded_at,
    }


def case_out(detail: queries.CaseDetail) -> dict:
    case, status, compliance, summary = detail.case, detail.status, detail.compliance, detail.breach
    return {
        "breach_summary": {
            "period_since": summary.since,
            "warnings_in_period": summary.warnings,
            "open_breach_id": str(summary.open_breach.public_id) if summary.open_breach else None,
            "advice": summary.advice.action,
            "advice_text": summary.advice.text,
        },
        "warnings": [
            {
                "id": str(w.public_id),
                "issued_on": w.issued_on,
                "reason": w.reason,
                "appointment_id": str(w.appointment.public_id) if w.appointment_id else None,
                "issued_by": _user(w.issued_by) if w.issued_by_id else None,
                "in_period": w.issued_on >= summary.since,
            }
            for w in summary.all_warnings
        ],
        "breaches": [_breach(b) for b in summary.breaches],
        "violations": [_violation(v) for v in detail.violations],
        "drug_tests": [drug_test_out(t) for t in detail.drug_tests],
        **_summary(status),
        "closed_on": case.closed_on,
        "closed_reason": case.closed_reason,
        "notes": case.notes,
        "level_detail": {
            "level": status.level,
            "source": status.level_source,
            "tier": status.assessed.tier,
            "risk_band": status.assessed.risk_band,
            "override": case.level_override or None,
            "override_reason": case.level_override_reason,
            "overridden_by": _user(case.level_overridden_by) if case.level_overridden_by_id else None,
            "overridden_at": case.level_overridden_at,
            "contact_every_days": status.standard.every_days,
            "contact_standard_source": status.standard.source,
        },
        "requirements": [
            {
                "id": str(r.public_id),
                "kind": r.kind,
                "detail": r.detail,
                "amount": r.amount,
                "starts_on": r.starts_on,
                "ends_on": r.ends_on,
                "status": r.status,
                "ended_on": r.ended_on,
                "ended_reason": r.ended_reason,
            }
            for r in detail.requirements
        ],
        "appointments": [
            {
                "id": str(a.public_id),
                "kind": a.kind,
                "starts_at": a.starts_at,
                "counts_toward_compliance": a.counts_toward_compliance,
                "outcome": a.outcome,
                "notes": a.notes,
                "series": str(a.series) if a.series else None,
                "recorded_by": _user(a.recorded_by) if a.recorded_by_id else None,
                "recorded_at": a.recorded_at,
            }
            for a in detail.appointments
        ],
        "entries": [
            {
                "kind": e.kind,
                "text": e.text,
                "recorded_at": e.recorded_at,
                "recorded_by": _user(e.recorded_by) if e.recorded_by_id else None,
            }
            for e in detail.entries
        ],
        "compliance": {
            "since": compliance.since,
            "attended": compliance.attended,
            "acceptable_absences": compliance.acceptable_absences,
            "unacceptable_absences": compliance.unacceptable_absences,
            "unacceptable_behaviour": compliance.unacceptable_behaviour,
            "failures": compliance.failures,
            "not_recorded": compliance.not_recorded,
        },
    }


def _fresh(case: SupervisionCase) -> dict:
    return case_out(queries.detail_of(case))


# --- routes (fixed paths before /cases/{case_id}) ------------------------------------------------


@router.get(
    "/caseload",
    response={200: list[SupervisionCaseSummaryOut], **ERRORS},
    summary="Your open cases by urgency: needing action today, then to follow soon, then the rest",
)
@api(VIEW)
def caseload(request):
    return [_summary(s) for s in queries.caseload(request.actor)]


@router.get("/cases", response={200: list[SupervisionCaseSummaryOut], **ERRORS}, summary="Cases you can reach")
@api(VIEW)
def list_cases(request, filters: Query[SupervisionCaseListQuery]):
    found = queries.list_cases(request.actor, person_id=filters.person_id, status=filters.status)
    return [_summary(s) for s in found]


@router.post("/cases", response={201: SupervisionCaseOut, **ERRORS}, summary="Open a supervision case")
@api(MANAGE)
def open_case(request, payload: SupervisionCaseOpenIn):
    return Status(201, _fresh(services.open_case(request.actor, **payload.model_dump())))


@router.get("/cases/{case_id}", response={200: SupervisionCaseOut, **ERRORS}, summary="A supervision case")
@api(VIEW)
def get_case(request, case_id: str):
    return case_out(queries.get_case(request.actor, case_id))


@router.post(
    "/cases/{case_id}/allocation",
    response={200: SupervisionCaseOut, **ERRORS},
    summary="Set the supervising office and officer",
)
@api(MANAGE)
def allocate_case(request, case_id: str, payload: SupervisionAllocationIn):
    return _fresh(services.allocate_case(request.actor, case_id=case_id, **payload.model_dump()))


@router.post(
    "/cases/{case_id}/level-override",
    response={200: SupervisionCaseOut, **ERRORS},
    summary="Override the assessed supervision level (null level removes the override)",
)
@api(OVERRIDE)
def override_level(request, case_id: str, payload: SupervisionLevelOverrideIn):
    return _fresh(services.override_level(request.actor, case_id=case_id, **payload.model_dump()))


@router.post("/cases/{case_id}/close", response={200: SupervisionCaseOut, **ERRORS}, summary="Close a case")
@api(MANAGE)
def close_case(request, case_id: str, payload: SupervisionCaseCloseIn):
    return _fresh(services.close_case(request.actor, case_id=case_id, **payload.model_dump()))


@router.post(
    "/cases/{case_id}/requirements",
    response={201: SupervisionCaseOut, **ERRORS},
    summary="Add a requirement or licence condition",
)
@api(MANAGE)
def add_requirement(request, case_id: str, payload: SupervisionRequirementIn):
    requirement = requirement_services.add_requirement(request.actor, case_id=case_id, **payload.model_dump())
    return Status(201, _fresh(requirement.case))


@router.post(
    "/requirements/{requirement_id}/end",
    response={200: SupervisionCaseOut, **ERRORS},
    summary="End a requirement as completed or terminated",
)
@api(MANAGE)
def end_requirement(request, requirement_id: str, payload: SupervisionRequirementEndIn):
    requirement = requirement_services.end_requirement(
        request.actor, requirement_id=requirement_id, **payload.model_dump()
    )
    return _fresh(requirement.case)


@router.post(
    "/cases/{case_id}/appointments",
    response={201: SupervisionCaseOut, **ERRORS},
    summary="Book an appointment or a weekly or fortnightly series",
)
@api(RECORD)
def book_appointments(request, case_id: str, payload: SupervisionAppointmentsIn):
    booked = appointment_services.book_appointments(request.actor, case_id=case_id, **payload.model_dump())
    return Status(201, _fresh(booked[0].case))


@router.post(
    "/appointments/{appointment_id}/outcome",
    response={200: SupervisionCaseOut, **ERRORS},
    summary="Record (or correct, with a reason) what happened at an appointment",
)
@api(RECORD)
def record_outcome(request, appointment_id: str, payload: SupervisionOutcomeIn):
    appointment = appointment_services.record_outcome(
        request.actor, appointment_id=appointment_id, **payload.model_dump()
    )
    return _fresh(appointment.case)
