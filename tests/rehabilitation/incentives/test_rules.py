"""The next-review rule (domain-rules: placed on basic -> within 7 days, then every 28 days while on basic;
otherwise yearly), the first review after arrival, outcomes and the level-set checks: pure functions."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms.rehabilitation.rules import incentives as rules

D = dt.date


@pytest.mark.parametrize(
    ("new_basic", "previous_basic", "since", "reviewed_on", "due", "since_after"),
    [
        # Placed on basic on 1 June: reviewed by 8 June, a new run of basic starts.
        (True, False, None, D(2026, 6, 1), D(2026, 6, 8), D(2026, 6, 1)),
        # Reviewed and kept on basic on 7 June: every 28 days after -> 5 July; the run keeps its start.
        (True, True, D(2026, 6, 1), D(2026, 6, 7), D(2026, 7, 5), D(2026, 6, 1)),
        # Kept on basic again on 5 July -> 2 August.
        (True, True, D(2026, 6, 1), D(2026, 7, 5), D(2026, 8, 2), D(2026, 6, 1)),
        # Raised from basic to standard on 7 June: a year later.
        (False, True, D(2026, 6, 1), D(2026, 6, 7), D(2027, 6, 7), None),
        # Standard kept, enhanced raised: yearly.
        (False, False, None, D(2026, 6, 1), D(2027, 6, 1), None),
        # Leap day: a year after 29 February 2028 is 28 February 2029.
        (False, False, None, D(2028, 2, 29), D(2029, 2, 28), None),
        # Basic across the leap day: 7 and 28 days count 29 February.
        (True, False, None, D(2028, 2, 25), D(2028, 3, 3), D(2028, 2, 25)),
        (True, True, D(2028, 2, 1), D(2028, 2, 10), D(2028, 3, 9), D(2028, 2, 1)),
        # Across the year end.
        (True, False, None, D(2026, 12, 28), D(2027, 1, 4), D(2026, 12, 28)),
        # Previous basic with no known start counts as placed now (the shorter, safer review).
        (True, True, None, D(2026, 6, 7), D(2026, 6, 14), D(2026, 6, 7)),
    ],
)
def test_next_review_table(new_basic, previous_basic, since, reviewed_on, due, since_after):
    got = rules.next_review(
        new_is_basic=new_basic, previous_is_basic=previous_basic, on_basic_since=since, reviewed_on=reviewed_on
    )
    assert got == rules.NextReview(due, since_after)


@pytest.mark.parametrize(
    ("is_basic", "arrived", "due"),
    [
        (False, D(2026, 6, 1), D(2026, 9, 1)),  # within 3 months of arrival (PF 5.18)
        (False, D(2026, 11, 30), D(2027, 2, 28)),  # month end clamps
        (False, D(2027, 11, 30), D(2028, 2, 29)),  # leap year
        (True, D(2026, 6, 1), D(2026, 6, 8)),  # a facility whose default is basic: 7 days
    ],
)
def test_first_review_after_arrival(is_basic, arrived, due):
    assert rules.first_review_after_arrival(is_basic=is_basic, arrived_on=arrived).due_on == due


@pytest.mark.parametrize(
    ("previous", "new", "outcome"),
    [(None, 2, "placed"), (2, 2, "maintained"), (1, 2, "raised"), (3, 2, "lowered")],
)
def test_outcome(previous, new, outcome):
    assert rules.review_outcome(previous_rank=previous, new_rank=new) == outcome


days = st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31))


@given(reviewed_on=days, previous_basic=st.booleans())
def test_basic_is_always_reviewed_within_28_days_and_others_within_a_year(reviewed_on, previous_basic):
    since = reviewed_on - dt.timedelta(days=10) if previous_basic else None
    basic = rules.next_review(
        new_is_basic=True, previous_is_basic=previous_basic, on_basic_since=since, reviewed_on=reviewed_on
    )
    other = rules.next_review(
        new_is_basic=False, previous_is_basic=previous_basic, on_basic_since=since, reviewed_on=reviewed_on
    )
    assert (basic.due_on - reviewed_on).days == (28 if previous_basic else 7)
    assert basic.on_basic_since == (since or reviewed_on)
    assert 365 <= (other.due_on - reviewed_on).days <= 366 and other.on_basic_since is None
    assert other.due_on.month == reviewed_on.month


@given(day=days, months=st.integers(min_value=0, max_value=240))
def test_add_months_lands_in_the_right_month_never_past_its_end(day, months):
    got = rules.add_months(day, months)
    assert (got.year * 12 + got.month) - (day.year * 12 + day.month) == months
    assert got.day == day.day or (got.day < day.day and (got + dt.timedelta(days=1)).day == 1)


def test_days_overdue():
    assert rules.days_overdue(due_on=D(2026, 6, 1), today=D(2026, 6, 4)) == 3
    assert rules.days_overdue(due_on=D(2026, 6, 8), today=D(2026, 6, 1)) == -7


def facts(*rows):
    return [rules.LevelFacts(*row) for row in rows]


def test_level_set_checks():
    good = facts(("basic", 1, True, False), ("standard", 2, False, True))
    assert rules.level_set_problems(good) == []
    assert rules.level_set_problems([]) == []
    two_basics = facts(("basic", 1, True, False), ("b2", 2, True, True))
    assert [p[0] for p in rules.level_set_problems(two_basics)] == ["levels.basic"]
    no_default = facts(("basic", 1, True, False), ("standard", 2, False, False))
    assert [p[0] for p in rules.level_set_problems(no_default)] == ["levels.default"]
    basic_high = facts(("standard", 1, False, True), ("basic", 2, True, False))
    assert [p[0] for p in rules.level_set_problems(basic_high)] == ["levels.basic_not_lowest"]
    retired_ignored = facts(("basic", 1, True, False), ("standard", 2, False, True), ("old", 3, True, True, False))
    assert rules.level_set_problems(retired_ignored) == []
