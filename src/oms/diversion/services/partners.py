"""Consent and referrals to social-service partners.

Coordinators (``diversion.manage``, on a participation whose programme site they reach, else NotFound)
record the participant's consent to share named categories with one partner agency for a purpose,
withdraw it (with a reason: open referrals under it are withdrawn too), send referrals under an active
consent and withdraw them. Partner users (``diversion.partner_respond``, referrals to their own
organisation under an active consent, else NotFound) accept or decline a sent referral and record the
outcome of an accepted one. Referral changes take the ``version`` read (Conflict when stale). Each
change writes one audit event ``diversion.partner_<entity>_<past verb>`` in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.diversion.models import Participation, PartnerConsent, PartnerReferral
from oms.diversion.queries import participations as participation_queries
from oms.diversion.queries import partners as queries
from oms.diversion.rules import partners as rules
from oms.diversion.services._common import check_choice, check_date, clean_text

MANAGE = "diversion.manage"
RESPOND = "diversion.partner_respond"
# A participant can be referred on from referral to the end of the programme, not after an outcome or
# an ineligible assessment: the programme's duty (and the coordinator's reach) ends there.
OPEN_STATES = ("referred", "eligible", "agreement_signed", "active")


def _audit(actor: Actor, obj, action: str, participation: Participation, *, changed=(), details=None, reason=""):
    record_event(
        actor,
        f"diversion.{action}",
        object_type="diversion_partner_consent" if isinstance(obj, PartnerConsent) else "diversion_partner_referral",
        object_id=obj.public_id,
        subject_person_id=participation.person_id,
        site_id=participation.programme.site_id,
        changed_fields=changed,
        details={"partner_id": str(obj.partner.public_id), **(details or {})},
        reason=reason,
    )


def _check_open(participation: Participation) -> None:
    if participation.state not in OPEN_STATES:
        raise RuleViolation(
            "Partner referrals can be made only while the participation is open",
            code="diversion.participation_closed",
            field="participation_id",
        )


def _check_version(referral: PartnerReferral, version) -> None:
    if version is None or referral.version != version:
        raise Conflict(
            "Someone else changed this referral since you read it: reload it and try again",
            code="diversion.version_conflict",
            field="version",
        )


def _save(referral: PartnerReferral) -> None:
    referral.version += 1
    referral.updated_at = clock.now()
    referral.save()


# --- consent --------------------------------------------------------------------------------------


def record_consent(
    actor: Actor,
    *,
    participation_id,
    partner_id,
    purpose: str,
    categories,
    given_on: dt.date | None = None,
    expires_on: dt.date | None = None,
) -> PartnerConsent:
    """Record the participant's consent to share ``categories`` with one partner agency for ``purpose``
    (diversion.manage). Audited ``diversion.partner_consent_recorded`` with the categories."""
    actor.require(MANAGE)
    participation = participation_queries.find_participation(actor, participation_id, for_update=True)
    _check_open(participation)
    partner = queries.find_partner(partner_id)
    purpose = clean_text(purpose, "purpose", 1000, required=True)
    categories = rules.check_categories(categories)
    today = clock.today()
    given_on = check_date(given_on or today, "given_on")
    expires_on = check_date(expires_on, "expires_on")
    rules.check_consent_dates(given_on, expires_on, today)
    consent = PartnerConsent.objects.create(
        participation=participation,
        partner=partner,
        purpose=purpose,
        categories=categories,
        given_on=given_on,
        expires_on=expires_on,
        recorded_at=clock.now(),
        recorded_by_id=actor.user_id,
    )
    _audit(
        actor,
        consent,
        "partner_consent_recorded",
        participation,
        changed=["partner", "purpose", "categories", "given_on", "expires_on"],
        details={"categories": categories, "expires_on": expires_on.isoformat()},
    )
    return consent


def withdraw_consent(actor: Actor, *, consent_id, reason: str, withdrawn_on: dt.date | None = None) -> PartnerConsent:
    """Record that the participant withdrew consent (diversion.manage, reason required). From that day
    the partner sees nothing under it; open referrals under it are withdrawn in the same transaction."""
    actor.require(MANAGE)
    consent = queries.find_consent(actor, consent_id, for_update=True)
    if consent.withdrawn_on is not None:
        raise RuleViolation(
            "This consent was already withdrawn", code="diversion.consent_withdrawn", field="consent_id"
        )
    reason = clean_text(reason, "reason", 1000, required=True)
    today = clock.today()
    withdrawn_on = check_date(withdrawn_on or today, "withdrawn_on")
    if withdrawn_on > today:
        raise RuleViolation(
            "The withdrawal date cannot be in the future", code="diversion.in_future", field="withdrawn_on"
        )
    if withdrawn_on < consent.given_on:
        raise RuleViolation(
            "Consent cannot be withdrawn before the date it was given",
            code="diversion.consent_dates",
            field="withdrawn_on",
        )
    consent.withdrawn_on = withdrawn_on
    consent.withdrawn_reason = reason
    consent.withdrawn_by_id = actor.user_id
    consent.save()
    participation = consent.participation
    _audit(
        actor,
        consent,
        "partner_consent_withdrawn",
        participation,
        changed=["withdrawn_on", "withdrawn_reason"],
        reason=reason,
    )
    open_referrals = consent.referrals.select_for_update().filter(
        status__in=(PartnerReferral.Status.SENT, PartnerReferral.Status.ACCEPTED)
    )
    for referral in open_referrals.select_related("partner"):
        _withdraw(actor, referral, participation, reason="Consent withdrawn")
    return consent


# --- referrals (coordinator) ----------------------------------------------------------------------


def send_referral(
    actor: Actor,
    *,
    participation_id,
    consent_id,
    service_type: str,
    purpose: str,
    needs: str = "",
    telephone: str = "",
) -> PartnerReferral:
    """Send a referral to the consent's partner (diversion.manage). Refused unless the consent is active
    today (``diversion.consent_not_active`` on ``consent_id``). What the partner will see is decided by
    the consent's categories when they read it, not here."""
    actor.require(MANAGE)
    participation = participation_queries.find_participation(actor, participation_id, for_update=True)
    _check_open(participation)
    consent = queries.find_consent(actor, consent_id)
    if consent.participation_id != participation.pk:
        raise RuleViolation(
            "That consent was given for another participation", code="diversion.wrong_consent", field="consent_id"
        )
    state = queries.consent_state(consent)
    if state != rules.ACTIVE:
        raise RuleViolation(
            f"The consent is {state.replace('_', ' ')}: record a new consent before referring",
            code="diversion.consent_not_active",
            field="consent_id",
        )
    service_type = check_choice(service_type, PartnerReferral.ServiceType.values, "service_type")
    now = clock.now()
    referral = PartnerReferral.objects.create(
        participation=participation,
        partner=consent.partner,
        consent=consent,
        service_type=service_type,
        purpose=clean_text(purpose, "purpose", 1000, required=True),
        needs=clean_text(needs, "needs", 2000),
        telephone=clean_text(telephone, "telephone", 40),
        sent_at=now,
        sent_by_id=actor.user_id,
        updated_at=now,
    )
    _audit(
        actor,
        referral,
        "partner_referral_sent",
        participation,
        changed=["partner", "service_type", "purpose", "needs", "telephone"],
        details={"service_type": service_type, "consent_id": str(consent.public_id)},
    )
    return referral


def _withdraw(actor: Actor, referral: PartnerReferral, participation: Participation, *, reason: str) -> None:
    rules.check_referral_transition(referral.status, PartnerReferral.Status.WITHDRAWN)
    referral.status = PartnerReferral.Status.WITHDRAWN
    referral.withdrawn_at = clock.now()
    referral.withdrawn_reason = reason
    _save(referral)
    _audit(
        actor,
        referral,
        "partner_referral_withdrawn",
        participation,
        changed=["status", "withdrawn_reason"],
        details={"status": referral.status, "version": referral.version},
        reason=reason,
    )


def withdraw_referral(actor: Actor, *, referral_id, version, reason: str) -> PartnerReferral:
    """Withdraw a sent or accepted referral (diversion.manage, reason required)."""
    actor.require(MANAGE)
    referral = queries.find_referral(actor, referral_id, for_update=True)
    _check_version(referral, version)
    reason = clean_text(reason, "reason", 1000, required=True)
    _withdraw(actor, referral, referral.participation, reason=reason)
    return referral


# --- referrals (partner) --------------------------------------------------------------------------


def _respond(actor: Actor, referral_id, version, wanted: str, *, note: str, note_field: str, required: bool):
    actor.require(RESPOND)
    referral = queries.find_partner_referral(actor, referral_id, for_update=True)
    _check_version(referral, version)
    rules.check_referral_transition(referral.status, wanted)
    limit = 2000 if note_field == "outcome_note" else 1000
    note = clean_text(note, note_field, limit, required=required)
    now = clock.now()
    referral.status = wanted
    if wanted == PartnerReferral.Status.COMPLETED:
        referral.completed_at = now
        referral.outcome_note = note
    else:
        referral.responded_at = now
        referral.response_note = note
    _save(referral)
    _audit(
        actor,
        referral,
        f"partner_referral_{wanted}",
        referral.participation,
        changed=["status", note_field],
        details={"status": wanted, "version": referral.version},
    )
    return referral


def accept_referral(actor: Actor, *, referral_id, version, note: str = "") -> PartnerReferral:
    """The partner accepts a sent referral (diversion.partner_respond); audited ``_accepted``."""
    return _respond(
        actor, referral_id, version, PartnerReferral.Status.ACCEPTED, note=note, note_field="note", required=False
    )


def decline_referral(actor: Actor, *, referral_id, version, note: str) -> PartnerReferral:
    """The partner declines a sent referral, saying why (diversion.partner_respond); audited ``_declined``."""
    return _respond(
        actor, referral_id, version, PartnerReferral.Status.DECLINED, note=note, note_field="note", required=True
    )


def complete_referral(actor: Actor, *, referral_id, version, outcome_note: str) -> PartnerReferral:
    """The partner records the outcome of an accepted referral (diversion.partner_respond)."""
    return _respond(
        actor,
        referral_id,
        version,
        PartnerReferral.Status.COMPLETED,
        note=outcome_note,
        note_field="outcome_note",
        required=True,
    )
