"""The working-day rule: a release date on a weekend or public holiday moves back to the last working
day before it (domain rules; licence practice in England and Wales), where the profile says so.

Public holidays come from the ``holidays`` package for the profile's country and subdivision.
"""

from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache

import holidays

from oms.sentencing.rules.calendar import fmt
from oms.sentencing.rules.profiles import Profile
from oms.sentencing.rules.types import CalculatedDate, CalculationResult, DateType, Step


@lru_cache(maxsize=64)
def _calendar(country: str, subdivision: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=subdivision or None, years=[year - 1, year, year + 1])


def is_working_day(day: date, country: str, subdivision: str = "") -> bool:
    if day.weekday() >= 5:
        return False
    return not country or day not in _calendar(country, subdivision, day.year)


def last_working_day_on_or_before(day: date, country: str, subdivision: str = "") -> date:
    moved = day
    while not is_working_day(moved, country, subdivision):
        moved -= timedelta(days=1)
    return moved


def _why_not_working(day: date, country: str, subdivision: str) -> str:
    if day.weekday() >= 5:
        return day.strftime("%A")
    name = _calendar(country, subdivision, day.year).get(day)
    return f"a public holiday ({name})" if name else "not a working day"


def apply(result: CalculationResult, profile: Profile) -> CalculationResult:
    """Move each date type the profile lists off weekends and public holidays, explaining the move."""
    if not profile.move_to_working_day:
        return result
    moved_dates: dict[DateType, CalculatedDate] = {}
    for date_type, calculated in result.dates.items():
        if date_type.value not in profile.move_to_working_day:
            moved_dates[date_type] = calculated
            continue
        day = calculated.date
        working = last_working_day_on_or_before(day, profile.holiday_country, profile.holiday_subdivision)
        if working == day:
            moved_dates[date_type] = calculated
            continue
        step = Step(
            "working_day.move_back",
            f"{fmt(day)} is {_why_not_working(day, profile.holiday_country, profile.holiday_subdivision)}: "
            f"moved back to the last working day, {working.strftime('%A')} {fmt(working)}",
        )
        moved_dates[date_type] = replace(
            calculated, date=working, steps=(*calculated.steps, step), before_working_day_rule=day
        )
    return replace(result, dates=moved_dates)
