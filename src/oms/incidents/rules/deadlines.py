"""When the first adjudication hearing must open (pure: no Django, no ORM, no I/O).

England and Wales: the Prison Rules 1999 r.53 require a charge to be inquired into promptly after it is
laid, not counting Sundays and public holidays; the Prison Adjudications Policy (PSI 05/2018, now the
Prison Adjudications Policy Framework) applies this as "the first hearing must open within 48 hours of
the charge being laid, excluding Sundays and bank holidays". OMS ships that reading as
``ENGLAND_WALES``; another jurisdiction (or a changed policy) is another ``DeadlineRule``.

Hours are counted on the establishment's local wall clock (Europe/London): an excluded day does not
count at all, whatever hour the charge was laid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays


@dataclass(frozen=True)
class DeadlineRule:
    hours: int = 48
    excluded_weekdays: frozenset[int] = field(default_factory=lambda: frozenset({6}))  # Monday is 0
    holiday_country: str = "GB"
    holiday_subdivision: str = "ENG"
    timezone: str = "Europe/London"
    source: str = "Prison Rules 1999 r.53; Prison Adjudications Policy (PSI 05/2018)"


ENGLAND_WALES = DeadlineRule()


@lru_cache(maxsize=64)
def _holidays(country: str, subdivision: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=subdivision or None, years=[year - 1, year, year + 1])


def is_excluded_day(day: dt.date, rule: DeadlineRule = ENGLAND_WALES) -> bool:
    if day.weekday() in rule.excluded_weekdays:
        return True
    return bool(rule.holiday_country) and day in _holidays(rule.holiday_country, rule.holiday_subdivision, day.year)


def first_hearing_due_by(charged_at: dt.datetime, rule: DeadlineRule = ENGLAND_WALES) -> dt.datetime:
    """The instant (aware UTC) by which the first hearing must open: ``rule.hours`` counted from
    ``charged_at`` skipping whole excluded days (Sundays, bank holidays)."""
    if charged_at.tzinfo is None:
        raise ValueError("charged_at must be an aware datetime")
    zone = ZoneInfo(rule.timezone)
    # Wall-clock arithmetic: "48 hours" of the policy is read on the prison's clock, so a clock change
    # inside the window neither adds nor removes an hour.
    cursor = charged_at.astimezone(zone).replace(tzinfo=None)
    remaining = dt.timedelta(hours=rule.hours)
    while remaining > dt.timedelta(0):
        next_midnight = dt.datetime.combine(cursor.date() + dt.timedelta(days=1), dt.time())
        if is_excluded_day(cursor.date(), rule):
            cursor = next_midnight
            continue
        step = min(remaining, next_midnight - cursor)
        cursor += step
        remaining -= step
    return cursor.replace(tzinfo=zone).astimezone(dt.UTC)


def is_missed(due_by: dt.datetime, now: dt.datetime) -> bool:
    return now > due_by


# Prison Rules 1999 r.53(1): a charge is laid as soon as possible and, save in exceptional circumstances,
# within 48 hours of the discovery of the offence. Plain elapsed hours: unlike the first-hearing rule,
# r.53(1) excludes no days.
CHARGE_WITHIN = dt.timedelta(hours=48)


def charge_laid_late(discovered_at: dt.datetime, charged_at: dt.datetime, within: dt.timedelta = CHARGE_WITHIN) -> bool:
    """True when the charge comes more than ``within`` after the offence was discovered."""
    if discovered_at.tzinfo is None or charged_at.tzinfo is None:
        raise ValueError("discovered_at and charged_at must be timezone-aware")
    return charged_at - discovered_at > within
