"""Incident and use-of-force trends per 100 people in custody (pure: no Django, no I/O).

The denominator is the population at the start of each month (people in a bed at 00:00 UTC on the
1st), by unit; over a range of months it is the average of those month-start figures. A rate is
``incidents / population * 100`` rounded to one decimal, and None when there was nobody to divide by.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

MAX_MONTHS = 36
NOT_RECORDED = ""  # the unit key of incidents with no location, or a location outside any unit


@dataclass(frozen=True)
class IncidentFact:
    month: dt.date  # first day of the month it occurred in
    unit: str  # unit key, or NOT_RECORDED
    type_code: str
    type_title: str
    use_of_force: bool


@dataclass(frozen=True)
class TrendRow:
    key: str
    label: str
    incidents: int
    use_of_force: int
    population: float | None  # month-start population, or the average over the range
    rate: float | None  # incidents per 100 people in custody
    use_of_force_rate: float | None


@dataclass
class Trends:
    months: list[dt.date]
    by_month: list[TrendRow] = field(default_factory=list)
    by_unit: list[TrendRow] = field(default_factory=list)
    by_type: list[TrendRow] = field(default_factory=list)
    total: TrendRow | None = None


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_between(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    """First days of every month touched by the inclusive range, oldest first."""
    months, current = [], month_start(date_from)
    while current <= date_to:
        months.append(current)
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months


def range_problem(date_from: dt.date, date_to: dt.date) -> str | None:
    """Why a range cannot be charted, or None."""
    if date_from > date_to:
        return "The start date must be on or before the end date"
    if len(months_between(date_from, date_to)) > MAX_MONTHS:
        return f"The range must cover at most {MAX_MONTHS} months"
    return None


def rate_per_100(count: int, population: float | None) -> float | None:
    if not population:
        return None
    return round(count * 100 / population, 1)


def average(values: list[int]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0


def build_trends(
    facts: list[IncidentFact],
    population: dict[tuple[dt.date, str], int],
    units: dict[str, str],
    months: list[dt.date],
) -> Trends:
    """Counts and rates by month, unit and type. ``population`` maps (month start, unit key) to the
    people in that unit then; ``units`` maps unit keys to labels in display order."""
    per_month = {m: sum(n for (month, _), n in population.items() if month == m) for m in months}
    average_total = average([per_month[m] for m in months])

    def row(key, label, chosen, denominator):
        count = len(chosen)
        force = sum(1 for f in chosen if f.use_of_force)
        return TrendRow(
            key, label, count, force, denominator, rate_per_100(count, denominator), rate_per_100(force, denominator)
        )

    trends = Trends(months=months)
    by_month: dict[dt.date, list[IncidentFact]] = defaultdict(list)
    by_unit: dict[str, list[IncidentFact]] = defaultdict(list)
    by_type: dict[str, list[IncidentFact]] = defaultdict(list)
    titles: dict[str, str] = {}
    for fact in facts:
        by_month[fact.month].append(fact)
        by_unit[fact.unit if fact.unit in units else NOT_RECORDED].append(fact)
        by_type[fact.type_code].append(fact)
        titles.setdefault(fact.type_code, fact.type_title)
    trends.by_month = [row(m.isoformat()[:7], m.strftime("%b %Y"), by_month[m], per_month[m]) for m in months]
    for key, label in units.items():
        unit_average = average([population.get((m, key), 0) for m in months])
        trends.by_unit.append(row(key, label, by_unit[key], unit_average))
    if by_unit[NOT_RECORDED]:
        trends.by_unit.append(row(NOT_RECORDED, "Location not recorded", by_unit[NOT_RECORDED], None))
    counts = Counter({code: len(chosen) for code, chosen in by_type.items()})
    for code, _ in sorted(counts.items(), key=lambda item: (-item[1], titles[item[0]])):
        trends.by_type.append(row(code, titles[code], by_type[code], average_total))
    trends.total = row("total", "All incidents", facts, average_total)
    return trends


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: int  # top of the bar's band
    width: int  # bar length in SVG units
    text_x: int  # where its value is written


def bars(values: list[tuple[str, float | None]], *, chart_width: int = 400, band: int = 24) -> list[Bar]:
    """Horizontal bars scaled to the largest value (a missing value draws no bar): SVG geometry only,
    so the template draws them with attributes and no inline styles or scripts."""
    largest = max((v for _, v in values if v), default=0)
    made = []
    for index, (label, value) in enumerate(values):
        width = round((value or 0) * chart_width / largest) if largest else 0
        made.append(Bar(label, value or 0, index * band, width, width + 4))
    return made
