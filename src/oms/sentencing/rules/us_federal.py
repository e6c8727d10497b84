"""United States federal sentences: full term, good conduct time, First Step Act credits, home
confinement eligibility. docs/sentencing-us-federal.md works through examples.

Sources:
- 18 U.S.C. 3584(c): multiple terms are treated as one aggregate term for administration.
- 18 U.S.C. 3585(b): credit for time in official detention before the sentence commences
  (``AdjustmentKind.REMAND``). Home detention and bail conditions are not official detention
  (Reno v. Koray, 515 U.S. 50 (1995)), so ``TAGGED_BAIL`` is not credited.
- 18 U.S.C. 3624(b)(1) as amended by the First Step Act of 2018, s. 102(b): up to 54 days of good
  conduct time for each year of the sentence imposed, for terms of more than 1 year (not life);
  28 CFR 523.20: disallowance for misconduct (``GOOD_CONDUCT_FORFEITED``).
- 18 U.S.C. 3632(d)(4)(A); 28 CFR 523.42: 10 days of time credits per 30 days of successful
  participation in programming, 15 when the last two risk assessments are minimum or low and the
  risk has not increased between them.
- 18 U.S.C. 3624(g)(1)(D), (g)(3); 28 CFR 523.44: credits apply only when the last assessment is
  minimum or low risk; up to 365 days move the transfer to supervised release earlier, the rest
  count toward prerelease custody (residential reentry or home confinement).
- 18 U.S.C. 3624(c)(2): home confinement for the shorter of 10 percent of the term or 6 months.
- 18 U.S.C. 3624(a): a release date on a weekend or holiday may be brought forward to the last
  preceding weekday (the profile's working-day rule).

Facts read from ``request.facts``: ``programming_days`` (int, days of successful participation in
evidence-based recidivism reduction programming or productive activities), ``risk_levels`` (the
PATTERN levels of the assessments so far, oldest first: "minimum", "low", "medium", "high") and
``fsa_eligible`` (bool, default True; False for the offences listed in 18 U.S.C. 3632(d)(4)(D)).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from oms.sentencing.rules.calendar import fmt
from oms.sentencing.rules.custodial_terms import (
    AggregateTerm,
    add_calendar,
    aggregate,
    credited_days,
    describe_parts,
    iso_period,
)
from oms.sentencing.rules.profiles import Profile
from oms.sentencing.rules.types import (
    AdjustmentKind,
    CalculatedDate,
    CalculationError,
    CalculationRequest,
    CalculationResult,
    DateType,
    Step,
)

GCT_DAYS_PER_YEAR = 54
FSA_DAYS_PER_30 = 10
FSA_LOW_RISK_DAYS_PER_30 = 15
SUPERVISED_RELEASE_CAP_DAYS = 365
RISK_ORDER = {"minimum": 0, "low": 1, "medium": 2, "high": 3}
LOW_RISK = {"minimum", "low"}

_IGNORED_ADJUSTMENTS = {
    AdjustmentKind.TAGGED_BAIL: "bail or home detention is not official detention (Reno v. Koray): not credited",
    AdjustmentKind.ADDITIONAL_DAYS: "additional days are not a federal sanction: ignored",
    AdjustmentKind.RESTORED_DAYS: "restored days are not a federal concept: ignored",
}


@dataclass(frozen=True)
class _Facts:
    programming_days: int
    risk_levels: tuple[str, ...]
    fsa_eligible: bool


def _read_facts(request: CalculationRequest) -> _Facts:
    facts = request.facts
    programming = facts.get("programming_days", 0)
    if not isinstance(programming, int) or isinstance(programming, bool) or programming < 0:
        raise CalculationError(
            "Programming days must be a whole number of days, zero or more.", "facts.programming_days", "bad_fact"
        )
    raw_levels = facts.get("risk_levels") or ()
    if not isinstance(raw_levels, list | tuple) or not all(isinstance(level, str) for level in raw_levels):
        raise CalculationError("Risk levels must be a list of levels.", "facts.risk_levels", "bad_fact")
    levels = tuple(level.lower() for level in raw_levels)
    unknown = [level for level in levels if level not in RISK_ORDER]
    if unknown:
        raise CalculationError(
            f"Unknown risk level {unknown[0]!r}: use minimum, low, medium or high.", "facts.risk_levels", "bad_fact"
        )
    eligible = facts.get("fsa_eligible", True)
    if not isinstance(eligible, bool):
        raise CalculationError("FSA eligibility must be true or false.", "facts.fsa_eligible", "bad_fact")
    return _Facts(programming, levels, eligible)


def good_conduct_time(term: AggregateTerm) -> tuple[int, Step]:
    """Most good conduct time the term can earn: 54 days per full year imposed, pro rata for the rest.

    The partial year is prorated by its whole months (54 x months / 12) plus its remaining days
    (54 x days / 365); fractions of a day are not credited.
    """
    years, months, days = term.parts
    if years == 0 or (years == 1 and not months and not days):
        return 0, Step(
            "usfed.gct",
            f"good conduct time = 0 days: a term of {describe_parts(years, months, days)} is not more than "
            "1 year (18 U.S.C. 3624(b)(1))",
        )
    full = GCT_DAYS_PER_YEAR * years
    partial = (GCT_DAYS_PER_YEAR * months * 365 + GCT_DAYS_PER_YEAR * days * 12) // (12 * 365)
    if months or days:
        share = " + ".join(
            text
            for n, text in ((months, f"54 x {months}/12"), (days, f"54 x {days}/365"))
            if n  # only the parts present
        )
        partial_text = (
            f" + {partial} days for the partial year of {describe_parts(0, months, days)} "
            f"({share}, fractions of a day dropped)"
        )
    else:
        partial_text = ""
    plural = "year" if years == 1 else "years"
    text = f"good conduct time = 54 days x {years} full {plural}{partial_text} = {full + partial} days"
    return full + partial, Step("usfed.gct", f"{text} (18 U.S.C. 3624(b)(1))")


def _fsa_credits(request: CalculationRequest, facts: _Facts) -> tuple[int, list[Step], list[str]]:
    """Credits applicable to release, with the steps that explain them."""
    steps: list[Step] = []
    warnings: list[str] = []
    awarded = sum(a.days for a in request.adjustments if a.kind is AdjustmentKind.EARNED_TIME_CREDIT)
    if not facts.fsa_eligible:
        if facts.programming_days or awarded:
            steps.append(Step("usfed.fsa", "time credits = 0 days: ineligible offence (18 U.S.C. 3632(d)(4)(D))"))
        return 0, steps, warnings
    last_two = facts.risk_levels[-2:]
    low_rate = (
        len(last_two) == 2
        and all(level in LOW_RISK for level in last_two)
        and RISK_ORDER[last_two[1]] <= RISK_ORDER[last_two[0]]
    )
    rate = FSA_LOW_RISK_DAYS_PER_30 if low_rate else FSA_DAYS_PER_30
    periods = facts.programming_days // 30
    earned = periods * rate
    if facts.programming_days:
        why = (
            f"minimum or low risk, not increased, at the last two assessments ({', '.join(last_two)})"
            if low_rate
            else "not minimum or low risk without increase at two consecutive assessments"
        )
        steps.append(
            Step(
                "usfed.fsa_earned",
                f"time credits earned = {rate} days x {periods} periods of 30 days "
                f"({facts.programming_days} programming days) = {earned} days; {rate} days because {why} "
                "(18 U.S.C. 3632(d)(4)(A))",
            )
        )
    if awarded:
        steps.append(Step("usfed.fsa_awarded", f"time credits already awarded = {awarded} days"))
    total = earned + awarded
    if not total:
        return 0, steps, warnings
    if not facts.risk_levels:
        warnings.append(
            "No risk assessment was given: FSA credits were applied without checking that the last "
            "assessment is minimum or low risk (18 U.S.C. 3624(g)(1)(D))."
        )
    elif facts.risk_levels[-1] not in LOW_RISK:
        steps.append(
            Step(
                "usfed.fsa_not_applied",
                f"time credits applied = 0 of {total} days: the last assessment is {facts.risk_levels[-1]} risk; "
                "credits apply only at minimum or low risk, or on a warden's approved petition "
                "(18 U.S.C. 3624(g)(1)(D))",
            )
        )
        return 0, steps, warnings
    return total, steps, warnings


def _not_before(day: date, start: date) -> date:
    return day if day >= start else start


def _no_custodial_result(profile: Profile, warnings: list[str]) -> CalculationResult:
    return CalculationResult(
        profile=profile.code,
        profile_version=profile.version,
        dates={},
        release_date_type=None,
        warnings=(*warnings, "No custodial sentence: there is no release date."),
    )


def calculate(request: CalculationRequest, profile: Profile) -> CalculationResult:
    facts = _read_facts(request)
    term = aggregate(request, "usfed", "18 U.S.C. 3584(c): one aggregate term")
    if term is None:
        warnings = [f"Sentence {s.ref} ({s.kind.value}) is not custodial and was left out." for s in request.sentences]
        return _no_custodial_result(profile, warnings)
    warnings = list(term.warnings)
    for adjustment in request.adjustments:
        if adjustment.kind in _IGNORED_ADJUSTMENTS:
            warnings.append(
                f"{adjustment.kind.value} ({adjustment.days} days): {_IGNORED_ADJUSTMENTS[adjustment.kind]}"
            )

    jail_credit, left_out = credited_days(request.adjustments, AdjustmentKind.REMAND, term)
    for adjustment in left_out:
        warnings.append(f"Remand of {adjustment.days} days is for later sentences than these: not credited.")
    inoperative, _ = credited_days(request.adjustments, AdjustmentKind.UNLAWFULLY_AT_LARGE, term)
    ftd_steps = [Step("usfed.term_end", f"term ends {fmt(term.end)} ({term.days:,} days imposed)")]
    if jail_credit:
        ftd_steps.append(Step("usfed.prior_custody", f"prior custody credit = {jail_credit} days (18 U.S.C. 3585(b))"))
    if inoperative:
        ftd_steps.append(
            Step("usfed.inoperative", f"time in escape status = {inoperative} days, not counted toward the term")
        )
    full_term = _not_before(term.end - timedelta(days=jail_credit - inoperative), term.start)
    changes = (f" - {jail_credit} days" if jail_credit else "") + (f" + {inoperative} days" if inoperative else "")
    if changes:
        text = f"full-term date = {fmt(term.end)}{changes} = {fmt(full_term)}"
    else:
        text = f"full-term date = {fmt(full_term)} (no prior custody credit)"
    ftd_steps.append(Step("usfed.ftd", text))

    gct_most, gct_step = good_conduct_time(term)
    prd_steps = [gct_step]
    forfeited = sum(a.days for a in request.adjustments if a.kind is AdjustmentKind.GOOD_CONDUCT_FORFEITED)
    gct = max(gct_most - forfeited, 0)
    if forfeited:
        prd_steps.append(
            Step(
                "usfed.gct_disallowed",
                f"good conduct time disallowed = {forfeited} days (28 CFR 523.20): {gct_most} - {forfeited} "
                f"= {gct} days",
            )
        )
    credits, fsa_steps, fsa_warnings = _fsa_credits(request, facts)
    warnings.extend(fsa_warnings)
    prd_steps.extend(fsa_steps)
    to_supervised_release = min(credits, SUPERVISED_RELEASE_CAP_DAYS)
    to_prerelease = credits - to_supervised_release
    if credits:
        prd_steps.append(
            Step(
                "usfed.fsa_applied",
                f"time credits applied to early transfer to supervised release = {to_supervised_release} days "
                f"(at most 365, 18 U.S.C. 3624(g)(3)); {to_prerelease} days remain for prerelease custody",
            )
        )
    projected = _not_before(full_term - timedelta(days=gct + to_supervised_release), term.start)
    prd_steps.append(
        Step(
            "usfed.prd",
            f"projected release date = {fmt(full_term)} - {gct} days good conduct time - "
            f"{to_supervised_release} days time credits = {fmt(projected)}"
            + (" (not before the term begins)" if projected == term.start else ""),
        )
    )

    ten_percent = term.days // 10
    by_percent = projected - timedelta(days=ten_percent)
    by_months = add_calendar(projected, 0, -6)
    home_confinement = _not_before(max(by_percent, by_months), term.start)
    shorter = f"10% of the term ({ten_percent} days)" if by_percent >= by_months else "6 months"
    hced_steps = [
        Step(
            "usfed.hced",
            f"home confinement eligibility = {fmt(projected)} - {shorter}, the shorter of 10% of the term "
            f"and 6 months (18 U.S.C. 3624(c)(2)) = {fmt(home_confinement)}",
        )
    ]
    if to_prerelease:
        hced_steps.append(
            Step(
                "usfed.fsa_prerelease",
                f"{to_prerelease} further days of time credits count toward earlier prerelease custody "
                "(18 U.S.C. 3624(g)(2)); placement is the Bureau's decision, so this date does not include them",
            )
        )

    years, months, days = term.parts
    return CalculationResult(
        profile=profile.code,
        profile_version=profile.version,
        dates={
            DateType.FTD: CalculatedDate(DateType.FTD, full_term, tuple(ftd_steps)),
            DateType.PRD: CalculatedDate(DateType.PRD, projected, (*ftd_steps, *prd_steps)),
            DateType.HCED: CalculatedDate(DateType.HCED, home_confinement, tuple(hced_steps)),
        },
        release_date_type=DateType.PRD,
        effective_sentence_length=iso_period(years, months, days),
        steps=term.steps,
        warnings=tuple(warnings),
    )
