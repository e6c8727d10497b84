"""Contact standards, the next contact due, compliance counts and repeat bookings: pure functions over
plain values (no ORM, no clock: callers pass today).

Levels are the strings of ``models.Level``: "low", "medium", "high", "very_high".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

LEVELS = ("low", "medium", "high", "very_high")


@dataclass(frozen=True)
class ContactStandard:
    level: str
    every_days: int  # at most this many days between countable contacts the person attended
    label: str
    source: str


# The shipped defaults, in one table. A jurisdiction's national standard replaces these numbers; the
# source says where each came from so nobody mistakes a default for a rule of law.
CONTACT_STANDARDS: dict[str, ContactStandard] = {
    "very_high": ContactStandard("very_high", 7, "Weekly", "OMS default (the issue's example: weekly for high)"),
    "high": ContactStandard("high", 7, "Weekly", "OMS default (the issue's example: weekly for high)"),
    "medium": ContactStandard("medium", 14, "Fortnightly", "OMS default"),
    "low": ContactStandard("low", 28, "Every four weeks", "OMS default (monthly, taken as 28 days)"),
}

# A case whose person has no tier or risk assessment yet is seen as if high: weekly until assessed.
UNASSESSED_LEVEL = "high"

# Appointment kinds that count toward compliance (national-standard contact types); a phone call counts
# only where the setting says so.
COUNTABLE_KINDS = frozenset({"office", "video", "home_visit"})

# Outcomes that are failures to comply, counted toward a warning and breach.
FAILURE_OUTCOMES = frozenset({"failed_unacceptable", "unacceptable_behaviour"})
ATTENDED_OUTCOMES = frozenset({"attended", "unacceptable_behaviour"})


def counts_toward_compliance(kind: str, *, phone_counts: bool = False) -> bool:
    return kind in COUNTABLE_KINDS or (kind == "phone" and phone_counts)


def level_from_tier(tier: str) -> str | None:
    """The level a probation tier (protect level A-D then change level 0-3, e.g. "B2") implies: the
    protect level decides (A very high, B high, C medium, D low). OMS default mapping."""
    tier = (tier or "").strip().upper()
    return {"A": "very_high", "B": "high", "C": "medium", "D": "low"}.get(tier[:1]) if len(tier) == 2 else None


def level_from_risk_band(band: str) -> str | None:
    """The level an OGRS3 band ("low", "medium", "high", "very high") implies: the same name."""
    band = (band or "").strip().lower().replace(" ", "_")
    return band if band in LEVELS else None


def effective_level(*, override: str = "", tier: str = "", risk_band: str = "") -> tuple[str, str]:
    """The level in force and where it came from: the override, else the tier, else the risk band, else
    the unassessed default."""
    if override in LEVELS:
        return override, "override"
    from_tier = level_from_tier(tier)
    if from_tier:
        return from_tier, "tier"
    from_risk = level_from_risk_band(risk_band)
    if from_risk:
        return from_risk, "risk"
    return UNASSESSED_LEVEL, "unassessed"


def next_contact_due(*, level: str, starts_on: dt.date, last_attended_on: dt.date | None) -> dt.date:
    """The date by which the next countable contact is due: the standard's interval after the last
    attended countable contact; with none yet, the case's start date (the induction is due at once)."""
    if last_attended_on is None:
        return starts_on
    return last_attended_on + dt.timedelta(days=CONTACT_STANDARDS[level].every_days)


@dataclass(frozen=True)
class Urgency:
    rank: int  # 0 overdue, 1 due within the window, 2 later
    days: int  # days overdue (rank 0) or days until due


DUE_SOON_DAYS = 7


def urgency(due_on: dt.date, today: dt.date, *, soon_days: int = DUE_SOON_DAYS) -> Urgency:
    days = (due_on - today).days
    if days < 0:
        return Urgency(0, -days)
    return Urgency(1 if days <= soon_days else 2, days)


def urgency_key(due_on: dt.date, today: dt.date) -> tuple[int, int]:
    """Sort key: overdue first (most overdue first), then soonest due."""
    u = urgency(due_on, today)
    return (u.rank, -u.days if u.rank == 0 else u.days)


def caseload_key(
    due_on: dt.date, today: dt.date, *, tests_due: int = 0, violations_awaiting: int = 0, breach_open: bool = False
) -> tuple[int, int, int]:
    """Sort key of the caseload: a case needing action today (contact overdue, a drug test due, a
    violation awaiting a response) first, then contact due soon or an open breach to follow, then the
    rest; within a group the contact order (most overdue, then soonest due)."""
    rank, days = urgency_key(due_on, today)
    if tests_due or violations_awaiting:
        rank = 0
    elif breach_open:
        rank = min(rank, 1)
    return (rank, 0 if (tests_due or violations_awaiting) else 1, days)


@dataclass(frozen=True)
class Contact:
    on: dt.date
    counts: bool
    outcome: str


@dataclass(frozen=True)
class Compliance:
    since: dt.date
    attended: int
    acceptable_absences: int
    unacceptable_absences: int
    unacceptable_behaviour: int
    not_recorded: int  # past appointments with no outcome yet

    @property
    def failures(self) -> int:
        """Failures to comply: the count a warning and breach decision reads."""
        return self.unacceptable_absences + self.unacceptable_behaviour


def compliance(contacts: Iterable[Contact], *, since: dt.date, today: dt.date) -> Compliance:
    """Counts of countable contacts on or after ``since`` (the case start until the breach process
    exists; then the date the previous breach was resolved) up to today."""
    tally = {"attended": 0, "failed_acceptable": 0, "failed_unacceptable": 0, "unacceptable_behaviour": 0}
    not_recorded = 0
    for contact in contacts:
        if not contact.counts or contact.on < since or contact.on > today:
            continue
        if contact.outcome == "not_recorded":
            not_recorded += 1
        elif contact.outcome in tally:
            tally[contact.outcome] += 1
    return Compliance(
        since=since,
        attended=tally["attended"],
        acceptable_absences=tally["failed_acceptable"],
        unacceptable_absences=tally["failed_unacceptable"],
        unacceptable_behaviour=tally["unacceptable_behaviour"],
        not_recorded=not_recorded,
    )


REPEATS = {"none": 0, "weekly": 7, "fortnightly": 14}
MAX_REPEAT_WEEKS = 52


def repeat_times(first: dt.datetime, *, repeat: str, weeks: int) -> list[dt.datetime]:
    """The start times of a booking: ``first`` alone, or every 7 or 14 days within ``weeks`` weeks
    from it (weekly for 4 weeks: 4 appointments; fortnightly for 4 weeks: 2)."""
    step = REPEATS[repeat]
    if step == 0:
        return [first]
    count = max(1, -(-weeks * 7 // step))
    return [first + dt.timedelta(days=step * i) for i in range(count)]
