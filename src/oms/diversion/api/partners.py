"""Partner referrals under /api/v1/diversion.

Coordinators (``diversion.manage`` to change, ``diversion.view`` to read) record consent, send and
withdraw referrals and read the disclosure log of a participation in their scope. Partner users
(``diversion.partner_view`` / ``diversion.partner_respond``) list referrals to their organisation, read
one (only the fields the consent covers: fields it does not cover are absent from the answer, not null;
each read is a logged disclosure) and accept, decline or complete it. A withdrawn or expired consent, a
referral to another organisation or out of scope: 404 like a missing one.
"""

import datetime as dt
from typing import Literal

from ninja import Field, Router, Schema, Status

from oms.diversion.models import PartnerConsent, PartnerReferral
from oms.diversion.queries import partners as queries
from oms.diversion.rules import partners as rules
from oms.diversion.services import partners as services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router()

VIEW = "diversion.view"
MANAGE = "diversion.manage"
PARTNER_VIEW = "diversion.partner_view"
PARTNER_RESPOND = "diversion.partner_respond"

Category = Literal[tuple(rules.CATEGORIES)]
ServiceType = Literal[tuple(PartnerReferral.ServiceType.values)]
ReferralStatus = Literal[tuple(PartnerReferral.Status.values)]
Version = Field(..., ge=1, le=2_000_000_000, description="the referral version you read")
Id = Field(..., max_length=40)


class DiversionConsentIn(StrictIn):
    partner_id: str = Id
    purpose: str = Field(..., min_length=1, max_length=1000)
    categories: list[Category] = Field(..., min_length=1, max_length=len(rules.CATEGORIES))
    given_on: dt.date | None = None
    expires_on: dt.date


class DiversionWithdrawConsentIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=1000)
    withdrawn_on: dt.date | None = None


class DiversionPartnerReferralIn(StrictIn):
    consent_id: str = Id
    service_type: ServiceType
    purpose: str = Field(..., min_length=1, max_length=1000)
    needs: str = Field("", max_length=2000)
    telephone: str = Field("", max_length=40)


class DiversionWithdrawReferralIn(StrictIn):
    version: int = Version
    reason: str = Field(..., min_length=1, max_length=1000)


class DiversionAcceptIn(StrictIn):
    version: int = Version
    note: str = Field("", max_length=1000)


class DiversionDeclineIn(StrictIn):
    version: int = Version
    note: str = Field(..., min_length=1, max_length=1000)


class DiversionCompleteReferralIn(StrictIn):
    version: int = Version
    outcome_note: str = Field(..., min_length=1, max_length=2000)


class DiversionPartnerOut(Schema):
    id: str
    name: str


class DiversionConsentOut(Schema):
    id: str
    participation_id: str
    partner_id: str
    partner_name: str
    purpose: str
    categories: list[str]
    given_on: dt.date
    expires_on: dt.date
    withdrawn_on: dt.date | None
    withdrawn_reason: str
    state: str


class DiversionPartnerReferralOut(Schema):
    id: str
    participation_id: str
    partner_id: str
    partner_name: str
    consent_id: str
    service_type: str
    purpose: str
    needs: str
    telephone: str
    status: str
    version: int
    sent_at: dt.datetime
    responded_at: dt.datetime | None
    response_note: str
    completed_at: dt.datetime | None
    outcome_note: str
    withdrawn_reason: str


class DiversionDisclosureOut(Schema):
    referral_id: str
    partner_name: str
    user: str | None
    fields: list[str]
    channel: str
    disclosed_at: dt.datetime


class DiversionPartnerSideOut(Schema):
    consents: list[DiversionConsentOut]
    referrals: list[DiversionPartnerReferralOut]
    disclosures: list[DiversionDisclosureOut]


class DiversionRequirementSeenOut(Schema):
    label: str
    due_on: dt.date
    status: str


class DiversionReferralSeenOut(Schema):
    """A referral as its partner sees it. Only the keys the consent covers are present."""

    referral_id: str
    service_type: str
    purpose: str
    status: str
    version: int
    sent_at: dt.datetime
    referred_by: str
    consent_expires_on: dt.date
    responded_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    response_note: str | None = None
    outcome_note: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: dt.date | None = None
    address: str | None = None
    telephone: str | None = None
    offence_summary: str | None = None
    offence_category: str | None = None
    programme_state: str | None = None
    requirements: list[DiversionRequirementSeenOut] | None = None
    percent_complete: int | None = None
    housing_needs: str | None = None
    treatment_needs: str | None = None
    employment_needs: str | None = None


class DiversionReferralListedOut(Schema):
    referral_id: str
    service_type: str
    purpose: str
    status: str
    sent_at: dt.datetime
    given_name: str | None = None
    family_name: str | None = None


class DiversionReferralStatusOut(Schema):
    referral_id: str
    status: str
    version: int


# --- shaping -------------------------------------------------------------------------------------


def consent_out(c: PartnerConsent, state: str | None = None) -> dict:
    return {
        "id": str(c.public_id),
        "participation_id": str(c.participation.public_id),
        "partner_id": str(c.partner.public_id),
        "partner_name": c.partner.name,
        "purpose": c.purpose,
        "categories": c.categories,
        "given_on": c.given_on,
        "expires_on": c.expires_on,
        "withdrawn_on": c.withdrawn_on,
        "withdrawn_reason": c.withdrawn_reason,
        "state": state or queries.consent_state(c),
    }


def referral_out(r: PartnerReferral) -> dict:
    return {
        "id": str(r.public_id),
        "participation_id": str(r.participation.public_id),
        "partner_id": str(r.partner.public_id),
        "partner_name": r.partner.name,
        "consent_id": str(r.consent.public_id),
        "service_type": r.service_type,
        "purpose": r.purpose,
        "needs": r.needs,
        "telephone": r.telephone,
        "status": r.status,
        "version": r.version,
        "sent_at": r.sent_at,
        "responded_at": r.responded_at,
        "response_note": r.response_note,
        "completed_at": r.completed_at,
        "outcome_note": r.outcome_note,
        "withdrawn_reason": r.withdrawn_reason,
    }


def status_out(r: PartnerReferral) -> dict:
    return {"referral_id": str(r.public_id), "status": r.status, "version": r.version}


# --- coordinators --------------------------------------------------------------------------------


@router.get("/partners", response={200: list[DiversionPartnerOut], **ERRORS}, summary="Partner agencies")
@api(VIEW)
def list_partners(request):
    return [{"id": str(o.public_id), "name": o.name} for o in queries.partner_organisations()]


@router.get(
    "/participations/{participation_id}/partners",
    response={200: DiversionPartnerSideOut, **ERRORS},
    summary="A participation's consents, partner referrals and disclosure log",
)
@api(VIEW)
def partner_side(request, participation_id: str):
    side = queries.partner_side(request.actor, participation_id)
    return {
        "consents": [consent_out(c, side.consent_states[c.pk]) for c in side.consents],
        "referrals": [referral_out(r) for r in side.referrals],
        "disclosures": [
            {
                "referral_id": str(d.referral.public_id),
                "partner_name": d.partner.name,
                "user": d.user.get_username() if d.user else None,
                "fields": d.fields,
                "channel": d.channel,
                "disclosed_at": d.disclosed_at,
            }
            for d in side.disclosures
        ],
    }


@router.post(
    "/participations/{participation_id}/consents",
    response={201: DiversionConsentOut, **ERRORS},
    summary="Record the participant's consent to share named categories with a partner agency",
)
@api(MANAGE)
def record_consent(request, participation_id: str, payload: DiversionConsentIn):
    made = services.record_consent(request.actor, participation_id=participation_id, **payload.model_dump())
    return Status(201, consent_out(made))


@router.post(
    "/consents/{consent_id}/withdraw",
    response={200: DiversionConsentOut, **ERRORS},
    summary="Record that the participant withdrew consent (open referrals under it are withdrawn)",
)
@api(MANAGE)
def withdraw_consent(request, consent_id: str, payload: DiversionWithdrawConsentIn):
    return consent_out(services.withdraw_consent(request.actor, consent_id=consent_id, **payload.model_dump()))


@router.post(
    "/participations/{participation_id}/partner-referrals",
    response={201: DiversionPartnerReferralOut, **ERRORS},
    summary="Send a referral to the consent's partner agency (the consent must be active)",
)
@api(MANAGE)
def send_referral(request, participation_id: str, payload: DiversionPartnerReferralIn):
    made = services.send_referral(request.actor, participation_id=participation_id, **payload.model_dump())
    return Status(201, referral_out(made))


@router.post(
    "/partner-referrals/{referral_id}/withdraw",
    response={200: DiversionPartnerReferralOut, **ERRORS},
    summary="Withdraw a sent or accepted partner referral",
)
@api(MANAGE)
def withdraw_referral(request, referral_id: str, payload: DiversionWithdrawReferralIn):
    return referral_out(services.withdraw_referral(request.actor, referral_id=referral_id, **payload.model_dump()))


# --- partners ------------------------------------------------------------------------------------


@router.get(
    "/partner/referrals",
    response={200: list[DiversionReferralListedOut], **ERRORS},
    summary="Referrals to your organisation under an active consent (each listed is a logged disclosure)",
    exclude_unset=True,
)
@api(PARTNER_VIEW)
def partner_referrals(request):
    return queries.list_partner_referrals(request.actor)


@router.get(
    "/partner/referrals/{referral_id}",
    response={200: DiversionReferralSeenOut, **ERRORS},
    summary="A referral to your organisation: only what the consent covers (a logged disclosure)",
    exclude_unset=True,
)
@api(PARTNER_VIEW)
def partner_referral(request, referral_id: str):
    return queries.get_partner_referral(request.actor, referral_id)


@router.post(
    "/partner/referrals/{referral_id}/accept",
    response={200: DiversionReferralStatusOut, **ERRORS},
    summary="Accept a referral",
)
@api(PARTNER_RESPOND)
def accept_referral(request, referral_id: str, payload: DiversionAcceptIn):
    return status_out(services.accept_referral(request.actor, referral_id=referral_id, **payload.model_dump()))


@router.post(
    "/partner/referrals/{referral_id}/decline",
    response={200: DiversionReferralStatusOut, **ERRORS},
    summary="Decline a referral, saying why",
)
@api(PARTNER_RESPOND)
def decline_referral(request, referral_id: str, payload: DiversionDeclineIn):
    return status_out(services.decline_referral(request.actor, referral_id=referral_id, **payload.model_dump()))


@router.post(
    "/partner/referrals/{referral_id}/complete",
    response={200: DiversionReferralStatusOut, **ERRORS},
    summary="Record the outcome of an accepted referral",
)
@api(PARTNER_RESPOND)
def complete_referral(request, referral_id: str, payload: DiversionCompleteReferralIn):
    return status_out(services.complete_referral(request.actor, referral_id=referral_id, **payload.model_dump()))
