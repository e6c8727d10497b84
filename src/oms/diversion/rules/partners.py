"""Consent-limited disclosure to social-service partners: pure rules, no ORM, no I/O.

A partner (a housing, treatment or employment agency) sees a participant's information only as far as
the participant's recorded consent covers it. The consent names **categories**; every field a partner
page or API answer may carry belongs to exactly one category, or to the referral itself (its purpose,
service type, status: facts about the referral, not about the person beyond the fact that a referral
exists, which the consent to refer already covers). ``disclose`` is the one filter every partner-facing
answer is built through: a field whose name it does not know is dropped (fail closed), so a field added
to the record later stays hidden until someone decides which category it belongs to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oms.core.errors import RuleViolation

NAME = "name"
DATE_OF_BIRTH = "date_of_birth"
CONTACT_DETAILS = "contact_details"
OFFENCE_SUMMARY = "offence_summary"
REQUIREMENTS_PROGRESS = "requirements_progress"
HOUSING_NEEDS = "housing_needs"
TREATMENT_NEEDS = "treatment_needs"
EMPLOYMENT_NEEDS = "employment_needs"

CATEGORIES: dict[str, str] = {
    NAME: "Name",
    DATE_OF_BIRTH: "Date of birth",
    CONTACT_DETAILS: "Contact details (address and telephone)",
    OFFENCE_SUMMARY: "Offence summary",
    REQUIREMENTS_PROGRESS: "Programme requirements and progress",
    HOUSING_NEEDS: "Housing needs",
    TREATMENT_NEEDS: "Treatment needs (drug and alcohol)",
    EMPLOYMENT_NEEDS: "Employment needs",
}

# Every personal field a partner answer may carry, and the one category that covers it.
FIELD_CATEGORY: dict[str, str] = {
    "given_name": NAME,
    "family_name": NAME,
    "date_of_birth": DATE_OF_BIRTH,
    "address": CONTACT_DETAILS,
    "telephone": CONTACT_DETAILS,
    "offence_summary": OFFENCE_SUMMARY,
    "offence_category": OFFENCE_SUMMARY,
    "programme_state": REQUIREMENTS_PROGRESS,
    "requirements": REQUIREMENTS_PROGRESS,
    "percent_complete": REQUIREMENTS_PROGRESS,
    "housing_needs": HOUSING_NEEDS,
    "treatment_needs": TREATMENT_NEEDS,
    "employment_needs": EMPLOYMENT_NEEDS,
}

# Facts about the referral itself, shown to the partner it was made to whatever the categories.
REFERRAL_FIELDS: frozenset[str] = frozenset(
    {
        "referral_id",
        "service_type",
        "purpose",
        "status",
        "sent_at",
        "responded_at",
        "completed_at",
        "response_note",
        "outcome_note",
        "referred_by",
        "consent_expires_on",
        "version",
    }
)

SERVICE_TYPES: dict[str, str] = {"housing": "Housing", "treatment": "Treatment", "employment": "Employment"}


def needs_field(service_type: str) -> str:
    """The record field (and category) holding the needs a referral of this service type describes."""
    return f"{service_type}_needs"


def check_categories(categories) -> list[str]:
    """The categories of a consent, validated and in a stable order. A consent must cover the person's
    name: a referral the partner cannot attach to anyone is not one they can act on, and a participant
    consenting to a referral consents to being named to that partner."""
    if not isinstance(categories, list | tuple | set | frozenset) or not categories:
        raise RuleViolation(
            "Select what the participant agreed to share", code="diversion.bad_choice", field="categories"
        )
    unknown = [c for c in categories if c not in CATEGORIES]
    if unknown:
        raise RuleViolation("Select categories from the list only", code="diversion.bad_choice", field="categories")
    if NAME not in categories:
        raise RuleViolation(
            "A consent to refer must at least cover the participant's name",
            code="diversion.consent_without_name",
            field="categories",
        )
    return [c for c in CATEGORIES if c in categories]


def disclose(categories, record: dict) -> dict:
    """Only the fields of ``record`` that the consent's ``categories`` cover, plus the referral's own
    facts. Unknown fields are dropped; nothing is renamed or derived."""
    allowed = set(categories)
    return {
        key: value
        for key, value in record.items()
        if key in REFERRAL_FIELDS or (key in FIELD_CATEGORY and FIELD_CATEGORY[key] in allowed)
    }


def personal_fields(disclosed: dict) -> list[str]:
    """The personal fields in a disclosed answer, for the disclosure log (referral facts left out)."""
    return sorted(k for k in disclosed if k in FIELD_CATEGORY)


# --- consent validity -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentFacts:
    given_on: dt.date
    expires_on: dt.date
    withdrawn_on: dt.date | None = None


ACTIVE = "active"
NOT_YET = "not_yet_given"
EXPIRED = "expired"
WITHDRAWN = "withdrawn"


def consent_status(facts: ConsentFacts, today: dt.date) -> str:
    """``active`` from the day it was given to its expiry date inclusive, unless withdrawn on or before
    ``today``. Withdrawal wins over expiry (it is the participant's own act and the reason shown)."""
    if facts.withdrawn_on is not None and facts.withdrawn_on <= today:
        return WITHDRAWN
    if today < facts.given_on:
        return NOT_YET
    if today > facts.expires_on:
        return EXPIRED
    return ACTIVE


MAX_CONSENT_DAYS = 366


def check_consent_dates(given_on: dt.date, expires_on: dt.date, today: dt.date) -> None:
    """Consent is recorded once given (not in the future) and for at most a year: a participant's
    circumstances and the partner's needs change, so consent is asked again rather than left open."""
    if given_on > today:
        raise RuleViolation(
            "The date consent was given cannot be in the future", code="diversion.in_future", field="given_on"
        )
    if expires_on < given_on:
        raise RuleViolation(
            "The expiry date must be on or after the date consent was given",
            code="diversion.consent_dates",
            field="expires_on",
        )
    if (expires_on - given_on).days > MAX_CONSENT_DAYS:
        raise RuleViolation(
            "Consent can be recorded for at most a year; ask again when it runs out",
            code="diversion.consent_too_long",
            field="expires_on",
        )


# --- referral states ------------------------------------------------------------------------------

SENT = "sent"
ACCEPTED = "accepted"
DECLINED = "declined"
COMPLETED = "completed"
WITHDRAWN_REFERRAL = "withdrawn"

TRANSITIONS: dict[str, frozenset[str]] = {
    SENT: frozenset({ACCEPTED, DECLINED, WITHDRAWN_REFERRAL}),
    ACCEPTED: frozenset({COMPLETED, WITHDRAWN_REFERRAL}),
    DECLINED: frozenset(),
    COMPLETED: frozenset(),
    WITHDRAWN_REFERRAL: frozenset(),
}


def check_referral_transition(current: str, wanted: str) -> None:
    if wanted not in TRANSITIONS.get(current, frozenset()):
        raise RuleViolation(
            f"A referral that is {current} cannot become {wanted}",
            code="diversion.illegal_transition",
            field="status",
        )
