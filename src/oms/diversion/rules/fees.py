"""The sliding-scale programme fee with the indigent waiver.

The household's yearly income is compared with the poverty guideline for its size (US HHS 2024
guidelines for the 48 contiguous states: 15,060 dollars for one person plus 5,380 for each further
person, 88 FR 3424 published January 2024 and carried as data here). The fee is a share of the
programme's full fee by band:

| income as % of the guideline | share of the full fee |
|---|---|
| up to 125% (or on a means-tested benefit) | 0: indigent, waived |
| over 125% up to 200% | 25% |
| over 200% up to 300% | 50% |
| over 300% up to 400% | 75% |
| over 400% | 100% |

125% is the line the Legal Services Corporation uses for free civil legal aid (45 CFR 1611.3); the
quarter steps follow the sliding scales published by US pretrial diversion programmes. The share is
rounded down to whole minor units, so a participant never pays more than the table says.
All amounts are integer minor units (cents).
"""

from __future__ import annotations

from dataclasses import dataclass

from oms.core.errors import RuleViolation

GUIDELINE_FIRST_PERSON_MINOR = 1_506_000
GUIDELINE_EACH_FURTHER_MINOR = 538_000
INDIGENT_PERCENT = 125
# (upper bound in % of the guideline, inclusive; share of the full fee in %); the last band has no bound.
BANDS: tuple[tuple[int | None, int, str], ...] = (
    (125, 0, "indigent"),
    (200, 25, "25%"),
    (300, 50, "50%"),
    (400, 75, "75%"),
    (None, 100, "full"),
)
MAX_HOUSEHOLD = 30
MAX_INCOME_MINOR = 10**12


@dataclass(frozen=True)
class FeeAssessment:
    fee_minor: int  # what the participant is charged after the scale (0 when waived)
    band: str
    share_percent: int
    income_percent_of_guideline: int  # rounded down
    waived: bool
    explanation: str


def poverty_guideline_minor(household_size: int) -> int:
    return GUIDELINE_FIRST_PERSON_MINOR + GUIDELINE_EACH_FURTHER_MINOR * (household_size - 1)


def assess_fee(
    full_fee_minor: int, *, household_income_minor: int, household_size: int, means_tested_benefit: bool = False
) -> FeeAssessment:
    if (
        isinstance(household_size, bool)
        or not isinstance(household_size, int)
        or not 1 <= household_size <= MAX_HOUSEHOLD
    ):
        raise RuleViolation(
            f"The household size must be from 1 to {MAX_HOUSEHOLD}",
            code="diversion.bad_household_size",
            field="household_size",
        )
    if (
        isinstance(household_income_minor, bool)
        or not isinstance(household_income_minor, int)
        or not 0 <= household_income_minor <= MAX_INCOME_MINOR
    ):
        raise RuleViolation(
            "The household income must be a whole amount of 0 or more",
            code="diversion.bad_income",
            field="household_income_minor",
        )
    if not isinstance(full_fee_minor, int) or full_fee_minor < 0:
        raise RuleViolation("The full fee must be 0 or more", code="diversion.bad_fee", field="full_fee_minor")
    guideline = poverty_guideline_minor(household_size)
    percent = household_income_minor * 100 // guideline
    if means_tested_benefit:
        return FeeAssessment(0, "indigent", 0, percent, True, "On a means-tested benefit: indigent, fee waived")
    for bound, share, band in BANDS:
        # Compare exactly in integers: income * 100 <= bound * guideline.
        if bound is None or household_income_minor * 100 <= bound * guideline:
            fee = full_fee_minor * share // 100
            waived = share == 0
            limit = f"up to {bound}%" if bound is not None else "over 400%"
            text = f"Income {percent}% of the poverty guideline for {household_size} ({limit}): "
            text += "indigent, fee waived" if waived else f"{share}% of the full fee"
            return FeeAssessment(fee, band, share, percent, waived, text)
    raise AssertionError("the last band has no bound")
