"""A participation's course: refer, assess eligibility, sign the agreement with its requirements and fee,
start, complete (only when every requirement is met) or terminate with a reason.

Permissions: diversion.refer (refer), diversion.manage (the rest), on a programme whose site the actor
reaches (else NotFound). Changes after the referral take the ``version`` the caller read (Conflict
``diversion.version_conflict`` when stale). Illegal moves are RuleViolation ``diversion.illegal_transition``
on the field ``state``. Each change writes one audit event ``diversion.participation_<past verb>``.
"""

from __future__ import annotations

import datetime as dt

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import RuleViolation
from oms.diversion.models import LedgerEntry, Participation, Referral, Requirement
from oms.diversion.queries import participations as queries
from oms.diversion.rules import eligibility as eligibility_rules
from oms.diversion.rules import fees as fee_rules
from oms.diversion.rules.states import check_transition
from oms.diversion.services._common import (
    audit,
    check_choice,
    check_date,
    check_version,
    check_whole,
    clean_text,
    save,
)
from oms.people import services as people_services
from oms.people.models import PersonSiteLink
from oms.people.queries.records import find_person

REFER = "diversion.refer"
MANAGE = "diversion.manage"
MAX_REQUIREMENTS = 30
# Per kind: (what the target counts, the largest target). None: the kind takes no target.
TARGETS: dict[str, tuple[str, int] | None] = {
    "community_service": ("hours", 2_000),
    "classes": ("sessions", 500),
    "counselling": ("sessions", 500),
    "restitution": ("minor units", 10_000_000_000),
    "drug_tests": ("tests", 500),
    "check_ins": ("check-ins", 1_000),
    "no_new_arrest": None,
}


def _move(participation: Participation, wanted: str) -> None:
    participation.state = check_transition(participation.state, wanted)


# --- refer ---------------------------------------------------------------------------------------


def refer(
    actor: Actor,
    *,
    person_id,
    programme_id,
    referrer_kind: str,
    referrer_name: str,
    offence_summary: str,
    offence_category: str = "",
    referrer_reference: str = "",
    referred_on: dt.date | None = None,
) -> Participation:
    """Record a referral from police or a prosecutor of a person in scope to a programme; it opens the
    participation (state referred) and links the person to the programme's site (kind diversion)."""
    actor.require(REFER)
    person = find_person(actor, person_id)
    programme = queries.find_programme(actor, programme_id)
    if not programme.active:
        raise RuleViolation(
            "The programme is closed to referrals", code="diversion.programme_inactive", field="programme_id"
        )
    referred_on = check_date(referred_on or clock.today(), "referred_on")
    if referred_on > clock.today():
        raise RuleViolation(
            "The referral date cannot be in the future", code="diversion.in_future", field="referred_on"
        )
    open_here = Participation.objects.filter(
        person=person, programme=programme, state__in=("referred", "eligible", "agreement_signed", "active")
    )
    if open_here.exists():
        raise RuleViolation(
            "The person already has an open referral to this programme",
            code="diversion.already_referred",
            field="person_id",
        )
    now = clock.now()
    referral = Referral.objects.create(
        person=person,
        programme=programme,
        referrer_kind=check_choice(referrer_kind, Referral.ReferrerKind.values, "referrer_kind"),
        referrer_name=clean_text(referrer_name, "referrer_name", 200, required=True),
        referrer_reference=clean_text(referrer_reference, "referrer_reference", 60),
        offence_summary=clean_text(offence_summary, "offence_summary", 2000, required=True),
        offence_category=clean_text(offence_category, "offence_category", 40).lower(),
        referred_on=referred_on,
        recorded_at=now,
        recorded_by_id=actor.user_id,
    )
    participation = Participation.objects.create(
        referral=referral, person=person, programme=programme, created_at=now, updated_at=now
    )
    site = programme.site
    linked = PersonSiteLink.objects.filter(
        person=person, site=site, kind=PersonSiteLink.Kind.DIVERSION, ended_on__isnull=True
    ).exists()
    if not linked:
        people_services.link_person_to_site(
            actor.lent("people.edit"),
            person_id=person.public_id,
            site_id=site.public_id,
            kind=PersonSiteLink.Kind.DIVERSION,
            started_on=referred_on,
        )
    audit(
        actor,
        participation,
        "participation_referred",
        changed=["referral", "state"],
        details={"referrer_kind": referral.referrer_kind, "programme": str(programme.public_id)},
    )
    return participation


# --- assess --------------------------------------------------------------------------------------


def assess_eligibility(
    actor: Actor,
    *,
    participation_id,
    version: int,
    prior_convictions: int | None = None,
    pending_charges: bool | None = None,
    offence_category: str | None = None,
) -> Participation:
    """Check the programme's criteria against the facts given (the date of birth from the person record,
    the referrer and, unless given, the offence category from the referral). The person becomes eligible
    only when every criterion is met; each result is kept with its explanation."""
    actor.require(MANAGE)
    participation = queries.find_participation(actor, participation_id, for_update=True)
    check_version(participation, version)
    referral = participation.referral
    category = (
        referral.offence_category if offence_category is None else clean_text(offence_category, "offence_category", 40)
    )
    facts = eligibility_rules.Facts(
        referred_on=referral.referred_on,
        referrer_kind=referral.referrer_kind,
        date_of_birth=participation.person.date_of_birth,
        prior_convictions=check_whole(prior_convictions, "prior_convictions", 0, 1000, required=False),
        offence_category=category.lower(),
        pending_charges=pending_charges if isinstance(pending_charges, bool) else None,
    )
    results = eligibility_rules.check_eligibility(participation.programme.eligibility, facts)
    eligible = eligibility_rules.is_eligible(results)
    _move(participation, "eligible" if eligible else "ineligible")
    participation.eligibility_facts = {
        "age_on_referral": eligibility_rules.age_on(facts.date_of_birth, facts.referred_on)
        if facts.date_of_birth
        else None,
        "prior_convictions": facts.prior_convictions,
        "pending_charges": facts.pending_charges,
        "offence_category": facts.offence_category,
        "referrer_kind": facts.referrer_kind,
    }
    participation.eligibility_results = [r.as_dict() for r in results]
    participation.assessed_at = clock.now()
    participation.assessed_by_id = actor.user_id
    save(participation)
    audit(
        actor,
        participation,
        "participation_assessed",
        changed=["state", "eligibility_facts", "eligibility_results"],
        details={"eligible": eligible, "not_met": [r.criterion for r in results if r.outcome != "met"]},
    )
    return participation


# --- agreement -----------------------------------------------------------------------------------


def _requirement(raw: dict, index: int, signed_on: dt.date) -> dict:
    def field(name: str) -> str:
        return f"requirements[{index}].{name}"

    if not isinstance(raw, dict):
        raise RuleViolation(
            "Each requirement must be an object", code="diversion.bad_requirement", field=f"requirements[{index}]"
        )
    kind = check_choice(raw.get("kind"), Requirement.Kind.values, field("kind"))
    target_rule = TARGETS[kind]
    target = raw.get("target")
    if target_rule is None:
        if target is not None:
            raise RuleViolation(
                "No new arrest takes no target", code="diversion.bad_requirement", field=field("target")
            )
    else:
        target = check_whole(target, field("target"), 1, target_rule[1])
    due_on = check_date(raw.get("due_on"), field("due_on"))
    if due_on < signed_on:
        raise RuleViolation(
            "The due date must be on or after the agreement date",
            code="diversion.due_before_agreement",
            field=field("due_on"),
        )
    plan = [raw.get("instalment_minor"), raw.get("instalment_every_days"), raw.get("first_instalment_on")]
    values = {
        "kind": kind,
        "target": target,
        "due_on": due_on,
        "detail": clean_text(raw.get("detail"), field("detail"), 1000),
        "instalment_minor": None,
        "instalment_every_days": None,
        "first_instalment_on": None,
    }
    if any(v is not None for v in plan):
        if kind != Requirement.Kind.RESTITUTION:
            raise RuleViolation(
                "Only restitution has a payment plan", code="diversion.bad_requirement", field=field("instalment_minor")
            )
        values["instalment_minor"] = check_whole(plan[0], field("instalment_minor"), 1, target)
        values["instalment_every_days"] = check_whole(plan[1], field("instalment_every_days"), 1, 366)
        first = check_date(plan[2], field("first_instalment_on"))
        if not signed_on <= first <= due_on:
            raise RuleViolation(
                "The first instalment must fall between the agreement date and the due date",
                code="diversion.bad_requirement",
                field=field("first_instalment_on"),
            )
        values["first_instalment_on"] = first
    return values


def sign_agreement(
    actor: Actor,
    *,
    participation_id,
    version: int,
    requirements: list[dict],
    signed_on: dt.date | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    household_income_minor: int,
    household_size: int,
    means_tested_benefit: bool = False,
) -> Participation:
    """Record the signed agreement: its requirements (chosen from the menu, each with its due date), its
    period, and the programme fee from the sliding scale. The fee is charged on the ledger; an indigent
    participant's fee is charged in full and waived in full, so the ledger shows the waiver. Restitution
    is charged against its requirement."""
    actor.require(MANAGE)
    participation = queries.find_participation(actor, participation_id, for_update=True)
    check_version(participation, version)
    _move(participation, "agreement_signed")
    signed_on = check_date(signed_on or clock.today(), "signed_on")
    if signed_on > clock.today():
        raise RuleViolation("The agreement date cannot be in the future", code="diversion.in_future", field="signed_on")
    starts_on = check_date(starts_on or signed_on, "starts_on")
    if starts_on < signed_on:
        raise RuleViolation(
            "The start must be on or after the agreement date", code="diversion.bad_period", field="starts_on"
        )
    if not isinstance(requirements, list) or not requirements:
        raise RuleViolation("Choose at least one requirement", code="diversion.no_requirements", field="requirements")
    if len(requirements) > MAX_REQUIREMENTS:
        raise RuleViolation(
            f"At most {MAX_REQUIREMENTS} requirements", code="diversion.too_many_requirements", field="requirements"
        )
    cleaned = [_requirement(raw, i, signed_on) for i, raw in enumerate(requirements)]
    last_due = max(r["due_on"] for r in cleaned)
    ends_on = check_date(ends_on or last_due, "ends_on")
    if ends_on < last_due:
        raise RuleViolation("The agreement must run to the last due date", code="diversion.bad_period", field="ends_on")
    programme = participation.programme
    fee = fee_rules.assess_fee(
        programme.full_fee_minor,
        household_income_minor=household_income_minor,
        household_size=household_size,
        means_tested_benefit=bool(means_tested_benefit),
    )
    now = clock.now()
    made = [Requirement.objects.create(participation=participation, **values) for values in cleaned]

    def entry(kind: str, amount: int, note: str, requirement=None) -> None:
        if amount > 0:
            LedgerEntry.objects.create(
                participation=participation,
                requirement=requirement,
                kind=kind,
                amount_minor=amount,
                on=signed_on,
                note=note,
                recorded_at=now,
                recorded_by_id=actor.user_id,
            )

    if fee.waived:
        entry("charge", programme.full_fee_minor, "Programme fee")
        entry("waiver", programme.full_fee_minor, f"Indigent waiver: {fee.explanation}")
    else:
        entry("charge", fee.fee_minor, f"Programme fee: {fee.explanation}")
    for requirement in made:
        if requirement.kind == Requirement.Kind.RESTITUTION:
            entry("charge", requirement.target, "Restitution ordered", requirement)
    participation.agreement_signed_on = signed_on
    participation.starts_on = starts_on
    participation.ends_on = ends_on
    participation.household_income_minor = household_income_minor
    participation.household_size = household_size
    participation.fee_band = fee.band
    participation.fee_minor = fee.fee_minor
    participation.fee_waived = fee.waived
    save(participation)
    audit(
        actor,
        participation,
        "participation_agreement_signed",
        changed=["state", "agreement_signed_on", "starts_on", "ends_on", "requirements", "fee_minor", "fee_waived"],
        details={"requirements": [r.kind for r in made], "fee_band": fee.band, "fee_minor": fee.fee_minor},
    )
    return participation


def start(actor: Actor, *, participation_id, version: int) -> Participation:
    """The participant begins: progress may be recorded from now on."""
    actor.require(MANAGE)
    participation = queries.find_participation(actor, participation_id, for_update=True)
    check_version(participation, version)
    _move(participation, "active")
    save(participation)
    audit(actor, participation, "participation_started", changed=["state"])
    return participation


# --- outcome -------------------------------------------------------------------------------------


def complete(actor: Actor, *, participation_id, version: int, reason: str = "") -> Participation:
    """Completed: the programme recommends dismissal. Refused, naming each unmet requirement, unless every
    requirement is met (hours only once verified). An unpaid programme fee does not block completion:
    nobody is returned to prosecution for being unable to pay."""
    actor.require(MANAGE)
    participation = queries.find_participation(actor, participation_id, for_update=True)
    check_version(participation, version)
    check_transition(participation.state, "completed")
    detail = queries.detail_of(participation)
    if not detail.summary.all_met:
        raise RuleViolation(
            "Not every requirement is met: " + "; ".join(detail.summary.unmet),
            code="diversion.requirements_unmet",
            field="requirements",
        )
    participation.state = "completed"
    participation.outcome_on = clock.today()
    participation.outcome_reason = clean_text(reason, "reason", 1000) or "All requirements met: dismissal recommended"
    participation.outcome_by_id = actor.user_id
    save(participation)
    audit(
        actor,
        participation,
        "participation_completed",
        changed=["state", "outcome_on", "outcome_reason"],
        reason=participation.outcome_reason,
    )
    return participation


def terminate(actor: Actor, *, participation_id, version: int, reason: str) -> Participation:
    """Terminated: the case returns to prosecution, with the reason."""
    actor.require(MANAGE)
    participation = queries.find_participation(actor, participation_id, for_update=True)
    check_version(participation, version)
    reason = clean_text(reason, "reason", 1000, required=True)
    _move(participation, "terminated")
    participation.outcome_on = clock.today()
    participation.outcome_reason = reason
    participation.outcome_by_id = actor.user_id
    save(participation)
    audit(
        actor,
        participation,
        "participation_terminated",
        changed=["state", "outcome_on", "outcome_reason"],
        reason=reason,
    )
    return participation
