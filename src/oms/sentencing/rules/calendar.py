"""Calendar primitives every engine shares: leap years, month lengths, and a date as a records clerk
writes it in an explanation ("5 March 2024", never ISO)."""

from datetime import date, timedelta

ONE_DAY = timedelta(days=1)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    return 29 if month == 2 and is_leap(year) else _DAYS_IN_MONTH[month - 1]


def fmt(day: date) -> str:
    """A date as a records clerk writes it: 5 March 2024."""
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"
