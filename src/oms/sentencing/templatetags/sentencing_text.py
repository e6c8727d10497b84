"""Stored calculations keep dates and periods in ISO form (JSON); pages show them as people write them."""

import datetime as dt
import re

from django import template

from oms.sentencing.rules.calendar import fmt

register = template.Library()

_PERIOD = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


@register.filter
def day_text(value) -> str:
    """ "2027-03-02" (or a date) as "2 March 2027"; empty stays "none"."""
    if not value:
        return "none"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return fmt(value)


@register.filter
def period_text(value: str) -> str:
    """ "P2Y6M" as "2 years, 6 months"."""
    match = _PERIOD.match(value or "")
    if not match:
        return value or ""
    parts = zip(match.groups(), ("year", "month", "week", "day"), strict=True)
    words = [f"{int(n)} {unit}{'' if int(n) == 1 else 's'}" for n, unit in parts if n and int(n)]
    return ", ".join(words) or "0 days"
