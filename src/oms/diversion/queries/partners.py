"""Reading partner consents, referrals and disclosures.

Two kinds of reader:

- **coordinators** (``diversion.view``) reach a participation's consents, partner referrals and the
  disclosure log through the participation's programme site (out of scope answers 404);
- **partner users** (``diversion.partner_view``) reach only referrals made to their own organisation
  (``User.organisation``), and only while the referral's consent is active: a withdrawn or expired
  consent answers 404 exactly like a missing referral. What they see is built by
  ``rules.partners.disclose`` from the consent's categories and nothing else, and each read writes a
  ``Disclosure`` row and the audit event ``diversion.partner_referral_disclosed`` in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.core.ids import parse_public_id
from oms.diversion.models import Disclosure, Participation, PartnerConsent, PartnerReferral
from oms.diversion.queries import participations as participation_queries
from oms.diversion.rules import partners as rules
from oms.facilities.models import Organisation
from oms.people.models import Address

VIEW = "diversion.view"
PARTNER_VIEW = "diversion.partner_view"


# --- coordinators ---------------------------------------------------------------------------------


def partner_organisations() -> list[Organisation]:
    """The partner agencies a consent can name (active organisations of kind partner_agency)."""
    return list(Organisation.objects.filter(kind=Organisation.Kind.PARTNER_AGENCY, active=True).order_by("name"))


def find_partner(partner_id) -> Organisation:
    wanted = parse_public_id(partner_id, code="diversion.partner_not_found")
    found = Organisation.objects.filter(public_id=wanted, kind=Organisation.Kind.PARTNER_AGENCY, active=True).first()
    if found is None:
        raise NotFound("No such partner agency", code="diversion.partner_not_found")
    return found


def find_consent(actor: Actor, consent_id, *, for_update: bool = False) -> PartnerConsent:
    """A consent on a participation the actor reaches (coordinator side)."""
    wanted = parse_public_id(consent_id, code="diversion.consent_not_found")
    found = PartnerConsent.objects.select_related("participation__programme__site", "partner").filter(
        participation__in=participation_queries.participations_in_scope(actor), public_id=wanted
    )
    if for_update:
        found = found.select_for_update(of=("self",))
    consent = found.first()
    if consent is None:
        raise NotFound("No such consent", code="diversion.consent_not_found")
    return consent


def find_referral(actor: Actor, referral_id, *, for_update: bool = False) -> PartnerReferral:
    """A partner referral on a participation the actor reaches (coordinator side)."""
    wanted = parse_public_id(referral_id, code="diversion.partner_referral_not_found")
    found = PartnerReferral.objects.select_related("participation__programme__site", "partner", "consent").filter(
        participation__in=participation_queries.participations_in_scope(actor), public_id=wanted
    )
    if for_update:
        found = found.select_for_update(of=("self",))
    referral = found.first()
    if referral is None:
        raise NotFound("No such partner referral", code="diversion.partner_referral_not_found")
    return referral


def consent_state(consent: PartnerConsent, today: dt.date | None = None) -> str:
    facts = rules.ConsentFacts(consent.given_on, consent.expires_on, consent.withdrawn_on)
    return rules.consent_status(facts, today or clock.today())


@dataclass
class PartnerSide:
    """What a coordinator sees of a participation's partner work: consents, referrals, disclosures."""

    consents: list[PartnerConsent]
    referrals: list[PartnerReferral]
    disclosures: list[Disclosure]
    consent_states: dict[int, str]


def partner_side(actor: Actor, participation_id) -> PartnerSide:
    """Consents, partner referrals and the disclosure log of one participation (diversion.view).
    The participant page has already audited its own read; this adds no further event."""
    actor.require(VIEW)
    participation = participation_queries.find_participation(actor, participation_id)
    return partner_side_of(participation)


def partner_side_of(participation: Participation) -> PartnerSide:
    consents = list(participation.partner_consents.select_related("partner", "recorded_by", "withdrawn_by"))
    referrals = list(participation.partner_referrals.select_related("partner", "consent", "sent_by"))
    disclosures = list(
        Disclosure.objects.filter(referral__participation=participation).select_related("user", "partner", "referral")[
            :200
        ]
    )
    today = clock.today()
    return PartnerSide(consents, referrals, disclosures, {c.pk: consent_state(c, today) for c in consents})


# --- partners -------------------------------------------------------------------------------------


def _partner_referrals(actor: Actor):
    """Referrals to the actor's own organisation, under a consent active today. An actor with no
    organisation reaches none, whatever their scope: partner access is by organisation only."""
    if actor.organisation_id is None:
        return PartnerReferral.objects.none()
    today = clock.today()
    return PartnerReferral.objects.select_related(
        "consent", "partner", "participation__person", "participation__programme__site", "participation__referral"
    ).filter(
        Q(consent__withdrawn_on__isnull=True) | Q(consent__withdrawn_on__gt=today),
        partner_id=actor.organisation_id,
        consent__partner_id=actor.organisation_id,
        consent__given_on__lte=today,
        consent__expires_on__gte=today,
    )


def find_partner_referral(actor: Actor, referral_id, *, for_update: bool = False) -> PartnerReferral:
    """A referral to the actor's organisation under an active consent; anything else is NotFound."""
    wanted = parse_public_id(referral_id, code="diversion.partner_referral_not_found")
    found = _partner_referrals(actor).filter(public_id=wanted)
    if for_update:
        found = found.select_for_update(of=("self",))
    referral = found.first()
    if referral is None:
        raise NotFound("No such referral", code="diversion.partner_referral_not_found")
    return referral


def _address(person_id: int) -> str:
    address = Address.objects.filter(person_id=person_id, to_date__isnull=True).order_by("-is_primary", "-id").first()
    if address is None:
        return ""
    if address.kind == Address.Kind.NO_FIXED_ABODE:
        return "No fixed abode"
    return ", ".join(p for p in (address.line1, address.line2, address.town, address.postcode) if p)


def full_record(referral: PartnerReferral, *, today: dt.date | None = None) -> dict:
    """Everything a partner could ever be shown about a referral, before the consent filter. Never
    returned to a partner as it is: always through ``rules.partners.disclose``."""
    p = referral.participation
    person = p.person
    detail = participation_queries.detail_of(p, today=today)
    return {
        "referral_id": str(referral.public_id),
        "service_type": referral.service_type,
        "purpose": referral.purpose,
        "status": referral.status,
        "sent_at": referral.sent_at,
        "responded_at": referral.responded_at,
        "completed_at": referral.completed_at,
        "response_note": referral.response_note,
        "outcome_note": referral.outcome_note,
        "referred_by": p.programme.site.name,
        "consent_expires_on": referral.consent.expires_on,
        "version": referral.version,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth,
        "address": _address(person.pk),
        "telephone": referral.telephone,
        "offence_summary": p.referral.offence_summary,
        "offence_category": p.referral.offence_category,
        "programme_state": p.get_state_display(),
        "requirements": [
            {"label": i.label, "due_on": i.requirement.due_on, "status": i.status.status} for i in detail.requirements
        ],
        "percent_complete": detail.summary.percent_complete,
        rules.needs_field(referral.service_type): referral.needs,
    }


def _disclose(actor: Actor, referral: PartnerReferral, shown: dict, *, purpose: str) -> None:
    """The disclosure row and its audit event, in the caller's transaction (no log, no data)."""
    fields = rules.personal_fields(shown)
    Disclosure.objects.create(
        referral=referral,
        consent=referral.consent,
        person_id=referral.participation.person_id,
        partner_id=referral.partner_id,
        user_id=actor.user_id,
        fields=fields,
        channel="api" if actor.channel == "api" else "web",
        disclosed_at=clock.now(),
    )
    record_event(
        actor,
        "diversion.partner_referral_disclosed",
        object_type="diversion_partner_referral",
        object_id=referral.public_id,
        subject_person_id=referral.participation.person_id,
        site_id=referral.participation.programme.site_id,
        details={
            "fields": fields,
            "consent_id": str(referral.consent.public_id),
            "partner_id": str(referral.partner.public_id),
            "purpose": purpose,
        },
    )


def shown_to_partner(referral: PartnerReferral, *, today: dt.date | None = None) -> dict:
    """The consent-limited view of a referral: the full record through the consent filter."""
    return rules.disclose(referral.consent.categories, full_record(referral, today=today))


def get_partner_referral(actor: Actor, referral_id) -> dict:
    """One referral as its partner may see it (diversion.partner_view); a disclosure is logged."""
    actor.require(PARTNER_VIEW)
    referral = find_partner_referral(actor, referral_id)
    shown = shown_to_partner(referral)
    _disclose(actor, referral, shown, purpose="referral")
    return shown


LIST_FIELDS = ("referral_id", "service_type", "purpose", "status", "sent_at", "given_name", "family_name")


def list_partner_referrals(actor: Actor, *, status: str | None = None) -> list[dict]:
    """Referrals to the actor's organisation under an active consent (diversion.partner_view), newest
    first, each with the referral's facts and the participant's name (which every consent covers),
    through the consent filter; one disclosure row per referral listed."""
    actor.require(PARTNER_VIEW)
    found = _partner_referrals(actor)
    if status:
        found = found.filter(status=status)
    rows = []
    for referral in found.order_by("-sent_at", "-id")[:200]:
        record = {
            "referral_id": str(referral.public_id),
            "service_type": referral.service_type,
            "purpose": referral.purpose,
            "status": referral.status,
            "sent_at": referral.sent_at,
            "given_name": referral.participation.person.given_name,
            "family_name": referral.participation.person.family_name,
        }
        shown = rules.disclose(referral.consent.categories, record)
        _disclose(actor, referral, shown, purpose="list")
        rows.append(shown)
    return rows
