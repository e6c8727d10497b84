"""A programme's weekly timetable: checking the data and finding clashes between two timetables.

A timetable is a list of weekly slots ``{"weekday": 0-6 (Monday 0), "start": "HH:MM", "end": "HH:MM"}``
with start before end (a slot does not run past midnight). Two places clash when their date ranges
overlap and, on a weekday that falls inside that overlap, one slot starts before the other ends.
Touching slots (one ends at 11:00, the next starts at 11:00) do not clash.

Pure: no Django, no ORM, no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_SLOTS = 50
_HH_MM = re.compile(r"([01]\d|2[0-3]):([0-5]\d)", re.ASCII)


class TimetableError(ValueError):
    """Bad timetable data; ``field`` names the slot and part at fault, e.g. ``timetable[1].start``."""

    def __init__(self, field: str, detail: str):
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail


@dataclass(frozen=True, order=True)
class Slot:
    weekday: int
    start: dt.time
    end: dt.time

    def as_dict(self) -> dict:
        return {"weekday": self.weekday, "start": self.start.strftime("%H:%M"), "end": self.end.strftime("%H:%M")}

    @property
    def label(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.start:%H:%M}-{self.end:%H:%M}"


def _time(value, field: str) -> dt.time:
    if not isinstance(value, str) or not _HH_MM.fullmatch(value):
        raise TimetableError(field, "Enter a time as HH:MM on the 24-hour clock, for example 09:30")
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def parse_timetable(raw, *, field: str = "timetable") -> list[Slot]:
    """The slots of ``raw`` (a list of slot dicts), sorted; TimetableError naming the part at fault.
    Overlapping slots within one timetable are refused: a person cannot be in one room twice."""
    if raw is None:
        return []
    if not isinstance(raw, list | tuple):
        raise TimetableError(field, "The timetable must be a list of weekly slots")
    if len(raw) > MAX_SLOTS:
        raise TimetableError(field, f"A timetable may have at most {MAX_SLOTS} weekly slots")
    slots = []
    for index, item in enumerate(raw):
        at = f"{field}[{index}]"
        if not isinstance(item, dict):
            raise TimetableError(at, "Each slot needs a weekday, a start and an end")
        unknown = set(item) - {"weekday", "start", "end"}
        if unknown:
            raise TimetableError(f"{at}.{sorted(unknown)[0]}", "Unknown part of a timetable slot")
        weekday = item.get("weekday")
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise TimetableError(f"{at}.weekday", "The weekday must be a whole number from 0 (Monday) to 6 (Sunday)")
        start = _time(item.get("start"), f"{at}.start")
        end = _time(item.get("end"), f"{at}.end")
        if not start < end:
            raise TimetableError(f"{at}.end", "The end time must be after the start time")
        slots.append(Slot(weekday, start, end))
    slots.sort()
    for before, after in zip(slots, slots[1:], strict=False):
        if before.weekday == after.weekday and after.start < before.end:
            raise TimetableError(field, f"Two slots overlap: {before.label} and {after.label}")
    return slots


def slots_overlap(a: Slot, b: Slot) -> bool:
    return a.weekday == b.weekday and a.start < b.end and b.start < a.end


def weekdays_between(first: dt.date, last: dt.date) -> set[int]:
    """The weekdays that occur from ``first`` to ``last`` inclusive (all seven from a week on)."""
    if last < first:
        return set()
    days = (last - first).days + 1
    if days >= 7:
        return set(range(7))
    return {(first + dt.timedelta(days=n)).weekday() for n in range(days)}


def date_overlap(
    a_from: dt.date, a_to: dt.date | None, b_from: dt.date, b_to: dt.date | None
) -> tuple[dt.date, dt.date | None] | None:
    """The dates both ranges cover (``None`` as an end = open-ended), or None when they do not meet."""
    first = max(a_from, b_from)
    ends = [d for d in (a_to, b_to) if d is not None]
    last = min(ends) if ends else None
    if last is not None and last < first:
        return None
    return first, last


@dataclass(frozen=True)
class Clash:
    slot: Slot  # the slot of the programme asked about
    other_slot: Slot  # the slot it overlaps in the other timetable
    first_day: dt.date  # the first day both places run

    @property
    def explanation(self) -> str:
        since = f"{self.first_day.day} {self.first_day:%b %Y}"
        return f"{self.slot.label} overlaps {self.other_slot.label} (both running from {since})"


def clashes(
    slots: Sequence[Slot],
    runs: tuple[dt.date, dt.date | None],
    other_slots: Iterable[Slot],
    other_runs: tuple[dt.date, dt.date | None],
) -> list[Clash]:
    """Every pair of overlapping slots on a weekday both places actually run (empty: no clash)."""
    overlap = date_overlap(runs[0], runs[1], other_runs[0], other_runs[1])
    if overlap is None:
        return []
    first, last = overlap
    weekdays = set(range(7)) if last is None else weekdays_between(first, last)
    found = []
    for slot in slots:
        if slot.weekday not in weekdays:
            continue
        for other in other_slots:
            if slots_overlap(slot, other):
                found.append(Clash(slot, other, first))
    return found


def describe(slots: Iterable[Slot]) -> str:
    """``Monday 09:00-11:30; Wednesday 14:00-16:00`` or "No timetable"."""
    labels = [slot.label for slot in slots]
    return "; ".join(labels) if labels else "No timetable"
