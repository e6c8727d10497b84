"""The programme catalogue (courses and work assignments with eligibility, capacity and timetable), referrals and
waiting lists, and allocation (non-association and timetable-clash checks). Mounted under
/api/v1/rehabilitation.

Thin: each operation parses, calls one service or query and shapes the answer. Bad data answers 422
naming the field (``timetable[1].start``, ``eligibility.sexes``); a refused status move or a stale
version answers 409; a refused allocation answers 409 listing every problem and whether an override
reason would let it through.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from ninja import Field, Query, Router, Schema, Status

from oms.rehabilitation.models import Allocation, Programme, Referral
from oms.rehabilitation.queries import programmes as queries
from oms.rehabilitation.rules import eligibility as eligibility_rules
from oms.rehabilitation.services import allocations as allocation_services
from oms.rehabilitation.services import programmes as programme_services
from oms.rehabilitation.services import referrals as referral_services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, ErrorOut, StrictIn, error_responses

router = Router(tags=["rehabilitation"])
ERRORS_BUT_409 = error_responses(401, 403, 404, 422, 503)


# --- schemas -------------------------------------------------------------------------------------


class ProgrammeSlotIO(Schema):
    weekday: int = Field(..., description="0 Monday ... 6 Sunday")
    start: str = Field(..., description="HH:MM")
    end: str = Field(..., description="HH:MM, after the start")


class ProgrammeIn(StrictIn):
    facility: str = Field(..., min_length=1, max_length=20, description="the site code")
    code: str = Field(..., min_length=1, max_length=30, description="unique per facility")
    title: str = Field(..., min_length=1, max_length=200)
    kind: str = Field(..., max_length=30, description=", ".join(Programme.Kind.values))
    capacity: int = Field(..., ge=1, le=10_000)
    description: str = Field("", max_length=5000)
    eligibility: dict[str, Any] = Field(default_factory=dict, description=", ".join(eligibility_rules.RULE_KEYS))
    addresses_needs: list[str] = Field(default_factory=list, max_length=50)
    location: str = Field("", max_length=120, description="the key of a location at the facility")
    timetable: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    sessions_required: int | None = Field(None, ge=1, le=1000)
    earns_time_credits: bool = False
    qualification: str = Field("", max_length=200)


class ProgrammeChangeIn(StrictIn):
    version: int = Field(..., ge=1, description="the version you read; 409 if it changed since")
    title: str | None = Field(None, min_length=1, max_length=200)
    kind: str | None = Field(None, max_length=30)
    capacity: int | None = Field(None, ge=1, le=10_000)
    description: str | None = Field(None, max_length=5000)
    eligibility: dict[str, Any] | None = None
    addresses_needs: list[str] | None = Field(None, max_length=50)
    location: str | None = Field(None, max_length=120)
    timetable: list[dict[str, Any]] | None = Field(None, max_length=50)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    sessions_required: int | None = Field(None, ge=1, le=1000)
    earns_time_credits: bool | None = None
    qualification: str | None = Field(None, max_length=200)


class ProgrammeRetireIn(StrictIn):
    version: int = Field(..., ge=1)
    reason: str = Field(..., min_length=1, max_length=500)


class ProgrammeOut(Schema):
    id: str
    facility: str
    facility_name: str
    code: str
    title: str
    kind: str
    description: str
    eligibility: dict[str, Any]
    eligibility_described: list[str]
    addresses_needs: list[str]
    capacity: int
    allocated: int
    location: str | None
    timetable: list[ProgrammeSlotIO]
    starts_on: dt.date | None
    ends_on: dt.date | None
    sessions_required: int | None
    earns_time_credits: bool
    qualification: str
    status: str
    version: int


class ProgrammeListParams(Schema):
    kind: str | None = Field(None, max_length=30)
    facility: str | None = Field(None, max_length=20, description="site code")
    include_retired: bool = False


class ProgrammeFindingOut(Schema):
    rule: str
    reason: str
    unknown: bool


class ProgrammeEligibilityOut(Schema):
    status: str = Field(..., description="eligible, not_eligible or cannot_check")
    findings: list[ProgrammeFindingOut]


class ProgrammeReferralIn(StrictIn):
    person_id: str = Field(..., min_length=1, max_length=40)
    programme_id: str = Field(..., min_length=1, max_length=40)
    reason: str = Field(..., min_length=1, max_length=1000)
    priority: int = Field(3, ge=1, le=4, description="1 urgent, 2 high, 3 normal, 4 low")
    plan_action_id: str | None = Field(None, max_length=40)


class ProgrammeDecisionIn(StrictIn):
    reason: str = Field("", max_length=1000)
    version: int | None = Field(None, ge=1, description="the version you read; 409 if it changed since")


class ProgrammeReferralOut(Schema):
    id: str
    person_id: str
    programme_id: str
    programme_code: str
    status: str
    priority: int
    reason: str
    plan_action_id: str | None
    referred_by: str
    referred_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_reason: str
    version: int


class ProgrammeWaitingOut(Schema):
    referral: ProgrammeReferralOut
    person_name: str
    eligibility: ProgrammeEligibilityOut


class ProgrammeAllocateIn(StrictIn):
    programme_id: str | None = Field(None, max_length=40)
    person_id: str | None = Field(None, max_length=40)
    referral_id: str | None = Field(None, max_length=40, description="allocate from this referral")
    starts_on: dt.date | None = Field(None, description="today when left out")
    override_reason: str = Field("", max_length=1000, description="overrides eligibility and timetable clashes")


class ProgrammeAllocationChangeIn(StrictIn):
    reason: str = Field("", max_length=1000)
    version: int | None = Field(None, ge=1)


class ProgrammeRemoveIn(StrictIn):
    end_reason: str = Field(..., max_length=20, description=", ".join(allocation_services.REMOVAL_REASONS))
    detail: str = Field("", max_length=1000)
    version: int | None = Field(None, ge=1)


class ProgrammeOverrideOut(Schema):
    check: str
    detail: str
    reason: str


class ProgrammeAllocationOut(Schema):
    id: str
    person_id: str
    programme_id: str
    programme_code: str
    referral_id: str | None
    status: str
    starts_on: dt.date
    ended_on: dt.date | None
    end_reason: str
    end_detail: str
    allocated_by: str
    allocated_at: dt.datetime
    overrides: list[ProgrammeOverrideOut]
    version: int


class ProgrammeProblemOut(Schema):
    check: str
    detail: str
    overridable: bool


class ProgrammeAllocationRefusedOut(ErrorOut):
    problems: list[ProgrammeProblemOut]


# --- shaping -------------------------------------------------------------------------------------


def programme_out(programme: Programme, allocated: int | None = None) -> dict:
    return {
        "id": str(programme.public_id),
        "facility": programme.facility.code,
        "facility_name": programme.facility.name,
        "code": programme.code,
        "title": programme.title,
        "kind": programme.kind,
        "description": programme.description,
        "eligibility": programme.eligibility or {},
        "eligibility_described": queries.eligibility_lines(programme),
        "addresses_needs": programme.addresses_needs or [],
        "capacity": programme.capacity,
        "allocated": queries.live_allocation_count(programme) if allocated is None else allocated,
        "location": programme.location.key if programme.location_id else None,
        "timetable": programme.timetable or [],
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
        "sessions_required": programme.sessions_required,
        "earns_time_credits": programme.earns_time_credits,
        "qualification": programme.qualification,
        "status": programme.status,
        "version": programme.version,
    }


def _username(user) -> str | None:
    return user.username if user is not None else None


def referral_out(referral: Referral) -> dict:
    return {
        "id": str(referral.public_id),
        "person_id": str(referral.person.public_id),
        "programme_id": str(referral.programme.public_id),
        "programme_code": referral.programme.code,
        "status": referral.status,
        "priority": referral.priority,
        "reason": referral.reason,
        "plan_action_id": str(referral.plan_action.public_id) if referral.plan_action_id else None,
        "referred_by": referral.referred_by.username,
        "referred_at": referral.referred_at,
        "decided_by": _username(referral.decided_by),
        "decided_at": referral.decided_at,
        "decision_reason": referral.decision_reason,
        "version": referral.version,
    }


def eligibility_out(result: eligibility_rules.Eligibility) -> dict:
    return {
        "status": result.status,
        "findings": [{"rule": f.rule, "reason": f.reason, "unknown": f.unknown} for f in result.findings],
    }


def allocation_out(allocation: Allocation) -> dict:
    return {
        "id": str(allocation.public_id),
        "person_id": str(allocation.person.public_id),
        "programme_id": str(allocation.programme.public_id),
        "programme_code": allocation.programme.code,
        "referral_id": str(allocation.referral.public_id) if allocation.referral_id else None,
        "status": allocation.status,
        "starts_on": allocation.starts_on,
        "ended_on": allocation.ended_on,
        "end_reason": allocation.end_reason,
        "end_detail": allocation.end_detail,
        "allocated_by": allocation.allocated_by.username,
        "allocated_at": allocation.allocated_at,
        "overrides": allocation.overrides or [],
        "version": allocation.version,
    }


def _rollback() -> None:
    """An answer given here instead of raised must still undo any partial write."""
    if transaction.get_connection().in_atomic_block:
        transaction.set_rollback(True)


# --- the catalogue -------------------------------------------------------------------------------


@router.get(
    "/programmes",
    response={200: list[ProgrammeOut], **ERRORS},
    summary="Programmes in reach, by facility and title, filterable by kind and facility",
)
@api("rehabilitation.view")
def list_programmes(request, params: Query[ProgrammeListParams]):
    rows = queries.list_programmes(
        request.actor, kind=params.kind, facility=params.facility, include_retired=params.include_retired
    )
    return [programme_out(r.programme, r.allocated) for r in rows]


@router.post("/programmes", response={201: ProgrammeOut, **ERRORS}, summary="Add a programme to the catalogue")
@api("rehabilitation.manage_catalogue")
def add_programme(request, payload: ProgrammeIn):
    programme = programme_services.add_programme(request.actor, **payload.model_dump())
    return Status(201, programme_out(programme, 0))


@router.get("/programmes/{programme_id}", response={200: ProgrammeOut, **ERRORS}, summary="One programme")
@api("rehabilitation.view")
def get_programme(request, programme_id: str):
    return programme_out(queries.get_programme(request.actor, programme_id))


@router.patch(
    "/programmes/{programme_id}",
    response={200: ProgrammeOut, **ERRORS},
    summary="Change a programme (send the version you read; only the fields sent change)",
)
@api("rehabilitation.manage_catalogue")
def change_programme(request, programme_id: str, payload: ProgrammeChangeIn):
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    programme = programme_services.change_programme(
        request.actor, programme_id=programme_id, version=version, changes=changes
    )
    return programme_out(programme)


@router.post(
    "/programmes/{programme_id}/retire",
    response={200: ProgrammeOut, **ERRORS},
    summary="Retire a programme: no new referrals or places",
)
@api("rehabilitation.manage_catalogue")
def retire_programme(request, programme_id: str, payload: ProgrammeRetireIn):
    programme = programme_services.retire_programme(request.actor, programme_id=programme_id, **payload.model_dump())
    return programme_out(programme)


@router.get(
    "/programmes/{programme_id}/waiting-list",
    response={200: list[ProgrammeWaitingOut], **ERRORS},
    summary="Open referrals, most urgent then oldest first, each with the person's eligibility now",
)
@api("rehabilitation.view")
def waiting_list(request, programme_id: str):
    _, entries = queries.waiting_list(request.actor, programme_id)
    return [
        {
            "referral": referral_out(e.referral),
            "person_name": f"{e.referral.person.given_name} {e.referral.person.family_name}",
            "eligibility": eligibility_out(e.eligibility),
        }
        for e in entries
    ]


@router.get(
    "/programmes/{programme_id}/allocations",
    response={200: list[ProgrammeAllocationOut], **ERRORS},
    summary="Live places (active and suspended) on the programme",
)
@api("rehabilitation.view")
def programme_allocations(request, programme_id: str):
    programme = queries.get_programme(request.actor, programme_id)
    return [allocation_out(a) for a in queries.allocated_people(request.actor, programme)]


@router.get(
    "/programmes/{programme_id}/eligibility/{person_id}",
    response={200: ProgrammeEligibilityOut, **ERRORS},
    summary="Whether a person may join the programme, and each rule they do not meet or that cannot be checked",
)
@api("rehabilitation.view")
def programme_eligibility(request, programme_id: str, person_id: str):
    _, _, result = queries.eligibility_of(request.actor, programme_id=programme_id, person_id=person_id)
    return eligibility_out(result)


# --- referrals -----------------------------------------------------------------------------------


@router.post("/referrals", response={201: ProgrammeReferralOut, **ERRORS}, summary="Refer a person to a programme")
@api("rehabilitation.refer")
def refer(request, payload: ProgrammeReferralIn):
    return Status(201, referral_out(referral_services.refer(request.actor, **payload.model_dump())))


@router.get("/referrals/{referral_id}", response={200: ProgrammeReferralOut, **ERRORS}, summary="One referral")
@api("rehabilitation.view")
def get_referral(request, referral_id: str):
    return referral_out(queries.get_referral(request.actor, referral_id))


@router.post(
    "/referrals/{referral_id}/withdraw",
    response={200: ProgrammeReferralOut, **ERRORS},
    summary="Withdraw a pending or approved referral (reason required)",
)
@api("rehabilitation.refer")
def withdraw_referral(request, referral_id: str, payload: ProgrammeDecisionIn):
    return referral_out(
        referral_services.withdraw_referral(request.actor, referral_id=referral_id, **payload.model_dump())
    )


@router.post(
    "/referrals/{referral_id}/approve",
    response={200: ProgrammeReferralOut, **ERRORS},
    summary="Approve a pending referral onto the waiting list",
)
@api("rehabilitation.allocate")
def approve_referral(request, referral_id: str, payload: ProgrammeDecisionIn):
    return referral_out(
        referral_services.approve_referral(request.actor, referral_id=referral_id, **payload.model_dump())
    )


@router.post(
    "/referrals/{referral_id}/decline",
    response={200: ProgrammeReferralOut, **ERRORS},
    summary="Decline a pending referral (reason required)",
)
@api("rehabilitation.allocate")
def decline_referral(request, referral_id: str, payload: ProgrammeDecisionIn):
    return referral_out(
        referral_services.decline_referral(request.actor, referral_id=referral_id, **payload.model_dump())
    )


@router.post(
    "/referrals/{referral_id}/remove",
    response={200: ProgrammeReferralOut, **ERRORS},
    summary="Remove a pending or approved referral from the waiting list (reason required)",
)
@api("rehabilitation.allocate")
def remove_referral(request, referral_id: str, payload: ProgrammeDecisionIn):
    return referral_out(
        referral_services.remove_referral(request.actor, referral_id=referral_id, **payload.model_dump())
    )


@router.get(
    "/people/{person_id}/referrals",
    response={200: list[ProgrammeReferralOut], **ERRORS},
    summary="A person's programme referrals, open first",
)
@api("rehabilitation.view")
def person_referrals(request, person_id: str):
    _, found = queries.referrals_of(request.actor, person_id)
    return [referral_out(r) for r in found]


# --- allocations ---------------------------------------------------------------------------------


@router.post(
    "/allocations",
    response={201: ProgrammeAllocationOut, 409: ProgrammeAllocationRefusedOut, **ERRORS_BUT_409},
    summary="Give a person a place, from a referral or directly (409 lists the problems and which may be overridden)",
)
@api("rehabilitation.allocate")
def allocate(request, payload: ProgrammeAllocateIn):
    try:
        allocation = allocation_services.allocate(request.actor, **payload.model_dump())
    except allocation_services.AllocationRefused as refused:
        _rollback()
        problems = [{"check": p.check, "detail": p.detail, "overridable": p.overridable} for p in refused.problems]
        return Status(409, {**refused.as_dict(), "problems": problems})
    return Status(201, allocation_out(allocation))


@router.get("/allocations/{allocation_id}", response={200: ProgrammeAllocationOut, **ERRORS}, summary="One place")
@api("rehabilitation.view")
def get_allocation(request, allocation_id: str):
    return allocation_out(queries.get_allocation(request.actor, allocation_id))


@router.post(
    "/allocations/{allocation_id}/suspend",
    response={200: ProgrammeAllocationOut, **ERRORS},
    summary="Suspend an active place (the person keeps it; reason required)",
)
@api("rehabilitation.allocate")
def suspend_allocation(request, allocation_id: str, payload: ProgrammeAllocationChangeIn):
    return allocation_out(
        allocation_services.suspend_allocation(request.actor, allocation_id=allocation_id, **payload.model_dump())
    )


@router.post(
    "/allocations/{allocation_id}/reinstate",
    response={200: ProgrammeAllocationOut, **ERRORS},
    summary="Reinstate a suspended place",
)
@api("rehabilitation.allocate")
def reinstate_allocation(request, allocation_id: str, payload: ProgrammeAllocationChangeIn):
    return allocation_out(
        allocation_services.reinstate_allocation(request.actor, allocation_id=allocation_id, **payload.model_dump())
    )


@router.post(
    "/allocations/{allocation_id}/remove",
    response={200: ProgrammeAllocationOut, **ERRORS},
    summary="End a live place early as removed, with the end reason",
)
@api("rehabilitation.allocate")
def remove_allocation(request, allocation_id: str, payload: ProgrammeRemoveIn):
    return allocation_out(
        allocation_services.remove_allocation(request.actor, allocation_id=allocation_id, **payload.model_dump())
    )


@router.get(
    "/people/{person_id}/allocations",
    response={200: list[ProgrammeAllocationOut], **ERRORS},
    summary="A person's programme places, live first",
)
@api("rehabilitation.view")
def person_allocations(request, person_id: str):
    _, found = queries.allocations_of(request.actor, person_id)
    return [allocation_out(a) for a in found]
