"""Data-defined percentage profiles: release at a share of the term less good time earned per month
served (30 days in custody), optionally capped and floored; parole eligibility at a share; remand
credit on or off. The examples are worked by hand in docs/sentencing-profiles.md."""

from datetime import date

import pytest

from oms.sentencing.profile_files import SHIPPED_DIR, load_file
from oms.sentencing.rules import configurable, profiles
from oms.sentencing.rules.types import AdjustmentKind, DateType
from tests.sentencing.engines.builders import adjustment, percentage_profile, remand, request, run, sentence

ONE_YEAR_2025 = request(sentence(years=1, on=date(2025, 1, 1)))  # 365 days, 2025-01-01 to 2025-12-31

# (case, profile parameters, request, RD, PED or None)
WORKED_EXAMPLES = [
    (
        "50%, no good time: day 366 of a 731-day term",
        {"release_percent": 50},
        request(sentence(years=2, on=date(2024, 1, 1))),
        date(2024, 12, 31),
        None,
    ),
    (
        "85% of 365 = 311 days; 5 days a month: day 270 (270 + 45 >= 311)",
        {"release_percent": 85, "good_time": {"days_per_month": 5}},
        ONE_YEAR_2025,
        date(2025, 9, 27),
        None,
    ),
    (
        "the same with good time capped at 20 days: day 291",
        {"release_percent": 85, "good_time": {"days_per_month": 5, "cap_days": 20}},
        ONE_YEAR_2025,
        date(2025, 10, 18),
        None,
    ),
    (
        "the same uncapped with 10 days forfeited: day 276 (276 + 45 - 10 >= 311)",
        {"release_percent": 85, "good_time": {"days_per_month": 5}},
        request(
            sentence(years=1, on=date(2025, 1, 1)), adjustments=[adjustment(AdjustmentKind.GOOD_CONDUCT_FORFEITED, 10)]
        ),
        date(2025, 10, 3),
        None,
    ),
    (
        "50% with 15 days a month would be day 123, but at least 40% (146 days) must be served",
        {"release_percent": 50, "minimum_served_percent": 40, "good_time": {"days_per_month": 15}},
        ONE_YEAR_2025,
        date(2025, 5, 26),
        None,
    ),
    (
        "parole eligibility at 50%: day 183; release at 100%",
        {"parole_eligibility_percent": 50},
        ONE_YEAR_2025,
        date(2025, 12, 31),
        date(2025, 7, 2),
    ),
    (
        "remand of 30 days brings every date forward by 30 days",
        {"release_percent": 50, "parole_eligibility_percent": 25},
        request(sentence(years=1, on=date(2025, 1, 1)), adjustments=[remand(30)]),
        date(2025, 6, 2),  # day 183 - 30
        date(2025, 3, 3),  # 25% of 365 rounded up = day 92, - 30 = day 62
    ),
    (
        "fractional good time: 7.5 days a month, fractions dropped",
        {"release_percent": 100, "good_time": {"days_per_month": 7.5}},
        ONE_YEAR_2025,
        date(2025, 10, 25),  # day 298: 298 + floor(7.5 x 9) = 365; day 297 + 67 falls short
        None,
    ),
]


@pytest.mark.parametrize(
    ("case", "parameters", "req", "rd", "ped"), WORKED_EXAMPLES, ids=[c[0] for c in WORKED_EXAMPLES]
)
def test_worked_examples(case, parameters, req, rd, ped):
    result = run(req, percentage_profile(**parameters))

    assert result.release_date_type is DateType.RD
    assert result.dates[DateType.RD].date == rd
    assert (result.dates[DateType.PED].date if DateType.PED in result.dates else None) == ped


def test_sentence_end_is_the_whole_term_less_remand():
    result = run(
        request(sentence(years=1, on=date(2025, 1, 1)), adjustments=[remand(10)]),
        percentage_profile(release_percent=50),
    )

    assert result.dates[DateType.SED].date == date(2025, 12, 21)
    assert "day 365 of the term - 10 days remand" in result.dates[DateType.SED].steps[-1].text


def test_remand_credit_can_be_switched_off():
    result = run(
        request(sentence(years=1, on=date(2025, 1, 1)), adjustments=[remand(30)]),
        percentage_profile(release_percent=50, remand_credit=False),
    )

    assert result.dates[DateType.RD].date == date(2025, 7, 2)
    assert any("not credited" in w for w in result.warnings)


def test_parole_eligibility_after_release_is_left_out_with_a_warning():
    result = run(ONE_YEAR_2025, percentage_profile(release_percent=50, parole_eligibility_percent=60))

    assert DateType.PED not in result.dates
    assert result.warnings


def test_good_time_step_explains_the_arithmetic():
    result = run(ONE_YEAR_2025, percentage_profile(release_percent=85, good_time={"days_per_month": 5}))

    texts = [s.text for s in result.dates[DateType.RD].steps]
    assert texts[0] == "share to serve = 85% of 365 days, rounded up = 311 days"
    assert (
        texts[1] == "good time = 5 days x 9 months of 30 days served = 45 days; days to serve = 270 (270 + 45 >= 311)"
    )
    assert texts[2] == "release date = day 270 = 27 September 2025"


def test_listed_dates_move_to_the_last_working_day():
    profile = configurable.parse_profile(
        {
            "code": "test-moves",
            "version": "1",
            "title": "t",
            "effective_from": "2000-01-01",
            "source": "tests",
            "holiday_country": "US",
            "move_to_working_day": ["RD"],
            "parameters": {"release_percent": 85, "good_time": {"days_per_month": 5}},
        },
        "t.yaml",
    )

    result = run(ONE_YEAR_2025, profile)  # 2025-09-27 is a Saturday

    assert result.dates[DateType.RD].date == date(2025, 9, 26)
    assert result.dates[DateType.SED].before_working_day_rule is None


def test_the_version_in_force_on_the_sentence_date_is_chosen():
    versions = load_file(SHIPPED_DIR / "example-percentage.yaml")

    assert profiles.choose("example-percentage", date(2024, 6, 30), versions).version == "1"
    assert profiles.choose("example-percentage", date(2024, 7, 1), versions).version == "2"
