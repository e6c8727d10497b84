"""Incentive review decisions over plain values (no ORM, no I/O).

When the next review falls due (domain-rules "Assessment, plans, programmes, incentives", from
hmpps-incentives-api, which quotes the Incentives Policy Framework):

- placed on basic (from another level, or on arrival): within 7 days of the review (PF 5.16);
- kept on basic at a review: every 28 days after that review;
- on any other level: a year after the review (29 February rolls back to 28 February).

A person placed on a level on arrival at a facility (OMS's reception placement, not a review by
staff) is first reviewed within 3 months of arrival (PF 5.18, "all new prisoners within 3 months"),
unless that level is basic, when the 7-day rule applies.

The outcome of a review follows from the levels' ranks: no previous level here -> placed; same level
-> maintained; a higher rank -> raised; a lower one -> lowered.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

FIRST_BASIC_REVIEW_DAYS = 7
REPEAT_BASIC_REVIEW_DAYS = 28
FIRST_REVIEW_AFTER_ARRIVAL_MONTHS = 3

PLACED = "placed"
MAINTAINED = "maintained"
RAISED = "raised"
LOWERED = "lowered"


@dataclass(frozen=True)
class NextReview:
    due_on: dt.date
    # The first day of the current run of basic reviews; None when the new level is not basic.
    on_basic_since: dt.date | None


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the last day of that month when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review(
    *, new_is_basic: bool, previous_is_basic: bool, on_basic_since: dt.date | None, reviewed_on: dt.date
) -> NextReview:
    """The next review date after a review on ``reviewed_on`` (see the module docstring).

    ``on_basic_since`` is the start of the run of basic reviews the previous level belonged to; a person
    kept on basic keeps it, one placed on basic starts a new run on ``reviewed_on``. A previous basic
    level without a known start (data from elsewhere) counts as placed now: the shorter 7-day review is
    the safer reading."""
    if not new_is_basic:
        return NextReview(add_months(reviewed_on, 12), None)
    if previous_is_basic and on_basic_since is not None and on_basic_since <= reviewed_on:
        return NextReview(reviewed_on + dt.timedelta(days=REPEAT_BASIC_REVIEW_DAYS), on_basic_since)
    return NextReview(reviewed_on + dt.timedelta(days=FIRST_BASIC_REVIEW_DAYS), reviewed_on)


def first_review_after_arrival(*, is_basic: bool, arrived_on: dt.date) -> NextReview:
    """The first review of a person placed on a level on arrival: within 3 months, or 7 days on basic."""
    if is_basic:
        return NextReview(arrived_on + dt.timedelta(days=FIRST_BASIC_REVIEW_DAYS), arrived_on)
    return NextReview(add_months(arrived_on, FIRST_REVIEW_AFTER_ARRIVAL_MONTHS), None)


def review_outcome(*, previous_rank: int | None, new_rank: int) -> str:
    """placed (no previous level at this facility), maintained, raised or lowered."""
    if previous_rank is None:
        return PLACED
    if new_rank == previous_rank:
        return MAINTAINED
    return RAISED if new_rank > previous_rank else LOWERED


def days_overdue(*, due_on: dt.date, today: dt.date) -> int:
    """Days past the due date (0 when due today, negative when not yet due)."""
    return (today - due_on).days


@dataclass(frozen=True)
class LevelFacts:
    code: str
    rank: int
    is_basic: bool
    is_default: bool
    active: bool = True


def level_set_problems(levels: list[LevelFacts]) -> list[tuple[str, str, str]]:
    """What is wrong with a facility's levels as a set: (code, field, message) for each problem.

    Among active levels exactly one is basic, exactly one is the default, and basic is the lowest rank
    (the 7/28-day rule is about the bottom of the scheme). An empty set is allowed (no scheme yet)."""
    active = [level for level in levels if level.active]
    if not active:
        return []
    problems = []
    basics = [level for level in active if level.is_basic]
    defaults = [level for level in active if level.is_default]
    if len(basics) != 1:
        problems.append(("levels.basic", "is_basic", "Exactly one active level must be the basic level"))
    if len(defaults) != 1:
        problems.append(("levels.default", "is_default", "Exactly one active level must be the default level"))
    if len(basics) == 1 and min(level.rank for level in active) != basics[0].rank:
        problems.append(("levels.basic_not_lowest", "rank", "The basic level must have the lowest rank"))
    return problems
