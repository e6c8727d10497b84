"""US federal release dates, worked from the statute (docs/sentencing-us-federal.md shows the same
examples): full term less prior custody credit (18 U.S.C. 3585(b)); good conduct time of 54 days per
year imposed, pro rata for a partial year, only above 1 year (3624(b)); First Step Act credits at 10 or
15 days per 30 days of programming, at most 365 toward supervised release (3632(d)(4), 3624(g)(3));
home confinement for the shorter of 10% of the term or 6 months (3624(c)(2))."""

from dataclasses import replace
from datetime import date

import pytest

from oms.sentencing.rules import us_federal
from oms.sentencing.rules.types import AdjustmentKind, CalculationError, DateType, SentenceKind
from tests.sentencing.engines.builders import US_FEDERAL, adjustment, remand, request, run, sentence

LOW = ["low", "minimum"]  # minimum or low at the last two assessments, not increased

# (case, request, FTD, PRD before the working-day rule, HCED, good conduct time in the step)
WORKED_EXAMPLES = [
    (
        "10 years, no credits: 540 days good conduct time",
        request(sentence(years=10)),
        date(2029, 12, 31),
        date(2028, 7, 9),
        date(2028, 1, 9),  # 6 months is shorter than 10% (365 days)
        "54 days x 10 full years = 540 days",
    ),
    (
        "37 months: 3 full years and a month prorated (4.5 days, fraction dropped)",
        request(sentence(months=37)),
        date(2023, 1, 31),
        date(2022, 8, 18),
        date(2022, 4, 28),  # 10% of 1,127 days = 112 days is shorter than 6 months
        "54 days x 3 full years + 4 days for the partial year of 1 month",
    ),
    (
        "12 months and 1 day: more than a year, 54 days",
        request(sentence(years=1, days=1)),
        date(2021, 1, 1),
        date(2020, 11, 8),
        date(2020, 10, 3),
        "54 days x 1 full year + 0 days for the partial year of 1 day",
    ),
    (
        "exactly 12 months: not more than 1 year, no good conduct time",
        request(sentence(months=12)),
        date(2020, 12, 31),
        date(2020, 12, 31),
        date(2020, 11, 25),
        "good conduct time = 0 days",
    ),
    (
        "9 years 6 months: 513 days",
        request(sentence(years=9, months=6)),
        date(2029, 6, 30),
        date(2028, 2, 3),
        date(2027, 8, 3),
        "54 days x 9 full years + 27 days for the partial year of 6 months",
    ),
    (
        "37 months with 27 days disallowed (28 CFR 523.20)",
        request(sentence(months=37), adjustments=[adjustment(AdjustmentKind.GOOD_CONDUCT_FORFEITED, 27)]),
        date(2023, 1, 31),
        date(2022, 9, 14),
        date(2022, 5, 25),
        "166 - 27 = 139 days",
    ),
    (
        "37 months with 100 days of prior custody credit",
        request(sentence(months=37), adjustments=[remand(100)]),
        date(2022, 10, 23),
        date(2022, 5, 10),
        date(2022, 1, 18),
        "166 days",
    ),
    (
        "FSA credits at 10 days per 30: 365 programming days, medium then low",
        request(sentence(years=10), programming_days=365, risk_levels=["medium", "low"]),
        date(2029, 12, 31),
        date(2028, 3, 11),  # 540 GCT + 120 credits
        date(2027, 9, 11),
        "540 days",
    ),
    (
        "FSA credits at 15 days per 30: low then minimum",
        request(sentence(years=10), programming_days=365, risk_levels=LOW),
        date(2029, 12, 31),
        date(2028, 1, 11),  # 540 GCT + 180 credits
        date(2027, 7, 11),
        "540 days",
    ),
    (
        "FSA credits over the 365-day cap: 900 days at 15 = 450, 365 applied",
        request(sentence(years=10), programming_days=900, risk_levels=LOW),
        date(2029, 12, 31),
        date(2027, 7, 10),
        date(2027, 1, 10),
        "540 days",
    ),
    (
        "consecutive: 2 years then 1 year is one 3-year aggregate term",
        request(sentence("A", years=2), sentence("B", years=1, on=date(2020, 3, 1), after="A")),
        date(2022, 12, 31),
        date(2022, 7, 22),
        date(2022, 4, 4),  # 10% of 1,096 days = 109 days
        "54 days x 3 full years = 162 days",
    ),
    (
        "concurrent, overlapping: aggregate from the first start to the last end (3 years 5 months)",
        request(sentence("A", years=2), sentence("B", years=3, on=date(2020, 6, 1))),
        date(2023, 5, 31),
        date(2022, 11, 28),
        date(2022, 7, 27),  # 10% of 1,247 days = 124 days
        "54 days x 3 full years + 22 days for the partial year of 5 months",
    ),
]


@pytest.mark.parametrize(
    ("case", "req", "ftd", "prd", "hced", "gct_text"), WORKED_EXAMPLES, ids=[c[0] for c in WORKED_EXAMPLES]
)
def test_worked_examples(case, req, ftd, prd, hced, gct_text):
    result = us_federal.calculate(req, US_FEDERAL)

    assert result.dates[DateType.FTD].date == ftd
    assert result.dates[DateType.PRD].date == prd
    assert result.dates[DateType.HCED].date == hced
    assert result.release_date_type is DateType.PRD
    gct_steps = " ".join(s.text for s in result.dates[DateType.PRD].steps if s.rule.startswith("usfed.gct"))
    assert gct_text in gct_steps


def test_every_date_is_explained_with_named_rules():
    result = us_federal.calculate(
        request(sentence(years=9, months=6), programming_days=900, risk_levels=LOW), US_FEDERAL
    )

    prd_rules = [s.rule for s in result.dates[DateType.PRD].steps]
    assert prd_rules == [
        "usfed.term_end",
        "usfed.ftd",
        "usfed.gct",
        "usfed.fsa_earned",
        "usfed.fsa_applied",
        "usfed.prd",
    ]
    assert "good conduct time = 54 days x 9 full years + 27 days for the partial year of 6 months" in (
        result.dates[DateType.PRD].steps[2].text
    )
    assert "85 days remain for prerelease custody" in result.dates[DateType.PRD].steps[4].text
    assert [s.rule for s in result.dates[DateType.HCED].steps] == ["usfed.hced", "usfed.fsa_prerelease"]
    assert [s.rule for s in result.steps] == ["usfed.sentence", "usfed.aggregate"]
    assert result.effective_sentence_length == "P9Y6M"


def test_the_15_day_rate_needs_two_low_assessments_without_an_increase():
    def credits(levels):
        result = us_federal.calculate(request(sentence(years=10), programming_days=300, risk_levels=levels), US_FEDERAL)
        return (date(2028, 7, 9) - result.dates[DateType.PRD].date).days

    assert credits(["low", "minimum"]) == 150
    assert credits(["minimum", "minimum"]) == 150
    assert credits(["minimum", "low"]) == 100  # risk increased between the two assessments
    assert credits(["low"]) == 100  # only one assessment
    assert credits(["high", "medium", "low"]) == 100


def test_credits_are_not_applied_when_the_last_assessment_is_medium_or_high():
    result = us_federal.calculate(
        request(sentence(years=10), programming_days=300, risk_levels=["low", "medium"]), US_FEDERAL
    )

    assert result.dates[DateType.PRD].date == date(2028, 7, 9)
    assert any(s.rule == "usfed.fsa_not_applied" for s in result.dates[DateType.PRD].steps)


def test_awarded_credits_count_and_a_missing_assessment_is_warned():
    result = us_federal.calculate(
        request(sentence(years=10), adjustments=[adjustment(AdjustmentKind.EARNED_TIME_CREDIT, 100)]), US_FEDERAL
    )

    assert result.dates[DateType.PRD].date == date(2028, 3, 31)
    assert any("No risk assessment" in w for w in result.warnings)


def test_ineligible_offence_earns_no_credits():
    result = us_federal.calculate(
        request(sentence(years=10), programming_days=600, risk_levels=LOW, fsa_eligible=False), US_FEDERAL
    )

    assert result.dates[DateType.PRD].date == date(2028, 7, 9)


def test_forfeiture_beyond_the_good_conduct_time_leaves_none():
    result = us_federal.calculate(
        request(sentence(months=37), adjustments=[adjustment(AdjustmentKind.GOOD_CONDUCT_FORFEITED, 500)]), US_FEDERAL
    )

    assert result.dates[DateType.PRD].date == result.dates[DateType.FTD].date


def test_credit_longer_than_the_term_releases_on_the_first_day_not_before():
    result = us_federal.calculate(request(sentence(months=6), adjustments=[remand(400)]), US_FEDERAL)

    assert {d.date for d in result.dates.values()} == {date(2020, 1, 1)}


def test_bail_is_not_official_detention_and_escape_time_extends_the_term():
    result = us_federal.calculate(
        request(
            sentence(months=37),
            adjustments=[
                adjustment(AdjustmentKind.TAGGED_BAIL, 50),
                adjustment(AdjustmentKind.UNLAWFULLY_AT_LARGE, 10),
            ],
        ),
        US_FEDERAL,
    )

    assert result.dates[DateType.FTD].date == date(2023, 2, 10)
    assert any("Reno v. Koray" in w for w in result.warnings)


def test_remand_for_a_later_case_is_not_credited():
    result = us_federal.calculate(
        request(sentence(months=37), adjustments=[remand(30, applies_to_sentences_from=date(2021, 1, 1))]), US_FEDERAL
    )

    assert result.dates[DateType.FTD].date == date(2023, 1, 31)
    assert result.warnings


def test_a_release_date_on_a_weekend_moves_to_the_last_weekday():
    result = run(request(sentence(years=10)))  # 2028-07-09 is a Sunday

    prd = result.dates[DateType.PRD]
    assert prd.date == date(2028, 7, 7)
    assert prd.before_working_day_rule == date(2028, 7, 9)
    assert prd.steps[-1].rule == "working_day.move_back"
    assert result.dates[DateType.FTD].before_working_day_rule is None  # only PRD moves (3624(a))


def test_no_custodial_sentence_has_no_release_date():
    result = us_federal.calculate(request(sentence(years=2, kind=SentenceKind.PROBATION)), US_FEDERAL)

    assert result.dates == {}
    assert result.release_date is None


@pytest.mark.parametrize(
    ("req", "field", "code"),
    [
        (request(sentence(years=0)), "sentences[0].duration", "zero_length"),
        (request(sentence(kind=SentenceKind.INDETERMINATE, years=1)), "sentences[0].kind", "indeterminate"),
        (request(sentence("A", years=1, after="Z")), "sentences[0].consecutive_to", "missing_link"),
        (
            request(sentence("A", years=1, after="B"), sentence("B", years=1, after="A")),
            "sentences[0].consecutive_to",
            "cycle",
        ),
        (
            request(sentence("A", years=1, on=date(2021, 1, 1)), sentence("B", years=1, after="A")),
            "sentences[1].consecutive_to",
            "link_to_later",
        ),
        (request(sentence(years=1), programming_days=-3), "facts.programming_days", "bad_fact"),
        (request(sentence(years=1), risk_levels=["very low"]), "facts.risk_levels", "bad_fact"),
        (request(sentence(years=1), risk_levels="low"), "facts.risk_levels", "bad_fact"),
        (request(sentence(years=1), fsa_eligible="no"), "facts.fsa_eligible", "bad_fact"),
    ],
)
def test_requests_that_cannot_be_calculated_name_the_field(req, field, code):
    with pytest.raises(CalculationError) as raised:
        us_federal.calculate(req, US_FEDERAL)

    assert (raised.value.field, raised.value.code) == (field, code)


def test_result_records_the_profile_version():
    result = us_federal.calculate(request(sentence(years=2)), replace(US_FEDERAL, version="7"))

    assert (result.profile, result.profile_version) == ("us-federal", "7")
    assert result.as_dict()["release_date"] == "2021-09-14"
