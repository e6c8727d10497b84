"""Calendar arithmetic for sentence calculation: terms in calendar units, month ends, periods.

The conventions follow the prison service's sentence-calculation instruction (PSI 03/2015, section 5.5,
"converting a sentence into days"): a term of years and months is counted in calendar months from the
day of sentence, a sentence imposed on the 1st of a month with years or months ends on the last day of
a month, and weeks and days are added after the months.
"""

from datetime import date, timedelta

from oms.sentencing.rules.calendar import ONE_DAY, days_in_month, fmt, is_leap

__all__ = ["ONE_DAY", "days_in_month", "fmt", "is_leap"]  # re-exported for the engine's modules
_from_ordinal = date.fromordinal


def add_months(day: date, months: int) -> date:
    """Calendar add; the day is clamped to the end of a shorter month (31 January + 1 month = 28/29 February)."""
    if not months:
        return day
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, days_in_month(year, month)))


def end_of_month(day: date) -> date:
    return date(day.year, day.month, days_in_month(day.year, day.month))


def term_end(start: date, years: int, months: int, weeks: int, days: int) -> date:
    """The last day of a term that starts on ``start`` (inclusive)."""
    first_of_month_rule = start.day == 1 and (years or months)
    if first_of_month_rule:
        end = end_of_month(add_months(add_months(start, 12 * years), months - 1))
    else:
        end = add_months(add_months(start - ONE_DAY, 12 * years), months)
    if weeks or days:
        end += timedelta(days=7 * weeks + days)
    return end


def plus_days(day: date, n: int) -> date:
    # Ordinal arithmetic: about twice as fast as building a timedelta, and this runs ~30 times a request.
    return _from_ordinal(day.toordinal() + n) if n else day


def period_between(start: date, end: date) -> tuple[int, int, int]:
    """Years, months and days from ``start`` up to (not including) ``end``, counted like ISO-8601 periods:
    whole months first, then the remaining days."""
    total_months = (end.year * 12 + end.month) - (start.year * 12 + start.month)
    days = end.day - start.day
    if total_months > 0 and days < 0:
        total_months -= 1
        days = (end - add_months(start, total_months)).days
    elif total_months < 0 and days > 0:
        total_months += 1
        days -= days_in_month(end.year, end.month)
    return (
        total_months // 12 if total_months >= 0 else -((-total_months) // 12),
        total_months % 12 if total_months >= 0 else -((-total_months) % 12),
        days,
    )


def iso_period(years: int, months: int, days: int) -> str:
    text = "P" + (f"{years}Y" if years else "") + (f"{months}M" if months else "") + (f"{days}D" if days else "")
    return text if text != "P" else "P0D"


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years of age on ``on`` (birthday-aware)."""
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
