"""Eligibility: a programme's criteria (data) checked against the facts of one referral.

Criteria (all optional; an empty set admits everyone):
- ``min_age`` / ``max_age``: whole years on the referral date;
- ``max_prior_convictions``: at most this many previous convictions;
- ``excluded_offence_categories``: offence categories the programme does not take (e.g. "violence");
- ``allow_pending_charges``: false refuses someone with other charges pending;
- ``referrer_kinds``: which referrers the programme accepts ("police", "prosecutor").

Each criterion gives a result with an explanation. A fact the assessor did not give makes that criterion
``unknown``, and an unknown criterion is not a pass: the person is eligible only when every criterion
is met.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from oms.core.errors import RuleViolation

REFERRER_KINDS = ("police", "prosecutor")
KNOWN = (
    "min_age",
    "max_age",
    "max_prior_convictions",
    "excluded_offence_categories",
    "allow_pending_charges",
    "referrer_kinds",
)
CATEGORY_MAX = 40


def _bad(field: str, detail: str) -> RuleViolation:
    return RuleViolation(detail, code="diversion.bad_criteria", field=f"eligibility.{field}")


def _whole(value, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _bad(field, f"{field} must be a whole number from {low} to {high}")
    return value


def check_criteria(criteria) -> dict:
    """The criteria cleaned (categories lower-cased, sorted), or RuleViolation naming the bad field."""
    if not isinstance(criteria, dict):
        raise RuleViolation(
            "The eligibility criteria must be an object", code="diversion.bad_criteria", field="eligibility"
        )
    unknown = sorted(set(criteria) - set(KNOWN))
    if unknown:
        raise _bad(unknown[0], f"Unknown criterion '{unknown[0]}'")
    clean: dict = {}
    for name in ("min_age", "max_age"):
        if criteria.get(name) is not None:
            clean[name] = _whole(criteria[name], name, 10, 120)
    if "min_age" in clean and "max_age" in clean and clean["max_age"] < clean["min_age"]:
        raise _bad("max_age", "max_age must be at least min_age")
    if criteria.get("max_prior_convictions") is not None:
        clean["max_prior_convictions"] = _whole(criteria["max_prior_convictions"], "max_prior_convictions", 0, 100)
    if criteria.get("excluded_offence_categories") is not None:
        cats = criteria["excluded_offence_categories"]
        if not isinstance(cats, list) or not all(
            isinstance(c, str) and 0 < len(c.strip()) <= CATEGORY_MAX for c in cats
        ):
            raise _bad(
                "excluded_offence_categories",
                f"excluded_offence_categories must be a list of names of 1 to {CATEGORY_MAX} characters",
            )
        clean["excluded_offence_categories"] = sorted({c.strip().lower() for c in cats})
    if criteria.get("allow_pending_charges") is not None:
        if not isinstance(criteria["allow_pending_charges"], bool):
            raise _bad("allow_pending_charges", "allow_pending_charges must be true or false")
        clean["allow_pending_charges"] = criteria["allow_pending_charges"]
    if criteria.get("referrer_kinds") is not None:
        kinds = criteria["referrer_kinds"]
        if not isinstance(kinds, list) or not kinds or not all(k in REFERRER_KINDS for k in kinds):
            raise _bad("referrer_kinds", "referrer_kinds must list one or both of: police, prosecutor")
        clean["referrer_kinds"] = sorted(set(kinds))
    return clean


@dataclass(frozen=True)
class Facts:
    referred_on: dt.date
    referrer_kind: str
    date_of_birth: dt.date | None = None
    prior_convictions: int | None = None
    offence_category: str = ""
    pending_charges: bool | None = None


@dataclass(frozen=True)
class CriterionResult:
    criterion: str
    outcome: str  # "met", "not_met" or "unknown"
    explanation: str

    def as_dict(self) -> dict:
        return asdict(self)


def age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def check_eligibility(criteria: dict, facts: Facts) -> list[CriterionResult]:
    """Each criterion's result, in a fixed order."""
    results: list[CriterionResult] = []
    age = age_on(facts.date_of_birth, facts.referred_on) if facts.date_of_birth else None
    for name, word, ok in (("min_age", "at least", lambda a, v: a >= v), ("max_age", "at most", lambda a, v: a <= v)):
        if name not in criteria:
            continue
        limit = criteria[name]
        if age is None:
            results.append(
                CriterionResult(name, "unknown", f"Age must be {word} {limit}; the date of birth is not recorded")
            )
        else:
            met = ok(age, limit)
            results.append(
                CriterionResult(name, "met" if met else "not_met", f"Age on referral {age}; must be {word} {limit}")
            )
    if "max_prior_convictions" in criteria:
        limit = criteria["max_prior_convictions"]
        if facts.prior_convictions is None:
            results.append(
                CriterionResult(
                    "max_prior_convictions",
                    "unknown",
                    f"At most {limit} prior convictions allowed; the number was not given",
                )
            )
        else:
            met = facts.prior_convictions <= limit
            results.append(
                CriterionResult(
                    "max_prior_convictions",
                    "met" if met else "not_met",
                    f"{facts.prior_convictions} prior conviction(s); at most {limit} allowed",
                )
            )
    if "excluded_offence_categories" in criteria:
        excluded = criteria["excluded_offence_categories"]
        category = facts.offence_category.strip().lower()
        if not category:
            results.append(
                CriterionResult(
                    "excluded_offence_categories",
                    "unknown",
                    f"Offence category not given; excluded: {', '.join(excluded)}",
                )
            )
        else:
            met = category not in excluded
            word = "not excluded" if met else "excluded"
            results.append(
                CriterionResult(
                    "excluded_offence_categories",
                    "met" if met else "not_met",
                    f"Offence category '{category}' is {word} (excluded: {', '.join(excluded) or 'none'})",
                )
            )
    if criteria.get("allow_pending_charges") is False:
        if facts.pending_charges is None:
            results.append(
                CriterionResult(
                    "allow_pending_charges", "unknown", "No other charges may be pending; not known whether any are"
                )
            )
        else:
            met = not facts.pending_charges
            results.append(
                CriterionResult(
                    "allow_pending_charges",
                    "met" if met else "not_met",
                    "No other charges pending"
                    if met
                    else "Other charges are pending; the programme does not allow them",
                )
            )
    if "referrer_kinds" in criteria:
        kinds = criteria["referrer_kinds"]
        met = facts.referrer_kind in kinds
        results.append(
            CriterionResult(
                "referrer_kinds",
                "met" if met else "not_met",
                f"Referred by {facts.referrer_kind}; the programme accepts referrals from {' and '.join(kinds)}",
            )
        )
    return results


def is_eligible(results: list[CriterionResult]) -> bool:
    return all(r.outcome == "met" for r in results)
