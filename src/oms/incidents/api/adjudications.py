"""Discipline under /api/v1/incidents/adjudications, keyed by public ids: offence paragraphs in force,
lay a charge, read a charge (with its hearings, punishments and appeals), a person's charges, schedule
and hold hearings (plea, outcome, punishments), activate a suspended punishment, quash a finding or
reduce a punishment on appeal, restore additional days, and the adjudicators' lists (hearings due,
deadlines missed, punishments ending). Bad input answers 422 naming the field; a charge out of reach
answers 404 like a missing one.
"""

import datetime as dt

from ninja import Field, Query, Router, Schema, Status

from oms.incidents.models import DisciplinaryCharge, Hearing, OffenceParagraph, Punishment
from oms.incidents.queries import adjudications as queries
from oms.incidents.services import adjudications as services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router(tags=["incidents"])
PREFIX = "/adjudications"


class AdjudicationParagraphOut(Schema):
    code: str
    version: int
    title: str
    description: str
    effective_from: dt.date
    serious: bool


class AdjudicationChargeIn(StrictIn):
    person_id: str = Field(..., min_length=1, max_length=64)
    paragraph: str = Field(..., min_length=1, max_length=20, description="offence paragraph code, e.g. 1 or 24A")
    offence_at: dt.datetime
    particulars: str = Field(..., min_length=1, max_length=5000)
    incident_id: str | None = Field(None, max_length=64, description="the incident the charge arises from")
    discovered_at: dt.datetime | None = Field(None, description="when the offence was discovered (default: offence_at)")
    late_reason: str = Field(
        "", max_length=1000, description="exceptional circumstances, needed more than 48 hours after discovery"
    )


class AdjudicationScheduleIn(StrictIn):
    scheduled_for: dt.datetime
    location_id: str | None = Field(None, max_length=64)
    adjudicator_kind: str = Field("governor", max_length=20, description="governor or independent")
    late_reason: str = Field("", max_length=1000, description="required when the first hearing is after the deadline")
    version: int | None = Field(None, ge=1, le=2**31 - 1, description="the charge version you read; 409 if changed")


class AdjudicationPunishmentIn(StrictIn):
    kind: str = Field(..., max_length=30)
    days: int | None = Field(None, ge=0, le=10_000)
    amount_pence: int | None = Field(None, ge=0, le=10_000_000)
    privilege: str = Field("", max_length=200)
    starts_on: dt.date | None = None
    suspended_until: dt.date | None = None


class AdjudicationOutcomeIn(StrictIn):
    plea: str = Field(..., max_length=20)
    outcome: str = Field(..., max_length=30)
    adjournment_reason: str = Field("", max_length=1000)
    next_hearing_at: dt.datetime | None = None
    notes: str = Field("", max_length=10000)
    punishments: list[AdjudicationPunishmentIn] = Field(default_factory=list, max_length=20)
    activate_punishment_ids: list[str] = Field(default_factory=list, max_length=20)


class AdjudicationActivateIn(StrictIn):
    charge_id: str = Field(..., min_length=1, max_length=64, description="the later proved charge")


class AdjudicationQuashIn(StrictIn):
    grounds: str = Field("", max_length=5000, description="needed unless an appeal was lodged")
    reasons: str = Field(..., min_length=1, max_length=5000)
    lodged_on: dt.date | None = None


class AdjudicationReduceIn(StrictIn):
    days: int = Field(..., ge=1, le=10_000)
    reasons: str = Field(..., min_length=1, max_length=5000)
    grounds: str = Field("", max_length=5000)
    lodged_on: dt.date | None = None


class AdjudicationHearingOut(Schema):
    id: str
    scheduled_for: dt.datetime
    adjudicator_kind: str
    held_at: dt.datetime | None
    plea: str
    outcome: str
    adjournment_reason: str
    notes: str


class AdjudicationRestoreIn(StrictIn):
    days: int = Field(..., ge=1, le=10_000)
    reasons: str = Field(..., min_length=1, max_length=5000)


class AdjudicationRestorationOut(Schema):
    id: str
    days: int
    decided_on: dt.date
    decided_by: str
    reasons: str
    adjustment_id: str | None
    withdrawn_on: dt.date | None


class AdjudicationPunishmentOut(Schema):
    id: str
    kind: str
    status: str
    days: int | None
    days_restored: int
    restorations: list[AdjudicationRestorationOut]
    amount_pence: int | None
    privilege: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    suspended_until: dt.date | None
    activated_on: dt.date | None
    adjustment_id: str | None


class AdjudicationLodgeIn(StrictIn):
    grounds: str = Field(..., min_length=1, max_length=5000)
    lodged_on: dt.date | None = Field(None, description="the day the appeal was received (default today)")


class AdjudicationUpholdIn(StrictIn):
    reasons: str = Field(..., min_length=1, max_length=5000)


class AdjudicationAppealOut(Schema):
    id: str
    lodged_on: dt.date
    outcome: str
    decided_on: dt.date | None
    grounds: str
    reasons: str


class AdjudicationChargeOut(Schema):
    id: str
    reference: str
    person_id: str
    facility: str
    incident_id: str | None
    paragraph: AdjudicationParagraphOut
    offence_at: dt.datetime
    particulars: str
    discovered_at: dt.datetime | None
    late_reason: str
    charged_at: dt.datetime
    charged_by: str
    first_hearing_due_by: dt.datetime
    status: str
    version: int
    hearings: list[AdjudicationHearingOut]
    punishments: list[AdjudicationPunishmentOut]
    appeals: list[AdjudicationAppealOut]


class AdjudicationChargeSummaryOut(Schema):
    id: str
    reference: str
    person_id: str
    facility: str
    paragraph: str
    status: str
    charged_at: dt.datetime
    first_hearing_due_by: dt.datetime


class AdjudicationPendingAppealOut(Schema):
    id: str
    charge: AdjudicationChargeSummaryOut
    lodged_on: dt.date
    grounds: str


class AdjudicationEndingParams(Schema):
    within_days: int = Field(7, ge=0, le=366)


class AdjudicationEndingOut(Schema):
    charge: AdjudicationChargeSummaryOut
    punishment: AdjudicationPunishmentOut
    days_left: int


def paragraph_out(p: OffenceParagraph) -> dict:
    return {
        "code": p.code,
        "version": p.version,
        "title": p.title,
        "description": p.description,
        "effective_from": p.effective_from,
        "serious": p.serious,
    }


def hearing_out(h: Hearing) -> dict:
    return {
        "id": str(h.public_id),
        "scheduled_for": h.scheduled_for,
        "adjudicator_kind": h.adjudicator_kind,
        "held_at": h.held_at,
        "plea": h.plea,
        "outcome": h.outcome,
        "adjournment_reason": h.adjournment_reason,
        "notes": h.notes,
    }


def punishment_out(p: Punishment) -> dict:
    restorations = list(p.restorations.select_related("decided_by"))
    return {
        "id": str(p.public_id),
        "kind": p.kind,
        "status": p.status,
        "days": p.days,
        "amount_pence": p.amount_pence,
        "privilege": p.privilege,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "suspended_until": p.suspended_until,
        "activated_on": p.activated_on,
        "adjustment_id": str(p.adjustment_public_id) if p.adjustment_public_id else None,
        "days_restored": sum(r.days for r in restorations if r.withdrawn_on is None),
        "restorations": [restoration_out(r) for r in restorations],
    }


def restoration_out(r) -> dict:
    return {
        "id": str(r.public_id),
        "days": r.days,
        "decided_on": r.decided_on,
        "decided_by": r.decided_by.username,
        "reasons": r.reasons,
        "adjustment_id": str(r.adjustment_public_id) if r.adjustment_public_id else None,
        "withdrawn_on": r.withdrawn_on,
    }


def summary_out(c: DisciplinaryCharge) -> dict:
    return {
        "id": str(c.public_id),
        "reference": c.reference,
        "person_id": str(c.person.public_id),
        "facility": c.facility.code,
        "paragraph": c.paragraph.code,
        "status": c.status,
        "charged_at": c.charged_at,
        "first_hearing_due_by": c.first_hearing_due_by,
    }


def charge_out(c: DisciplinaryCharge) -> dict:
    return {
        **summary_out(c),
        "incident_id": str(c.incident.public_id) if c.incident_id else None,
        "paragraph": paragraph_out(c.paragraph),
        "offence_at": c.offence_at,
        "particulars": c.particulars,
        "discovered_at": c.discovered_at,
        "late_reason": c.late_reason,
        "charged_by": c.charged_by.username,
        "version": c.version,
        "hearings": [hearing_out(h) for h in c.hearings.all()],
        "punishments": [punishment_out(p) for p in c.punishments.all()],
        "appeals": [
            {
                "id": str(a.public_id),
                "lodged_on": a.lodged_on,
                "outcome": a.outcome,
                "decided_on": a.decided_on,
                "grounds": a.grounds,
                "reasons": a.reasons,
            }
            for a in c.appeals.order_by("id")
        ],
    }


def _reread(request, charge_id) -> dict:
    return charge_out(queries.get_charge(request.actor, charge_id))


@router.get(
    f"{PREFIX}/paragraphs", response={200: list[AdjudicationParagraphOut], **ERRORS}, summary="Paragraphs in force"
)
@api("incidents.view")
def list_paragraphs(request):
    return [paragraph_out(p) for p in queries.current_paragraphs()]


@router.post(f"{PREFIX}/charges", response={201: AdjudicationChargeOut, **ERRORS}, summary="Lay a charge")
@api("incidents.charge")
def lay_charge(request, payload: AdjudicationChargeIn):
    charge = services.lay_charge(request.actor, **payload.model_dump())
    return Status(201, _reread(request, charge.public_id))


@router.post(
    f"{PREFIX}/charges/{{charge_id}}/appeals",
    response={201: AdjudicationChargeOut, **ERRORS},
    summary="Record an appeal against a proved charge",
)
@api("incidents.charge")
def lodge_appeal(request, charge_id: str, payload: AdjudicationLodgeIn):
    services.lodge_appeal(request.actor, charge_id=charge_id, **payload.model_dump())
    return Status(201, _reread(request, charge_id))


@router.post(
    f"{PREFIX}/charges/{{charge_id}}/uphold",
    response={200: AdjudicationChargeOut, **ERRORS},
    summary="Dismiss the lodged appeal: the finding stands",
)
@api("incidents.decide_appeals")
def uphold_finding(request, charge_id: str, payload: AdjudicationUpholdIn):
    services.uphold_finding(request.actor, charge_id=charge_id, **payload.model_dump())
    return _reread(request, charge_id)


@router.get(
    f"{PREFIX}/appeals-pending",
    response={200: list[AdjudicationPendingAppealOut], **ERRORS},
    summary="Appeals awaiting a decision",
)
@api("incidents.view")
def appeals_pending(request):
    return [
        {"id": str(a.public_id), "charge": summary_out(a.charge), "lodged_on": a.lodged_on, "grounds": a.grounds}
        for a in queries.appeals_pending(request.actor)
    ]


@router.get(f"{PREFIX}/charges/{{charge_id}}", response={200: AdjudicationChargeOut, **ERRORS}, summary="One charge")
@api("incidents.view")
def get_charge(request, charge_id: str):
    return _reread(request, charge_id)


@router.get(
    f"{PREFIX}/people/{{person_id}}/charges",
    response={200: list[AdjudicationChargeSummaryOut], **ERRORS},
    summary="A person's charges, newest first",
)
@api("incidents.view")
def person_charges(request, person_id: str):
    return [summary_out(c) for c in queries.charges_of(request.actor, person_id)]


@router.post(
    f"{PREFIX}/charges/{{charge_id}}/hearings",
    response={201: AdjudicationChargeOut, **ERRORS},
    summary="Schedule the next hearing",
)
@api("incidents.adjudicate")
def schedule_hearing(request, charge_id: str, payload: AdjudicationScheduleIn):
    services.schedule_hearing(request.actor, charge_id=charge_id, **payload.model_dump())
    return Status(201, _reread(request, charge_id))


@router.post(
    f"{PREFIX}/hearings/{{hearing_id}}/outcome",
    response={200: AdjudicationChargeOut, **ERRORS},
    summary="Hold a hearing: plea, outcome, punishments",
)
@api("incidents.adjudicate")
def hold_hearing(request, hearing_id: str, payload: AdjudicationOutcomeIn):
    hearing = services.hold_hearing(request.actor, hearing_id=hearing_id, **payload.model_dump())
    return _reread(request, hearing.charge.public_id)


@router.post(
    f"{PREFIX}/punishments/{{punishment_id}}/activate",
    response={200: AdjudicationPunishmentOut, **ERRORS},
    summary="Activate a suspended punishment on a later proved charge",
)
@api("incidents.adjudicate")
def activate_punishment(request, punishment_id: str, payload: AdjudicationActivateIn):
    return punishment_out(
        services.activate_punishment(request.actor, punishment_id=punishment_id, **payload.model_dump())
    )


@router.post(
    f"{PREFIX}/charges/{{charge_id}}/quash",
    response={200: AdjudicationChargeOut, **ERRORS},
    summary="Quash a finding on appeal",
)
@api("incidents.decide_appeals")
def quash_finding(request, charge_id: str, payload: AdjudicationQuashIn):
    services.quash_finding(request.actor, charge_id=charge_id, **payload.model_dump())
    return _reread(request, charge_id)


@router.post(
    f"{PREFIX}/punishments/{{punishment_id}}/reduce",
    response={200: AdjudicationPunishmentOut, **ERRORS},
    summary="Reduce a punishment on appeal",
)
@api("incidents.decide_appeals")
def reduce_punishment(request, punishment_id: str, payload: AdjudicationReduceIn):
    return punishment_out(
        services.reduce_punishment(request.actor, punishment_id=punishment_id, **payload.model_dump())
    )


@router.post(
    f"{PREFIX}/punishments/{{punishment_id}}/restore",
    response={200: AdjudicationPunishmentOut, **ERRORS},
    summary="Restore additional days",
)
@api("incidents.decide_appeals")
def restore_days(request, punishment_id: str, payload: AdjudicationRestoreIn):
    restoration = services.restore_days(request.actor, punishment_id=punishment_id, **payload.model_dump())
    return punishment_out(restoration.punishment)


@router.get(
    f"{PREFIX}/hearings-due",
    response={200: list[AdjudicationChargeSummaryOut], **ERRORS},
    summary="Charges awaiting a first hearing, soonest deadline first",
)
@api("incidents.view")
def hearings_due(request):
    return [summary_out(c) for c in queries.hearings_due(request.actor)]


@router.get(
    f"{PREFIX}/deadlines-missed",
    response={200: list[AdjudicationChargeSummaryOut], **ERRORS},
    summary="Charges whose first hearing missed its deadline",
)
@api("incidents.view")
def deadlines_missed(request):
    return [summary_out(c) for c in queries.deadlines_missed(request.actor)]


@router.get(
    f"{PREFIX}/punishments-ending",
    response={200: list[AdjudicationEndingOut], **ERRORS},
    summary="Punishments ending within N days",
)
@api("incidents.view")
def punishments_ending(request, params: Query[AdjudicationEndingParams]):
    return [
        {
            "charge": summary_out(e.punishment.charge),
            "punishment": punishment_out(e.punishment),
            "days_left": e.days_left,
        }
        for e in queries.punishments_ending(request.actor, within_days=params.within_days)
    ]
