"""Requirement status and the participation's progress summary.

Status of one requirement on a day:
- ``met``: the target is reached (verified hours only; sessions attended; restitution balance paid, or
  waived); no new arrest is met once its due date has passed without a new arrest;
- ``failed``: no new arrest, when a new arrest was recorded (an obligation that can no longer be met);
- ``overdue``: not met and the due date has passed, or a restitution instalment is behind the plan;
- ``due_soon``: not met and due within ``DUE_SOON_DAYS`` days (the next instalment for a plan);
- ``on_track``: otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

DUE_SOON_DAYS = 7
# What a requirement's numbers count, for the explanation a participant, coordinator or court reads.
UNITS = {
    "community_service": ("hour", "hours"),
    "classes": ("session", "sessions"),
    "counselling": ("session", "sessions"),
    "drug_tests": ("test", "tests"),
    "check_ins": ("check-in", "check-ins"),
}


def format_minor(amount: int) -> str:
    """An amount in minor units (pence, cents) as 1,234.56."""
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    return f"{sign}{amount // 100:,}.{amount % 100:02d}"


def long_date(day: dt.date) -> str:
    """A date as people read it (GOV.UK style): 22 January 2027."""
    return f"{day.day} {day:%B %Y}"


def _done_text(facts: RequirementFacts, target: int) -> str:
    if facts.kind == "restitution":
        return f"{format_minor(facts.done)} of {format_minor(target)} paid"
    singular, plural = UNITS.get(facts.kind, ("", ""))
    unit = f" {singular if target == 1 else plural}" if singular else ""
    return f"{facts.done} of {target}{unit} done"


ORDER = {"failed": 0, "overdue": 1, "due_soon": 2, "on_track": 3, "met": 4}


@dataclass(frozen=True)
class RequirementFacts:
    kind: str
    due_on: dt.date
    target: int | None = None  # hours, minor units or sessions
    done: int = 0  # verified hours, sessions attended, or minor units paid or waived
    pending: int = 0  # hours logged but not yet verified
    instalment_minor: int | None = None
    instalment_every_days: int | None = None
    first_instalment_on: dt.date | None = None
    breached_on: dt.date | None = None
    label: str = ""


@dataclass(frozen=True)
class RequirementStatus:
    status: str
    next_due_on: dt.date | None  # the date that matters next (the due date, or the next instalment)
    expected_by_now: int | None  # restitution with a plan: what should have been paid by today
    explanation: str
    missed_on: dt.date | None = None  # overdue: the obligation date that passed unmet


def instalments_due(facts: RequirementFacts, today: dt.date) -> tuple[int, dt.date | None]:
    """How many instalments have fallen due by ``today`` (inclusive) and the date of the next one."""
    if not (facts.instalment_minor and facts.instalment_every_days and facts.first_instalment_on and facts.target):
        return 0, None
    total = -(-facts.target // facts.instalment_minor)  # the number of instalments in the plan
    if today < facts.first_instalment_on:
        return 0, facts.first_instalment_on
    count = min(total, (today - facts.first_instalment_on).days // facts.instalment_every_days + 1)
    nxt = facts.first_instalment_on + dt.timedelta(days=count * facts.instalment_every_days) if count < total else None
    return count, nxt


def requirement_status(facts: RequirementFacts, today: dt.date) -> RequirementStatus:
    if facts.kind == "no_new_arrest":
        if facts.breached_on is not None:
            return RequirementStatus("failed", None, None, f"New arrest on {long_date(facts.breached_on)}")
        if today > facts.due_on:
            return RequirementStatus("met", None, None, f"No new arrest up to {long_date(facts.due_on)}")
        return RequirementStatus(
            "on_track", facts.due_on, None, f"No new arrest so far; runs to {long_date(facts.due_on)}"
        )
    target = facts.target or 0
    if facts.done >= target:
        return RequirementStatus("met", None, None, _done_text(facts, target))
    days_left = (facts.due_on - today).days
    text = _done_text(facts, target)
    if facts.pending:
        text += f" ({facts.pending} awaiting verification)"
    if days_left < 0:
        return RequirementStatus(
            "overdue", facts.due_on, None, f"{text}; was due {long_date(facts.due_on)}", facts.due_on
        )
    if facts.kind == "restitution":
        count, nxt = instalments_due(facts, today)
        if count:
            expected = min(target, count * (facts.instalment_minor or 0))
            if facts.done < expected:
                missed = facts.first_instalment_on + dt.timedelta(days=(count - 1) * (facts.instalment_every_days or 0))
                text = f"{text}; {format_minor(expected)} expected by now under the plan"
                return RequirementStatus("overdue", nxt or facts.due_on, expected, text, missed)
            soon = nxt or facts.due_on
            covered = facts.done >= min(target, (count + 1) * (facts.instalment_minor or 0))  # paid ahead
            status = "due_soon" if (soon - today).days <= DUE_SOON_DAYS and not covered else "on_track"
            return RequirementStatus(status, soon, expected, f"{text}; next instalment {long_date(soon)}")
        if nxt is not None:
            status = "due_soon" if (nxt - today).days <= DUE_SOON_DAYS else "on_track"
            return RequirementStatus(status, nxt, 0, f"{text}; first instalment {long_date(nxt)}")
    if days_left <= DUE_SOON_DAYS:
        return RequirementStatus("due_soon", facts.due_on, None, f"{text}; due {long_date(facts.due_on)}")
    return RequirementStatus("on_track", facts.due_on, None, f"{text}; due {long_date(facts.due_on)}")


@dataclass(frozen=True)
class ProgressSummary:
    statuses: tuple[RequirementStatus, ...]
    counts: dict[str, int]
    percent_complete: int  # mean share of each requirement's target reached, rounded down
    unmet: tuple[str, ...] = field(default=())  # labels of requirements not met
    all_met: bool = False
    worst: str = "met"


def progress_summary(requirements: list[RequirementFacts], today: dt.date) -> ProgressSummary:
    statuses = tuple(requirement_status(r, today) for r in requirements)
    counts = {name: 0 for name in ORDER}
    for s in statuses:
        counts[s.status] += 1
    shares = []
    for r, s in zip(requirements, statuses, strict=True):
        if s.status == "met":
            shares.append(100)
        elif r.kind == "no_new_arrest" or not r.target:
            shares.append(0)
        else:
            shares.append(min(100, r.done * 100 // r.target))
    percent = sum(shares) // len(shares) if shares else 0
    unmet = tuple(r.label or r.kind for r, s in zip(requirements, statuses, strict=True) if s.status != "met")
    worst = min((s.status for s in statuses), key=ORDER.__getitem__, default="met")
    return ProgressSummary(statuses, counts, percent, unmet, not unmet and bool(requirements), worst)


def balance(entries: list[tuple[str, int]]) -> int:
    """Charges minus payments and waivers (minor units); negative when overpaid."""
    total = 0
    for kind, amount in entries:
        total += amount if kind == "charge" else -amount
    return total


def notice_due(status: RequirementStatus, today: dt.date, *, reminder_days: int = DUE_SOON_DAYS) -> str | None:
    """Which notice the daily job owes for a requirement today: ``missed`` when an obligation date has
    passed unmet (sent once per date, the first day the job sees it), ``reminder`` when the next date is
    within ``reminder_days`` days, else None."""
    if status.status == "overdue":
        return "missed"
    if (
        status.status == "due_soon"
        and status.next_due_on is not None
        and 0 <= (status.next_due_on - today).days <= reminder_days
    ):
        return "reminder"
    return None
