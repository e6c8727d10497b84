"""Pure rules of formal counts: reconciling the figures entered against the roll snapshot, whether a
session may be cleared, when a scheduled count is due, and whether a count was late or missed.

No ORM and no I/O: plain values in, plain values out (table-driven tests in tests/custody/test_count_rules.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

WAITING = "waiting"  # not every figure needed is in yet
MATCHED = "matched"
DISCREPANCY = "discrepancy"  # the counted number differs from the roll
OFFICERS_DISAGREE = "officers_disagree"  # two-officer count: the two figures differ


@dataclass(frozen=True)
class Reconciliation:
    outcome: str
    expected: int
    counted: int | None  # the agreed figure; None while waiting or when the officers disagree
    difference: int | None  # counted - expected (negative: fewer people found than the roll says)


def officers_needed(two_officer: bool) -> int:
    return 2 if two_officer else 1


def reconcile(expected: int, figures: Iterable[int], *, two_officer: bool) -> Reconciliation:
    """Compare the figures entered for one unit with the number the roll expected there.

    A single-officer session is decided by its one figure. A two-officer session waits for both and
    is only a match when both officers found the roll's number; two figures that differ from each
    other are a discrepancy of their own (the unit is recounted whatever the roll says)."""
    values = list(figures)
    if len(values) < officers_needed(two_officer):
        return Reconciliation(WAITING, expected, None, None)
    if len(set(values)) > 1:
        return Reconciliation(OFFICERS_DISAGREE, expected, None, None)
    counted = values[0]
    outcome = MATCHED if counted == expected else DISCREPANCY
    return Reconciliation(outcome, expected, counted, counted - expected)


def clear_refusal(status: str, *, discrepancies: int, unresolved: int) -> tuple[str, str] | None:
    """Why a session may not be cleared, as (code, detail), or None when it may.

    A matched session clears. A session with a discrepancy clears only once the difference is
    accounted for by name: at least one discrepancy recorded and every one resolved. An open session
    has not been counted; a superseded or cleared one is finished."""
    if status == "cleared":
        return ("custody.count_session_already_cleared", "This unit's count is already cleared.")
    if status == "recount":
        return ("custody.count_session_superseded", "This session was superseded by a recount: clear the recount.")
    if status == "open":
        return ("custody.count_session_not_counted", "The unit has not been counted yet.")
    if status == "discrepancy":
        if discrepancies == 0:
            return (
                "custody.count_discrepancy_unexplained",
                "The count does not match the roll: record who is missing or extra, or order a recount.",
            )
        if unresolved:
            return ("custody.count_discrepancy_unresolved", f"{unresolved} discrepancy(ies) not yet resolved.")
    return None


def due_at(on: dt.date, time_of_day: dt.time, time_zone: str) -> dt.datetime:
    """The UTC instant of a count time on a local date at the site (count times are local wall time)."""
    local = dt.datetime.combine(on, time_of_day, tzinfo=ZoneInfo(time_zone))
    return local.astimezone(dt.UTC)


def local_date(instant: dt.datetime, time_zone: str) -> dt.date:
    """The calendar date at the site when ``instant`` happens."""
    return instant.astimezone(ZoneInfo(time_zone)).date()


def local_day_start(instant: dt.datetime, time_zone: str) -> dt.datetime:
    """Midnight of ``instant``'s local day at the site, as a UTC instant."""
    local = instant.astimezone(ZoneInfo(time_zone))
    midnight = dt.datetime.combine(local.date(), dt.time(0), tzinfo=ZoneInfo(time_zone))
    return midnight.astimezone(dt.UTC)


ON_TIME = "on_time"
LATE = "late"  # cleared, but more than the tolerance after it was due
IN_PROGRESS = "in_progress"
OVERDUE = "overdue"  # not cleared and already past the tolerance


def timeliness(due: dt.datetime, cleared_at: dt.datetime | None, now: dt.datetime, tolerance: dt.timedelta) -> str:
    """A count is late when it was cleared more than ``tolerance`` after it was due; an uncleared count
    past the tolerance is overdue (it will be late when cleared)."""
    deadline = due + tolerance
    if cleared_at is None:
        return OVERDUE if now > deadline else IN_PROGRESS
    return LATE if cleared_at > deadline else ON_TIME


@dataclass(frozen=True)
class CountSlot:
    count_time_id: int
    name: str
    due_at: dt.datetime


def missed_slots(
    count_times: Iterable[tuple[int, str, dt.time, dt.datetime | None]],
    *,
    days: Iterable[dt.date],
    time_zone: str,
    started: set[tuple[int, dt.datetime]],
    now: dt.datetime,
    tolerance: dt.timedelta,
) -> list[CountSlot]:
    """Count times with no count started: each (count time id, name, local time, configured since)
    on each local day whose due instant plus the tolerance has passed, that was configured by then,
    and for which no count was started for that (count time, due instant)."""
    missed = []
    for day in days:
        for count_time_id, name, time_of_day, since in count_times:
            due = due_at(day, time_of_day, time_zone)
            if due + tolerance >= now or (since is not None and due < since):
                continue
            if (count_time_id, due) not in started:
                missed.append(CountSlot(count_time_id, name, due))
    return sorted(missed, key=lambda slot: slot.due_at)
