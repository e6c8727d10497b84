"""Case plan rules over plain values: goals suggested from assessed criminogenic needs, checks on
actions and reviews, and how urgent an overdue action or review is. Pure: no Django, no ORM, no I/O.

The need domains are the item codes of the ``criminogenic-needs`` instrument (OMS's own default,
``assessment/instruments/data/criminogenic-needs-v1.json``), each rated no_need / standard / severe.
The goal titles and first actions below are OMS's own wording for staff, not taken from any
published plan template.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

NEEDS_INSTRUMENT = "criminogenic-needs"
NEED_LEVELS = ("standard", "severe")  # the ratings that call for a goal ("no_need" does not)
ACTION_CLOSED_STATUSES = ("done", "cancelled")
# Days from the assessment to the target date of a derived goal's first action: a severe need is
# acted on sooner. OMS's own defaults (the issue names no interval); staff change the date.
FIRST_ACTION_DAYS = {"severe": 14, "standard": 28}
MAX_ATTENDEES = 30
ATTENDEE_LENGTH = 200


@dataclass(frozen=True)
class NeedGoalTemplate:
    title: str
    first_action: str
    first_action_owner: str  # a PlanAction.OwnerKind value


# In the instrument's order, which is also the tie-break among needs of the same level.
NEED_GOALS: dict[str, NeedGoalTemplate] = {
    "accommodation": NeedGoalTemplate(
        "Have settled accommodation to go to",
        "Refer to the housing advice service and record the address plan",
        "case_manager",
    ),
    "education_training_employment": NeedGoalTemplate(
        "Build skills and qualifications toward work",
        "Book an education and careers assessment and agree a learning or work placement",
        "case_manager",
    ),
    "finance": NeedGoalTemplate(
        "Manage money and debts",
        "Arrange a benefits and debt advice appointment; open a bank account if there is none",
        "partner",
    ),
    "relationships": NeedGoalTemplate(
        "Build and keep supportive relationships",
        "Talk through family contact and support; refer to family services where wanted",
        "case_manager",
    ),
    "lifestyle_associates": NeedGoalTemplate(
        "Spend time in positive activities away from offending peers",
        "Agree structured activities for free time and identify peers to avoid",
        "person",
    ),
    "drugs": NeedGoalTemplate(
        "Reduce and stop drug misuse",
        "Refer to the substance misuse service for an assessment",
        "health",
    ),
    "alcohol": NeedGoalTemplate(
        "Reduce harmful drinking",
        "Refer to the alcohol service for a brief intervention or assessment",
        "health",
    ),
    "emotional_wellbeing": NeedGoalTemplate(
        "Look after emotional and mental wellbeing",
        "Refer to the mental health team for a wellbeing assessment",
        "health",
    ),
    "thinking_behaviour": NeedGoalTemplate(
        "Develop problem-solving and self-control skills",
        "Refer to a thinking skills programme",
        "programmes",
    ),
    "attitudes": NeedGoalTemplate(
        "Challenge attitudes that support offending",
        "Work through attitudes to offending in one-to-one sessions",
        "probation",
    ),
}


@dataclass(frozen=True)
class SuggestedGoal:
    need: str
    level: str  # "standard" or "severe"
    title: str
    first_action: str
    first_action_owner: str


def suggested_goals(answers: Mapping[str, object]) -> list[SuggestedGoal]:
    """A goal for each need rated standard or severe: severe needs first, then standard, each group in
    the instrument's order. Unknown items and other values are ignored (an older or newer instrument
    version may carry items this list does not know)."""
    order = list(NEED_GOALS)
    rated = [(need, answers.get(need)) for need in order]
    needing = [(need, level) for need, level in rated if level in NEED_LEVELS]
    needing.sort(key=lambda pair: (0 if pair[1] == "severe" else 1, order.index(pair[0])))
    return [
        SuggestedGoal(
            need=need,
            level=str(level),
            title=NEED_GOALS[need].title,
            first_action=NEED_GOALS[need].first_action,
            first_action_owner=NEED_GOALS[need].first_action_owner,
        )
        for need, level in needing
    ]


def goals_to_add(suggestions: Iterable[SuggestedGoal], needs_with_open_goals: Iterable[str]) -> list[SuggestedGoal]:
    """The suggestions whose need has no open goal yet: a need already worked on keeps its goal, and a
    need that dropped to no_need is not in the suggestions at all (its goal stays until staff close it)."""
    covered = set(needs_with_open_goals)
    return [s for s in suggestions if s.need not in covered]


# --- checks ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    field: str


def review_problem(*, held_on: dt.date, next_review_on: dt.date | None, today: dt.date) -> Problem | None:
    """A review is recorded after it is held, and the next one comes after it."""
    if held_on > today:
        return Problem("review_in_future", "The review date must be today or in the past", "held_on")
    if next_review_on is not None and next_review_on <= held_on:
        return Problem("next_review_too_early", "The next review must be after this review", "next_review_on")
    return None


def attendees_problem(attendees: Iterable[str]) -> Problem | None:
    names = list(attendees)
    if not names:
        return Problem("no_attendees", "Enter who attended the review", "attendees")
    if len(names) > MAX_ATTENDEES:
        return Problem("too_many_attendees", f"Enter at most {MAX_ATTENDEES} attendees", "attendees")
    if any(len(name) > ATTENDEE_LENGTH for name in names):
        return Problem("attendee_too_long", f"Each attendee must be {ATTENDEE_LENGTH} characters or fewer", "attendees")
    return None


def clean_attendees(attendees: Iterable[str]) -> list[str]:
    """Trimmed, non-blank, each name once, in the order given."""
    seen: list[str] = []
    for name in attendees:
        name = " ".join(str(name).split())
        if name and name not in seen:
            seen.append(name)
    return seen


# --- overdue ---------------------------------------------------------------------------------------


def action_is_overdue(*, target_on: dt.date | None, status: str, today: dt.date) -> bool:
    return target_on is not None and target_on < today and status not in ACTION_CLOSED_STATUSES


def days_overdue(due_on: dt.date, today: dt.date) -> int:
    """Positive when past, zero on the day, negative when still to come (days left)."""
    return (today - due_on).days


def review_is_due(*, next_review_on: dt.date | None, today: dt.date, within_days: int) -> bool:
    """A review is listed when it is past or falls within the next ``within_days`` days."""
    return next_review_on is not None and next_review_on <= today + dt.timedelta(days=within_days)


def urgency_key(due_on: dt.date, today: dt.date, kind: str) -> tuple[int, int]:
    """Most overdue first; on the same date a review (a whole plan) before an action."""
    return (-days_overdue(due_on, today), 0 if kind == "review" else 1)
