"""Calendar arithmetic: terms, the 1st-of-month rule, month ends, leap years, ISO periods."""

from datetime import date

import pytest

from oms.sentencing.rules.england_wales import dates as d


@pytest.mark.parametrize(
    ("start", "years", "months", "weeks", "days", "end"),
    [
        ("2021-09-21", 0, 17, 0, 0, "2023-02-20"),  # months counted from the day before the start
        ("2021-05-01", 0, 6, 0, 0, "2021-10-31"),  # 1st of the month: ends at a month end
        ("2023-03-01", 1, 0, 0, 0, "2024-02-29"),  # 1st of the month, years only, into a leap February
        ("2021-01-31", 0, 1, 0, 0, "2021-02-28"),  # month end clamped
        ("2024-01-31", 0, 1, 0, 0, "2024-02-29"),  # leap year
        ("2024-02-29", 1, 0, 0, 0, "2025-02-28"),  # from 29 February
        ("2022-08-31", 0, 0, 70, 0, "2024-01-02"),  # weeks are 7 days
        ("2021-11-08", 0, 12, 2, 2, "2022-11-23"),  # months, then weeks and days
        ("2022-03-01", 0, 0, 0, 10, "2022-03-10"),  # 1st of the month rule needs years or months
    ],
)
def test_term_end(start, years, months, weeks, days, end):
    assert d.term_end(date.fromisoformat(start), years, months, weeks, days) == date.fromisoformat(end)


@pytest.mark.parametrize(
    ("start", "end", "period"),
    [
        ("2021-09-21", "2023-02-21", "P1Y5M"),
        ("2022-07-27", "2023-01-25", "P5M29D"),
        ("2020-05-17", "2023-08-05", "P3Y2M19D"),
        ("2024-01-31", "2024-03-01", "P1M1D"),
        ("2024-03-05", "2024-03-05", "P0D"),
    ],
)
def test_iso_period(start, end, period):
    assert d.iso_period(*d.period_between(date.fromisoformat(start), date.fromisoformat(end))) == period


@pytest.mark.parametrize(
    ("dob", "on", "age"),
    [("2005-04-01", "2023-03-31", 17), ("2005-04-01", "2023-04-01", 18), ("2004-02-29", "2022-02-28", 17)],
)
def test_age_is_birthday_aware(dob, on, age):
    assert d.age_on(date.fromisoformat(dob), date.fromisoformat(on)) == age


def test_add_months_clamps_and_crosses_years():
    assert d.add_months(date(2023, 12, 31), 2) == date(2024, 2, 29)
    assert d.add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert d.add_months(date(2024, 5, 15), 0) == date(2024, 5, 15)


def test_clerk_date_format():
    assert d.fmt(date(2024, 3, 5)) == "5 March 2024"
