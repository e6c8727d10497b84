"""The trend arithmetic, table-driven: months in a range, rates per 100, the month-start denominator
averaged over the range, and bar geometry."""

import datetime as dt

import pytest

from oms.incidents.rules import trends as rules
from oms.incidents.rules.trends import IncidentFact

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (dt.date(2026, 1, 15), dt.date(2026, 3, 2), [JAN, FEB, MAR]),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 31), [JAN]),
        (dt.date(2025, 12, 31), dt.date(2026, 1, 1), [dt.date(2025, 12, 1), JAN]),
    ],
)
def test_months_between(start, end, months):
    assert rules.months_between(start, end) == months


@pytest.mark.parametrize(
    ("start", "end", "problem"),
    [
        (JAN, MAR, None),
        (MAR, JAN, "The start date must be on or before the end date"),
        (dt.date(2023, 1, 1), dt.date(2025, 12, 31), None),  # 36 months
        (dt.date(2023, 1, 1), dt.date(2026, 1, 1), "The range must cover at most 36 months"),
    ],
)
def test_range_problem(start, end, problem):
    assert rules.range_problem(start, end) == problem


@pytest.mark.parametrize(
    ("count", "population", "rate"),
    [(0, 200, 0.0), (3, 200, 1.5), (1, 3, 33.3), (5, 0, None), (5, None, None), (2, 12.5, 16.0)],
)
def test_rate_per_100(count, population, rate):
    assert rules.rate_per_100(count, population) == rate


def fact(month, unit="A", code="fight", force=False):
    return IncidentFact(month, unit, code, code.replace("_", " ").capitalize(), force)


def test_build_trends_by_month_unit_and_type():
    population = {(JAN, "A"): 100, (JAN, "B"): 100, (FEB, "A"): 100, (FEB, "B"): 300}
    facts = [
        fact(JAN, "A"),
        fact(JAN, "B", "self_harm"),
        fact(FEB, "B", force=True),
        fact(FEB, "B", force=True),
        fact(FEB, rules.NOT_RECORDED, "self_harm"),
        fact(FEB, "gone"),  # a unit no longer listed counts as not recorded
    ]
    result = rules.build_trends(facts, population, {"A": "Unit A", "B": "Unit B"}, [JAN, FEB])
    assert [(r.label, r.incidents, r.population, r.rate, r.use_of_force) for r in result.by_month] == [
        ("Jan 2026", 2, 200, 1.0, 0),
        ("Feb 2026", 4, 400, 1.0, 2),
    ]
    assert result.by_month[1].use_of_force_rate == 0.5
    by_unit = {r.key: r for r in result.by_unit}
    assert (by_unit["A"].incidents, by_unit["A"].population, by_unit["A"].rate) == (1, 100.0, 1.0)
    assert (by_unit["B"].incidents, by_unit["B"].population, by_unit["B"].rate) == (3, 200.0, 1.5)
    assert (by_unit[""].incidents, by_unit[""].rate, by_unit[""].label) == (2, None, "Location not recorded")
    assert [(r.key, r.incidents, r.rate) for r in result.by_type] == [("fight", 4, 1.3), ("self_harm", 2, 0.7)]
    assert (result.total.incidents, result.total.use_of_force, result.total.population) == (6, 2, 300.0)


def test_no_population_gives_no_rate_but_keeps_counts():
    result = rules.build_trends([fact(JAN)], {}, {"A": "Unit A"}, [JAN])
    assert result.by_month[0].incidents == 1 and result.by_month[0].rate is None
    assert result.total.rate is None


@pytest.mark.parametrize(
    ("values", "widths"),
    [
        ([("a", 2.0), ("b", 4.0), ("c", None)], [200, 400, 0]),
        ([("a", 0), ("b", 0)], [0, 0]),
        ([], []),
    ],
)
def test_bars_scale_to_the_largest(values, widths):
    made = rules.bars(values)
    assert [b.width for b in made] == widths
    assert [b.y for b in made] == [i * 24 for i in range(len(values))]
