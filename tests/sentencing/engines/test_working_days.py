"""The working-day rule: listed dates on a weekend or public holiday move back to the last working day."""

from dataclasses import replace
from datetime import date

import pytest

from oms.sentencing.rules import working_days
from oms.sentencing.rules.profiles import BUILT_IN
from oms.sentencing.rules.types import CalculatedDate, CalculationResult, DateType, Step

ENGLAND = next(p for p in BUILT_IN if p.code == "england-wales")
US = next(p for p in BUILT_IN if p.code == "us-federal")


@pytest.mark.parametrize(
    ("day", "country", "subdivision", "expected"),
    [
        (date(2026, 11, 24), "GB", "ENG", date(2026, 11, 24)),  # a Tuesday stays
        (date(2026, 11, 22), "GB", "ENG", date(2026, 11, 20)),  # Sunday -> Friday
        (date(2026, 11, 21), "", "", date(2026, 11, 20)),  # weekends move with no country
        (date(2026, 12, 28), "GB", "ENG", date(2026, 12, 24)),  # Boxing Day (observed), weekend, Christmas
        (date(2026, 12, 25), "GB", "ENG", date(2026, 12, 24)),
        (date(2026, 8, 31), "GB", "ENG", date(2026, 8, 28)),  # late summer bank holiday in England
        (date(2026, 8, 31), "GB", "SCT", date(2026, 8, 31)),  # not a holiday in Scotland
        (date(2026, 11, 26), "US", "", date(2026, 11, 25)),  # Thanksgiving
        (date(2026, 7, 3), "US", "", date(2026, 7, 2)),  # Independence Day observed on the Friday
        (date(2027, 1, 1), "US", "", date(2026, 12, 31)),  # the calendar of the next year is used
    ],
)
def test_last_working_day(day, country, subdivision, expected):
    assert working_days.last_working_day_on_or_before(day, country, subdivision) == expected


def result_with(*dates: tuple[DateType, date]) -> CalculationResult:
    return CalculationResult(
        profile="p",
        profile_version="1",
        dates={t: CalculatedDate(t, d, (Step("test.step", "arithmetic"),)) for t, d in dates},
        release_date_type=dates[0][0],
    )


def test_a_listed_date_on_a_bank_holiday_moves_and_says_why():
    moved = working_days.apply(result_with((DateType.CRD, date(2026, 12, 28))), ENGLAND)

    crd = moved.dates[DateType.CRD]
    assert (crd.date, crd.before_working_day_rule, crd.arithmetic_date) == (
        date(2026, 12, 24),
        date(2026, 12, 28),
        date(2026, 12, 28),
    )
    assert crd.steps[-1] == Step(
        "working_day.move_back",
        "28 December 2026 is a public holiday (Boxing Day (observed)): moved back to the last working day, "
        "Thursday 24 December 2026",
    )


def test_a_us_federal_holiday_moves_the_projected_release_date():
    moved = working_days.apply(result_with((DateType.PRD, date(2026, 11, 26))), US)

    assert moved.dates[DateType.PRD].date == date(2026, 11, 25)
    assert "Thanksgiving" in moved.dates[DateType.PRD].steps[-1].text


def test_dates_the_profile_does_not_list_stay_put():
    moved = working_days.apply(result_with((DateType.PRD, date(2026, 11, 22)), (DateType.FTD, date(2026, 11, 22))), US)

    assert moved.dates[DateType.PRD].date == date(2026, 11, 20)
    assert moved.dates[DateType.FTD].date == date(2026, 11, 22)
    assert moved.dates[DateType.FTD].before_working_day_rule is None


def test_a_profile_that_moves_nothing_returns_the_result_unchanged():
    original = result_with((DateType.PRD, date(2026, 12, 25)))

    assert working_days.apply(original, replace(US, move_to_working_day=())) is original


def test_a_working_day_is_not_moved_or_explained():
    original = result_with((DateType.PRD, date(2026, 11, 24)))

    moved = working_days.apply(original, US)

    assert moved.dates[DateType.PRD] == original.dates[DateType.PRD]
