"""Diversion programmes and participations under /api/v1/diversion, keyed by public ids.

Thin: parse, call one service or query, shape the answer. State changes take the participation
``version`` read (409 ``diversion.version_conflict`` when stale). A record whose programme site is out of
the caller's scope answers 404 like a missing one; bad input answers 422 naming the field. Money is
integer minor units.
"""

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from oms.diversion.models import ClassAttendance, LedgerEntry, Participation, Referral, Requirement
from oms.diversion.queries import participations as queries
from oms.diversion.services import participations as services
from oms.diversion.services import programmes as programme_services
from oms.diversion.services import progress as progress_services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router()

VIEW = "diversion.view"
REFER = "diversion.refer"
MANAGE = "diversion.manage"
RECORD = "diversion.record_progress"
VERIFY = "diversion.verify_hours"
MANAGE_PROGRAMMES = "diversion.manage_programmes"

ReferrerKind = Literal[tuple(Referral.ReferrerKind.values)]
State = Literal[tuple(Participation.State.values)]
RequirementKind = Literal[tuple(Requirement.Kind.values)]
LedgerKind = Literal[tuple(LedgerEntry.Kind.values)]
Outcome = Literal[tuple(ClassAttendance.Outcome.values)]
TestResult = Literal["", "negative", "positive"]
Version = Field(..., ge=1, le=2_000_000_000, description="the participation version you read")
Id = Field(..., max_length=40)


# --- schemas -------------------------------------------------------------------------------------


class DiversionEligibilityIn(StrictIn):
    min_age: int | None = Field(None, ge=10, le=120)
    max_age: int | None = Field(None, ge=10, le=120)
    max_prior_convictions: int | None = Field(None, ge=0, le=100)
    excluded_offence_categories: list[str] | None = Field(None, max_length=50)
    allow_pending_charges: bool | None = None
    referrer_kinds: list[ReferrerKind] | None = Field(None, min_length=1, max_length=2)


class DiversionProgrammeIn(StrictIn):
    site_id: str = Id
    name: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    eligibility: DiversionEligibilityIn = Field(default_factory=DiversionEligibilityIn)
    full_fee_minor: int = Field(0, ge=0, le=10_000_000)


class DiversionProgrammeChangeIn(StrictIn):
    description: str | None = Field(None, max_length=5000)
    eligibility: DiversionEligibilityIn | None = None
    full_fee_minor: int | None = Field(None, ge=0, le=10_000_000)
    active: bool | None = None


class DiversionReferralIn(StrictIn):
    person_id: str = Id
    programme_id: str = Id
    referrer_kind: ReferrerKind
    referrer_name: str = Field(..., min_length=1, max_length=200)
    referrer_reference: str = Field("", max_length=60)
    offence_summary: str = Field(..., min_length=1, max_length=2000)
    offence_category: str = Field("", max_length=40)
    referred_on: dt.date | None = None


class DiversionAssessmentIn(StrictIn):
    version: int = Version
    prior_convictions: int | None = Field(None, ge=0, le=1000)
    pending_charges: bool | None = None
    offence_category: str | None = Field(None, max_length=40)


class DiversionRequirementIn(StrictIn):
    kind: RequirementKind
    target: int | None = Field(None, ge=1, le=10_000_000_000, description="hours, minor units or sessions")
    due_on: dt.date
    detail: str = Field("", max_length=1000)
    instalment_minor: int | None = Field(None, ge=1, le=10_000_000_000)
    instalment_every_days: int | None = Field(None, ge=1, le=366)
    first_instalment_on: dt.date | None = None


class DiversionAgreementIn(StrictIn):
    version: int = Version
    requirements: list[DiversionRequirementIn] = Field(..., min_length=1, max_length=30)
    signed_on: dt.date | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    household_income_minor: int = Field(..., ge=0, le=10**12, description="a year's household income")
    household_size: int = Field(..., ge=1, le=30)
    means_tested_benefit: bool = False


class DiversionVersionIn(StrictIn):
    version: int = Version


class DiversionCompleteIn(StrictIn):
    version: int = Version
    reason: str = Field("", max_length=1000)


class DiversionTerminateIn(StrictIn):
    version: int = Version
    reason: str = Field(..., min_length=1, max_length=1000)


class DiversionHoursIn(StrictIn):
    worked_on: dt.date
    minutes: int = Field(..., ge=1, le=1440)
    description: str = Field("", max_length=500)
    place: str = Field("", max_length=200)
    supervisor_name: str = Field("", max_length=200)


class DiversionLedgerIn(StrictIn):
    kind: LedgerKind
    amount_minor: int = Field(..., ge=1, le=10_000_000_000)
    on: dt.date | None = None
    requirement_id: str | None = Field(None, max_length=40, description="restitution; empty for the programme fee")
    note: str = Field("", max_length=500)


class DiversionAttendanceIn(StrictIn):
    on: dt.date
    outcome: Outcome
    test_result: TestResult = ""
    note: str = Field("", max_length=500)


class DiversionNewArrestIn(StrictIn):
    arrested_on: dt.date
    note: str = Field(..., min_length=1, max_length=1000)


class DiversionListQuery(Schema):
    programme_id: str | None = Field(None, max_length=40)
    person_id: str | None = Field(None, max_length=40)
    state: State | None = None


class DiversionProgrammeOut(Schema):
    id: str
    site_id: str
    site_name: str
    name: str
    description: str
    eligibility: dict
    full_fee_minor: int
    active: bool


class DiversionParticipationSummaryOut(Schema):
    id: str
    person_id: str
    person_name: str
    programme_id: str
    programme_name: str
    state: str
    referrer_kind: str
    referrer_name: str
    referred_on: dt.date
    version: int


class DiversionCriterionOut(Schema):
    criterion: str
    outcome: str
    explanation: str


class DiversionHoursOut(Schema):
    id: str
    worked_on: dt.date
    minutes: int
    description: str
    place: str
    supervisor_name: str
    logged_by: str | None
    verified_by: str | None
    verified_at: dt.datetime | None


class DiversionAttendanceOut(Schema):
    id: str
    on: dt.date
    outcome: str
    test_result: str
    note: str


class DiversionLedgerOut(Schema):
    id: str
    kind: str
    amount_minor: int
    on: dt.date
    requirement_id: str | None
    note: str


class DiversionRequirementOut(Schema):
    id: str
    kind: str
    label: str
    detail: str
    target: int | None
    done: int
    pending: int
    due_on: dt.date
    status: str
    next_due_on: dt.date | None
    explanation: str
    instalment_minor: int | None
    instalment_every_days: int | None
    first_instalment_on: dt.date | None
    balance_minor: int | None
    breached_on: dt.date | None
    hours: list[DiversionHoursOut]
    attendances: list[DiversionAttendanceOut]


class DiversionProgressOut(Schema):
    percent_complete: int
    all_met: bool
    worst: str
    counts: dict[str, int]
    unmet: list[str]


class DiversionParticipationOut(DiversionParticipationSummaryOut):
    referrer_reference: str
    offence_summary: str
    offence_category: str
    eligibility_facts: dict
    eligibility_results: list[DiversionCriterionOut]
    agreement_signed_on: dt.date | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    fee_band: str
    fee_minor: int
    fee_waived: bool
    fee_balance_minor: int
    outcome_on: dt.date | None
    outcome_reason: str
    requirements: list[DiversionRequirementOut]
    ledger: list[DiversionLedgerOut]
    progress: DiversionProgressOut


# --- shaping -------------------------------------------------------------------------------------


def _user(user) -> str | None:
    return user.get_username() if user is not None else None


def programme_out(p) -> dict:
    return {
        "id": str(p.public_id),
        "site_id": str(p.site.public_id),
        "site_name": p.site.name,
        "name": p.name,
        "description": p.description,
        "eligibility": p.eligibility,
        "full_fee_minor": p.full_fee_minor,
        "active": p.active,
    }


def summary_out(p: Participation) -> dict:
    return {
        "id": str(p.public_id),
        "person_id": str(p.person.public_id),
        "person_name": f"{p.person.family_name.upper()}, {p.person.given_name}",
        "programme_id": str(p.programme.public_id),
        "programme_name": p.programme.name,
        "state": p.state,
        "referrer_kind": p.referral.referrer_kind,
        "referrer_name": p.referral.referrer_name,
        "referred_on": p.referral.referred_on,
        "version": p.version,
    }


def detail_out(detail: queries.ParticipationDetail) -> dict:
    p = detail.participation
    return {
        **summary_out(p),
        "referrer_reference": p.referral.referrer_reference,
        "offence_summary": p.referral.offence_summary,
        "offence_category": p.referral.offence_category,
        "eligibility_facts": p.eligibility_facts,
        "eligibility_results": p.eligibility_results,
        "agreement_signed_on": p.agreement_signed_on,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "fee_band": p.fee_band,
        "fee_minor": p.fee_minor,
        "fee_waived": p.fee_waived,
        "fee_balance_minor": detail.fee_balance_minor,
        "outcome_on": p.outcome_on,
        "outcome_reason": p.outcome_reason,
        "requirements": [
            {
                "id": str(i.requirement.public_id),
                "kind": i.requirement.kind,
                "label": i.label,
                "detail": i.requirement.detail,
                "target": i.requirement.target,
                "done": i.facts.done,
                "pending": i.facts.pending,
                "due_on": i.requirement.due_on,
                "status": i.status.status,
                "next_due_on": i.status.next_due_on,
                "explanation": i.status.explanation,
                "instalment_minor": i.requirement.instalment_minor,
                "instalment_every_days": i.requirement.instalment_every_days,
                "first_instalment_on": i.requirement.first_instalment_on,
                "balance_minor": i.balance_minor,
                "breached_on": i.requirement.breached_on,
                "hours": [
                    {
                        "id": str(e.public_id),
                        "worked_on": e.worked_on,
                        "minutes": e.minutes,
                        "description": e.description,
                        "place": e.place,
                        "supervisor_name": e.supervisor_name,
                        "logged_by": _user(e.logged_by),
                        "verified_by": _user(e.verified_by),
                        "verified_at": e.verified_at,
                    }
                    for e in i.hours_entries
                ],
                "attendances": [
                    {
                        "id": str(a.public_id),
                        "on": a.on,
                        "outcome": a.outcome,
                        "test_result": a.test_result,
                        "note": a.note,
                    }
                    for a in i.attendances
                ],
            }
            for i in detail.requirements
        ],
        "ledger": [
            {
                "id": str(e.public_id),
                "kind": e.kind,
                "amount_minor": e.amount_minor,
                "on": e.on,
                "requirement_id": str(e.requirement.public_id) if e.requirement_id else None,
                "note": e.note,
            }
            for e in detail.ledger
        ],
        "progress": {
            "percent_complete": detail.summary.percent_complete,
            "all_met": detail.summary.all_met,
            "worst": detail.summary.worst,
            "counts": detail.summary.counts,
            "unmet": list(detail.summary.unmet),
        },
    }


def _fresh(participation: Participation) -> dict:
    return detail_out(queries.detail_of(participation))


# --- programmes ----------------------------------------------------------------------------------


@router.get("/programmes", response={200: list[DiversionProgrammeOut], **ERRORS}, summary="Programmes you can reach")
@api(VIEW)
def list_programmes(request):
    return [programme_out(p) for p in queries.list_programmes(request.actor)]


@router.post("/programmes", response={201: DiversionProgrammeOut, **ERRORS}, summary="Set up a programme")
@api(MANAGE_PROGRAMMES)
def create_programme(request, payload: DiversionProgrammeIn):
    values = payload.model_dump()
    values["eligibility"] = {k: v for k, v in values["eligibility"].items() if v is not None}
    return Status(201, programme_out(programme_services.create_programme(request.actor, **values)))


@router.get("/programmes/{programme_id}", response={200: DiversionProgrammeOut, **ERRORS}, summary="A programme")
@api(VIEW)
def get_programme(request, programme_id: str):
    return programme_out(queries.find_programme(request.actor, programme_id))


@router.post(
    "/programmes/{programme_id}", response={200: DiversionProgrammeOut, **ERRORS}, summary="Change a programme"
)
@api(MANAGE_PROGRAMMES)
def change_programme(request, programme_id: str, payload: DiversionProgrammeChangeIn):
    values = payload.model_dump()
    if values["eligibility"] is not None:
        values["eligibility"] = {k: v for k, v in values["eligibility"].items() if v is not None}
    return programme_out(programme_services.change_programme(request.actor, programme_id=programme_id, **values))


# --- participations ------------------------------------------------------------------------------


@router.get(
    "/participations", response={200: list[DiversionParticipationSummaryOut], **ERRORS}, summary="Participations"
)
@api(VIEW)
def list_participations(request, filters: Query[DiversionListQuery]):
    found = queries.list_participations(
        request.actor, programme_id=filters.programme_id, person_id=filters.person_id, state=filters.state
    )
    return [summary_out(p) for p in found]


@router.post(
    "/referrals",
    response={201: DiversionParticipationOut, **ERRORS},
    summary="Record a referral from police or a prosecutor (opens the participation)",
)
@api(REFER)
def refer(request, payload: DiversionReferralIn):
    return Status(201, _fresh(services.refer(request.actor, **payload.model_dump())))


@router.get(
    "/participations/{participation_id}",
    response={200: DiversionParticipationOut, **ERRORS},
    summary="A participant's record, requirements, progress and ledger (the compliance report as data)",
)
@api(VIEW)
def get_participation(request, participation_id: str):
    return detail_out(queries.get_participation(request.actor, participation_id))


@router.post(
    "/participations/{participation_id}/assessment",
    response={200: DiversionParticipationOut, **ERRORS},
    summary="Assess eligibility against the programme's criteria",
)
@api(MANAGE)
def assess(request, participation_id: str, payload: DiversionAssessmentIn):
    return _fresh(services.assess_eligibility(request.actor, participation_id=participation_id, **payload.model_dump()))


@router.post(
    "/participations/{participation_id}/agreement",
    response={200: DiversionParticipationOut, **ERRORS},
    summary="Record the signed agreement: requirements with due dates and the sliding-scale fee",
)
@api(MANAGE)
def sign_agreement(request, participation_id: str, payload: DiversionAgreementIn):
    return _fresh(services.sign_agreement(request.actor, participation_id=participation_id, **payload.model_dump()))


@router.post(
    "/participations/{participation_id}/start", response={200: DiversionParticipationOut, **ERRORS}, summary="Start"
)
@api(MANAGE)
def start(request, participation_id: str, payload: DiversionVersionIn):
    return _fresh(services.start(request.actor, participation_id=participation_id, **payload.model_dump()))


@router.post(
    "/participations/{participation_id}/complete",
    response={200: DiversionParticipationOut, **ERRORS},
    summary="Complete (dismissal recommended); refused naming any unmet requirement",
)
@api(MANAGE)
def complete(request, participation_id: str, payload: DiversionCompleteIn):
    return _fresh(services.complete(request.actor, participation_id=participation_id, **payload.model_dump()))


@router.post(
    "/participations/{participation_id}/terminate",
    response={200: DiversionParticipationOut, **ERRORS},
    summary="Terminate with a reason (returned to prosecution)",
)
@api(MANAGE)
def terminate(request, participation_id: str, payload: DiversionTerminateIn):
    return _fresh(services.terminate(request.actor, participation_id=participation_id, **payload.model_dump()))


@router.post(
    "/participations/{participation_id}/ledger",
    response={201: DiversionParticipationOut, **ERRORS},
    summary="Record a charge, payment or waiver (minor units)",
)
@api(RECORD)
def record_ledger_entry(request, participation_id: str, payload: DiversionLedgerIn):
    entry = progress_services.record_ledger_entry(
        request.actor, participation_id=participation_id, **payload.model_dump()
    )
    return Status(201, _fresh(entry.participation))


# --- progress ------------------------------------------------------------------------------------


@router.post(
    "/requirements/{requirement_id}/hours",
    response={201: DiversionParticipationOut, **ERRORS},
    summary="Log community service hours",
)
@api(RECORD)
def log_hours(request, requirement_id: str, payload: DiversionHoursIn):
    entry = progress_services.log_hours(request.actor, requirement_id=requirement_id, **payload.model_dump())
    return Status(201, _fresh(entry.requirement.participation))


@router.post(
    "/hours/{entry_id}/verify",
    response={200: DiversionParticipationOut, **ERRORS},
    summary="Verify hours logged by someone else",
)
@api(VERIFY)
def verify_hours(request, entry_id: str):
    entry = progress_services.verify_hours(request.actor, entry_id=entry_id)
    return _fresh(entry.requirement.participation)


@router.post(
    "/requirements/{requirement_id}/attendance",
    response={201: DiversionParticipationOut, **ERRORS},
    summary="Record a class, counselling session, drug test or check-in",
)
@api(RECORD)
def record_attendance(request, requirement_id: str, payload: DiversionAttendanceIn):
    attendance = progress_services.record_attendance(
        request.actor, requirement_id=requirement_id, **payload.model_dump()
    )
    return Status(201, _fresh(attendance.requirement.participation))


@router.post(
    "/requirements/{requirement_id}/new-arrest",
    response={200: DiversionParticipationOut, **ERRORS},
    summary="Record a new arrest against the no-new-arrest requirement",
)
@api(MANAGE)
def record_new_arrest(request, requirement_id: str, payload: DiversionNewArrestIn):
    requirement = progress_services.record_new_arrest(
        request.actor, requirement_id=requirement_id, **payload.model_dump()
    )
    return _fresh(requirement.participation)
