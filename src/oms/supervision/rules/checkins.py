"""Remote check-ins: the state machine, when a schedule opens a check-in, its window and expiry, when
the reminders are due, the identity check against the person record, the survey and what flags a
submission for the officer. Pure: no ORM, no clock, no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# created -> submitted | expired; submitted -> reviewed. Anything else is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("created", "submit"): "submitted",
    ("created", "expire"): "expired",
    ("submitted", "review"): "reviewed",
}

FREQUENCY_DAYS = {"weekly": 7, "fortnightly": 14}
MIN_WINDOW_HOURS, MAX_WINDOW_HOURS = 1, 7 * 24
# OMS defaults (docs/supervision-checkins.md): a late submission is taken for 24 hours after the window
# closes; the reminder goes 24 hours before the window closes.
GRACE = dt.timedelta(hours=24)
REMINDER_BEFORE = dt.timedelta(hours=24)

REVIEW_OUTCOMES = ("satisfactory", "concerns", "follow_up")

# The survey: each question with its choices; the flagging choices draw the officer's attention.
SURVEY: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "accommodation": (
        "Where are you living?",
        (("settled", "Settled where I live"), ("at_risk", "I may lose where I live"), ("none", "I have nowhere")),
    ),
    "employment": (
        "Work, training or education",
        (
            ("working", "Working"),
            ("education", "In training or education"),
            ("looking", "Looking for work"),
            ("not_working", "Not working"),
        ),
    ),
    "substance_use": (
        "Drugs or alcohol since the last check-in",
        (("none", "None"), ("same", "No change"), ("more", "More than before")),
    ),
    "wellbeing": (
        "How are you feeling?",
        (("good", "Good"), ("okay", "Okay"), ("struggling", "Struggling"), ("crisis", "I need help now")),
    ),
}
FLAGGING_ANSWERS = {
    "accommodation": {"at_risk", "none"},
    "substance_use": {"more"},
    "wellbeing": {"struggling", "crisis"},
}
MESSAGE_LIMIT = 2000


def next_state(state: str, action: str) -> str | None:
    """The state ``action`` leads to from ``state``, or None when it is not allowed."""
    return TRANSITIONS.get((state, action))


def opening_on(starts_on: dt.date, frequency: str, today: dt.date) -> dt.date | None:
    """The date of the latest check-in a schedule opens on or before ``today`` (None before the start):
    the start date, then every 7 or 14 days. A job that missed some days opens only the current one."""
    if today < starts_on:
        return None
    step = FREQUENCY_DAYS[frequency]
    return starts_on + dt.timedelta(days=((today - starts_on).days // step) * step)


def expires_at(closes_at: dt.datetime) -> dt.datetime:
    return closes_at + GRACE


def can_submit(state: str, closes_at: dt.datetime, opens_at: dt.datetime, now: dt.datetime) -> bool:
    return state == "created" and opens_at <= now < expires_at(closes_at)


def should_expire(state: str, closes_at: dt.datetime, now: dt.datetime) -> bool:
    return state == "created" and now >= expires_at(closes_at)


def reminder_due(state: str, closes_at: dt.datetime, now: dt.datetime, already_sent: bool) -> bool:
    """One reminder, sent from 24 hours before the window closes until the check-in expires."""
    return state == "created" and not already_sent and closes_at - REMINDER_BEFORE <= now < expires_at(closes_at)


def normal_postcode(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


@dataclass(frozen=True)
class IdentityRecord:
    """What the person record holds: the date of birth and the postcode of the current address."""

    date_of_birth: dt.date | None
    postcode: str


def identity_failures(record: IdentityRecord, *, date_of_birth: dt.date | None, postcode: str) -> list[str]:
    """The identity answers that do not match the record (postcodes compared without spaces or case). A
    fact the record lacks cannot be confirmed, so it fails too: the officer checks by other means."""
    failures = []
    if record.date_of_birth is None or date_of_birth != record.date_of_birth:
        failures.append("date_of_birth")
    if not normal_postcode(record.postcode) or normal_postcode(postcode) != normal_postcode(record.postcode):
        failures.append("postcode")
    return failures


def survey_problems(answers: dict) -> dict[str, str]:
    """Each survey question not answered with one of its choices, with the message to show."""
    problems = {}
    for key, (question, choices) in SURVEY.items():
        if answers.get(key) not in {c for c, _ in choices}:
            problems[key] = f"Select an answer: {question.lower()}"
    return problems


def flags_of(identity: list[str], answers: dict) -> list[str]:
    """Why the officer should look at a submission first: identity failures, then the worrying answers."""
    flags = [f"identity_{f}" for f in identity]
    flags += [f"{key}_{answers.get(key)}" for key, worrying in FLAGGING_ANSWERS.items() if answers.get(key) in worrying]
    return flags


FLAG_LABELS = {
    "identity_date_of_birth": "Date of birth did not match",
    "identity_postcode": "Postcode did not match",
    "accommodation_at_risk": "May lose accommodation",
    "accommodation_none": "No accommodation",
    "substance_use_more": "More drug or alcohol use",
    "wellbeing_struggling": "Struggling",
    "wellbeing_crisis": "Needs help now",
}


def review_problem(outcome: str, note: str) -> str | None:
    """A review needs a known outcome; anything other than satisfactory needs a note saying why."""
    if outcome not in REVIEW_OUTCOMES:
        return "Select the outcome"
    if outcome != "satisfactory" and not note.strip():
        return "Enter a note: what the concern is or what follow-up is needed"
    return None


def caseload_rank(key: tuple, *, to_review: int, flagged: bool) -> tuple:
    """Lift a caseload sort key for check-ins waiting for review: a flagged one is action today (rank
    0), any other at least "soon" (rank 1)."""
    if not to_review:
        return key
    rank = 0 if flagged else min(key[0], 1)
    return (rank, *key[1:])
