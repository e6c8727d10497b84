"""The legal-record API (mounted under /api/v1/sentencing): court cases, hearings, charges, and
warrants and detainers, keyed by public ids. Thin: parse, call one service or query, shape the answer.
A record whose person is out of the caller's scope answers 404 like a missing one."""

import datetime as dt
from typing import Literal

from ninja import Field, Router, Schema, Status

from oms.sentencing.models import Charge, CourtCase, Hearing, Warrant
from oms.sentencing.queries import records as queries
from oms.sentencing.services import records as services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router()

CaseStatus = Literal[tuple(CourtCase.Status.values)]
HearingKind = Literal[tuple(Hearing.Kind.values)]
HearingOutcome = Literal[("", *Hearing.Outcome.values)]
Plea = Literal[("", *Charge.Plea.values)]
ChargeOutcome = Literal[tuple(Charge.Outcome.values)]
WarrantKind = Literal[tuple(Warrant.Kind.values)]
WarrantEnding = Literal["executed", "withdrawn", "lifted"]


# --- schemas -------------------------------------------------------------------------------------


class CourtCaseIn(StrictIn):
    case_number: str = Field(..., max_length=40)
    court_name: str = Field(..., max_length=200)
    opened_on: dt.date | None = None


class CourtCaseChangeIn(StrictIn):
    version: int = Field(..., ge=1)
    case_number: str | None = Field(None, max_length=40)
    court_name: str | None = Field(None, max_length=200)
    opened_on: dt.date | None = None
    status: CaseStatus | None = None


class HearingIn(StrictIn):
    kind: HearingKind = "other"
    hearing_at: dt.datetime
    court_name: str = Field("", max_length=200)
    outcome: HearingOutcome = ""
    outcome_notes: str = Field("", max_length=1000)
    next_hearing_on: dt.date | None = None


class HearingChangeIn(StrictIn):
    kind: HearingKind | None = None
    hearing_at: dt.datetime | None = None
    court_name: str | None = Field(None, max_length=200)
    outcome: HearingOutcome | None = None
    outcome_notes: str | None = Field(None, max_length=1000)
    next_hearing_on: dt.date | None = None


class ChargeIn(StrictIn):
    offence_code: str = Field(..., max_length=20)
    count_number: int = Field(1, ge=1, le=999)
    committed_from: dt.date
    committed_to: dt.date | None = None
    plea: Plea = ""
    outcome: ChargeOutcome = "pending"
    outcome_on: dt.date | None = None
    particulars: str = Field("", max_length=1000)


class ChargeChangeIn(StrictIn):
    offence_code: str | None = Field(None, max_length=20)
    count_number: int | None = Field(None, ge=1, le=999)
    committed_from: dt.date | None = None
    committed_to: dt.date | None = None
    plea: Plea | None = None
    outcome: ChargeOutcome | None = None
    outcome_on: dt.date | None = None
    particulars: str | None = Field(None, max_length=1000)


class WarrantIn(StrictIn):
    kind: WarrantKind
    reference: str = Field(..., max_length=60)
    issued_by: str = Field(..., max_length=200)
    issued_on: dt.date
    court_case_id: str | None = Field(None, max_length=40)
    notes: str = Field("", max_length=1000)


class WarrantEndIn(StrictIn):
    status: WarrantEnding
    ended_on: dt.date
    notes: str = Field("", max_length=1000)


class HearingOut(Schema):
    id: str
    court_case_id: str
    kind: str
    hearing_at: dt.datetime
    court_name: str
    outcome: str
    outcome_notes: str
    next_hearing_on: dt.date | None


class ChargeOut(Schema):
    id: str
    court_case_id: str
    offence_code: str
    offence_title: str
    count_number: int
    committed_from: dt.date
    committed_to: dt.date | None
    plea: str
    outcome: str
    outcome_on: dt.date | None
    particulars: str


class CourtCaseOut(Schema):
    id: str
    person_id: str
    case_number: str
    court_name: str
    status: str
    opened_on: dt.date | None
    version: int


class CourtCaseDetailOut(CourtCaseOut):
    hearings: list[HearingOut]
    charges: list[ChargeOut]


class WarrantOut(Schema):
    id: str
    person_id: str
    court_case_id: str | None
    kind: str
    reference: str
    issued_by: str
    issued_on: dt.date
    status: str
    ended_on: dt.date | None
    notes: str


# --- shaping -------------------------------------------------------------------------------------


def court_case_out(court_case: CourtCase) -> dict:
    return {
        "id": str(court_case.public_id),
        "person_id": str(court_case.person.public_id),
        "case_number": court_case.case_number,
        "court_name": court_case.court_name,
        "status": court_case.status,
        "opened_on": court_case.opened_on,
        "version": court_case.version,
    }


def hearing_out(hearing: Hearing) -> dict:
    return {
        "id": str(hearing.public_id),
        "court_case_id": str(hearing.court_case.public_id),
        "kind": hearing.kind,
        "hearing_at": hearing.hearing_at,
        "court_name": hearing.court_name,
        "outcome": hearing.outcome,
        "outcome_notes": hearing.outcome_notes,
        "next_hearing_on": hearing.next_hearing_on,
    }


def charge_out(charge: Charge) -> dict:
    return {
        "id": str(charge.public_id),
        "court_case_id": str(charge.court_case.public_id),
        "offence_code": charge.offence.code,
        "offence_title": charge.offence.title,
        "count_number": charge.count_number,
        "committed_from": charge.committed_from,
        "committed_to": charge.committed_to,
        "plea": charge.plea,
        "outcome": charge.outcome,
        "outcome_on": charge.outcome_on,
        "particulars": charge.particulars,
    }


def warrant_out(warrant: Warrant) -> dict:
    return {
        "id": str(warrant.public_id),
        "person_id": str(warrant.person.public_id),
        "court_case_id": str(warrant.court_case.public_id) if warrant.court_case_id else None,
        "kind": warrant.kind,
        "reference": warrant.reference,
        "issued_by": warrant.issued_by,
        "issued_on": warrant.issued_on,
        "status": warrant.status,
        "ended_on": warrant.ended_on,
        "notes": warrant.notes,
    }


def _detail(court_case: CourtCase) -> dict:
    return {
        **court_case_out(court_case),
        "hearings": [hearing_out(h) for h in queries.hearings_of(court_case)],
        "charges": [charge_out(c) for c in queries.charges_of(court_case)],
    }


# --- court cases ---------------------------------------------------------------------------------


@router.get(
    "/people/{person_id}/court-cases",
    response={200: list[CourtCaseDetailOut], **ERRORS},
    summary="A person's court cases",
)
@api("sentencing.view")
def list_court_cases(request, person_id: str):
    person = queries.person_for_records(request.actor, person_id)
    return [_detail(c) for c in queries.court_cases_of(person)]


@router.post(
    "/people/{person_id}/court-cases", response={201: CourtCaseDetailOut, **ERRORS}, summary="Open a court case"
)
@api("sentencing.manage_records")
def create_court_case(request, person_id: str, payload: CourtCaseIn):
    court_case = services.create_court_case(request.actor, person_id=person_id, **payload.model_dump())
    return Status(201, _detail(court_case))


@router.get("/court-cases/{court_case_id}", response={200: CourtCaseDetailOut, **ERRORS}, summary="One court case")
@api("sentencing.view")
def get_court_case(request, court_case_id: str):
    return _detail(queries.get_court_case(request.actor, court_case_id))


@router.patch(
    "/court-cases/{court_case_id}",
    response={200: CourtCaseDetailOut, **ERRORS},
    summary="Change a court case (send the version you read; 409 if it changed since)",
)
@api("sentencing.manage_records")
def update_court_case(request, court_case_id: str, payload: CourtCaseChangeIn):
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    court_case = services.update_court_case(
        request.actor, court_case_id=court_case_id, version=version, changes=changes
    )
    return _detail(court_case)


# --- hearings ------------------------------------------------------------------------------------


@router.post("/court-cases/{court_case_id}/hearings", response={201: HearingOut, **ERRORS}, summary="Add a hearing")
@api("sentencing.manage_records")
def add_hearing(request, court_case_id: str, payload: HearingIn):
    return Status(
        201, hearing_out(services.add_hearing(request.actor, court_case_id=court_case_id, **payload.model_dump()))
    )


@router.get("/hearings/{hearing_id}", response={200: HearingOut, **ERRORS}, summary="One hearing")
@api("sentencing.view")
def get_hearing(request, hearing_id: str):
    return hearing_out(queries.get_hearing(request.actor, hearing_id))


@router.patch(
    "/hearings/{hearing_id}", response={200: HearingOut, **ERRORS}, summary="Record a hearing's outcome or correct it"
)
@api("sentencing.manage_records")
def update_hearing(request, hearing_id: str, payload: HearingChangeIn):
    changes = {
        k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None or k == "next_hearing_on"
    }
    return hearing_out(services.update_hearing(request.actor, hearing_id=hearing_id, changes=changes))


# --- charges -------------------------------------------------------------------------------------


@router.post("/court-cases/{court_case_id}/charges", response={201: ChargeOut, **ERRORS}, summary="Add a charge")
@api("sentencing.manage_records")
def add_charge(request, court_case_id: str, payload: ChargeIn):
    return Status(
        201, charge_out(services.add_charge(request.actor, court_case_id=court_case_id, **payload.model_dump()))
    )


@router.get("/charges/{charge_id}", response={200: ChargeOut, **ERRORS}, summary="One charge")
@api("sentencing.view")
def get_charge(request, charge_id: str):
    return charge_out(queries.get_charge(request.actor, charge_id))


@router.patch(
    "/charges/{charge_id}", response={200: ChargeOut, **ERRORS}, summary="Change a charge (plea, outcome, ...)"
)
@api("sentencing.manage_records")
def update_charge(request, charge_id: str, payload: ChargeChangeIn):
    nullable = {"committed_to", "outcome_on"}
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None or k in nullable}
    return charge_out(services.update_charge(request.actor, charge_id=charge_id, changes=changes))


# --- warrants ------------------------------------------------------------------------------------


@router.get(
    "/people/{person_id}/warrants",
    response={200: list[WarrantOut], **ERRORS},
    summary="A person's warrants and detainers",
)
@api("sentencing.view")
def list_warrants(request, person_id: str):
    person = queries.person_for_records(request.actor, person_id)
    return [warrant_out(w) for w in queries.warrants_of(person)]


@router.post(
    "/people/{person_id}/warrants", response={201: WarrantOut, **ERRORS}, summary="Record a warrant or detainer"
)
@api("sentencing.manage_records")
def record_warrant(request, person_id: str, payload: WarrantIn):
    warrant = services.record_warrant(request.actor, person_id=person_id, **payload.model_dump())
    return Status(201, warrant_out(warrant))


@router.get("/warrants/{warrant_id}", response={200: WarrantOut, **ERRORS}, summary="One warrant or detainer")
@api("sentencing.view")
def get_warrant(request, warrant_id: str):
    return warrant_out(queries.get_warrant(request.actor, warrant_id))


@router.post(
    "/warrants/{warrant_id}/end",
    response={200: WarrantOut, **ERRORS},
    summary="Mark an active warrant executed, withdrawn or lifted",
)
@api("sentencing.manage_records")
def end_warrant(request, warrant_id: str, payload: WarrantEndIn):
    return warrant_out(services.end_warrant(request.actor, warrant_id=warrant_id, **payload.model_dump()))
