"""Warnings and breach: the legal breach states and their transitions, the start of the current
compliance period ("since the previous breach"), and what a failure to comply calls for next. Pure
functions over plain values (no ORM, no clock: callers pass dates).

Domain rule (docs/supervision-breach.md): only appointments of national-standard types count toward
compliance; failures to comply lead to warnings, then breach, which moves initiated -> summons or
warrant -> proven or withdrawn; counts reset once a breach is resolved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from oms.core.errors import RuleViolation

INITIATED, SUMMONS, WARRANT, PROVEN, WITHDRAWN = "initiated", "summons", "warrant", "proven", "withdrawn"
STATES = (INITIATED, SUMMONS, WARRANT, PROVEN, WITHDRAWN)
RESOLVED = frozenset({PROVEN, WITHDRAWN})

# Where a breach may go from each state. A summons the person ignores becomes a warrant; proven or
# withdrawn end the proceedings (a withdrawal is possible at any point before the court decides).
TRANSITIONS: dict[str, frozenset[str]] = {
    INITIATED: frozenset({SUMMONS, WARRANT, WITHDRAWN}),
    SUMMONS: frozenset({WARRANT, PROVEN, WITHDRAWN}),
    WARRANT: frozenset({PROVEN, WITHDRAWN}),
    PROVEN: frozenset(),
    WITHDRAWN: frozenset(),
}

# What a proven breach led to. Revocation (of an order) and recall (of a licence) end the case.
OUTCOMES = ("continued", "varied", "revoked", "recalled")
ENDING_OUTCOMES = frozenset({"revoked", "recalled"})
OUTCOME_FOR_KIND = {
    "probation": frozenset({"continued", "varied", "revoked"}),
    "pretrial": frozenset({"continued", "varied", "revoked"}),
    "licence": frozenset({"continued", "varied", "recalled"}),
}


def allowed_next(state: str) -> frozenset[str]:
    return TRANSITIONS.get(state, frozenset())


def check_transition(current: str, new: str, *, field: str = "state") -> None:
    """Refuse a move the breach process does not allow, naming the field (RuleViolation
    ``supervision.breach_bad_transition``)."""
    if new not in STATES:
        raise RuleViolation("Select the new state of the breach", code="supervision.bad_choice", field=field)
    if new not in allowed_next(current):
        allowed = ", ".join(sorted(allowed_next(current))) or "none: the breach is resolved"
        raise RuleViolation(
            f"A breach cannot move from {current} to {new} (allowed: {allowed})",
            code="supervision.breach_bad_transition",
            field=field,
        )


def check_outcome(case_kind: str, state: str, outcome: str, *, field: str = "outcome") -> str:
    """A proven breach needs an outcome fitting the case (recall for a licence, revocation for an order);
    other states take none."""
    if state != PROVEN:
        if outcome:
            raise RuleViolation(
                "Only a proven breach has an outcome", code="supervision.outcome_not_allowed", field=field
            )
        return ""
    if outcome not in OUTCOME_FOR_KIND.get(case_kind, frozenset(OUTCOMES)):
        raise RuleViolation(
            "Select what the proven breach led to for this kind of case",
            code="supervision.bad_breach_outcome",
            field=field,
        )
    return outcome


@dataclass(frozen=True)
class PastBreach:
    state: str
    initiated_on: dt.date
    resolved_on: dt.date | None


def period_start(case_starts_on: dt.date, breaches: Iterable[PastBreach]) -> dt.date:
    """The start of the current compliance period: the day the latest resolved breach was resolved
    (contacts on or after it count), else the case start."""
    resolved = [b.resolved_on for b in breaches if b.state in RESOLVED and b.resolved_on is not None]
    return max([case_starts_on, *resolved])


# How many warnings the period allows before the next failure calls for breach. OMS default, after the
# England and Wales practice of one warning within the period before breach action; a jurisdiction
# changes this number, not the code.
WARNINGS_BEFORE_BREACH = 1


@dataclass(frozen=True)
class Advice:
    action: str  # "none", "warning", "breach", "breach_open"
    text: str


def advice(*, failures: int, warnings: int, breach_open: bool) -> Advice:
    """What the failures to comply in the period call for: each failure not yet answered by a warning
    calls for a warning, until the warnings allowed are used; a failure beyond them calls for breach."""
    if breach_open:
        return Advice("breach_open", "Breach proceedings are open: add further failures to them")
    if failures <= warnings:
        return Advice("none", "No failure to comply is waiting for action")
    if warnings < WARNINGS_BEFORE_BREACH:
        return Advice("warning", "A failure to comply is waiting for a warning")
    return Advice("breach", "Failures to comply exceed the warnings allowed: start breach proceedings")
