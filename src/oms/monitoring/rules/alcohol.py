"""Alcohol monitoring: which readings raise or clear an alert, and which scheduled breath tests were missed.

Pure: plain values in, ``evaluation.State`` out (epoch seconds), for ``episodes.transitions`` to turn into
opened and closed alerts (one open alert per condition and kind).

- ``alcohol_detected``: a reading strictly above the threshold for its test type is a breach; a reading at
  or below it clears. An obstructed reading says nothing about alcohol (unknown).
- ``alcohol_tamper``: an obstructed or tampered reading is a breach; an unobstructed one clears.
- ``alcohol_test_missed``: a scheduled test window (the condition's timetable, wall-clock in the order's
  time zone, as curfews) that ended with no unobstructed breath test inside it is a breach at the window's
  end; the next unobstructed breath test clears.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from oms.monitoring.rules.curfew import Window
from oms.monitoring.rules.evaluation import State

ALCOHOL_DETECTED = "alcohol_detected"
ALCOHOL_TEST_MISSED = "alcohol_test_missed"
ALCOHOL_TAMPER = "alcohol_tamper"
TRANSDERMAL = "transdermal"
BREATH = "breath"
MAX_WINDOW_SCAN_DAYS = 14  # a check never looks further back than this for missed windows


@dataclass(frozen=True)
class Thresholds:
    # 20 mg/100ml TAC is the level transdermal programmes commonly treat as a drinking event; 9 µg/100ml
    # breath is the same blood level through the UK's 2,300:1 breath-to-blood ratio (35 µg ~ 80 mg).
    transdermal_mg_100ml: float = 20.0
    breath_ug_100ml: float = 9.0

    def of(self, test_type: str) -> float:
        return self.breath_ug_100ml if test_type == BREATH else self.transdermal_mg_100ml


@dataclass(frozen=True)
class Reading:
    at: int  # epoch seconds
    test_type: str  # transdermal or breath
    value: float  # TAC mg/100ml or BrAC µg/100ml
    obstructed: bool


def reading_states(condition_key, readings: Sequence[Reading], thresholds: Thresholds) -> list[State]:
    """Detected and tamper states, time order."""
    out: list[State] = []
    for r in sorted(readings, key=lambda r: r.at):
        out.append(State((condition_key, ALCOHOL_TAMPER), r.at, r.obstructed))
        if not r.obstructed:
            out.append(State((condition_key, ALCOHOL_DETECTED), r.at, r.value > thresholds.of(r.test_type)))
    return out


def windows_between(windows: Sequence[Window], time_zone: str, since: int, until: int) -> list[tuple[int, int]]:
    """The (start, end) epoch seconds of every scheduled window that *ends* in (since, until], time order.
    Local wall-clock times are read in ``time_zone`` (a start in the spring-forward gap moves forward with
    the clock, ``zoneinfo``'s fold=0)."""
    zone = ZoneInfo(time_zone)
    since = max(since, until - MAX_WINDOW_SCAN_DAYS * 86400)
    first = dt.datetime.fromtimestamp(since, tz=zone).date() - dt.timedelta(days=1)
    last = dt.datetime.fromtimestamp(until, tz=zone).date()
    found = set()
    day = first
    while day <= last:
        for w in windows:
            if day.weekday() not in w.days:
                continue
            end_day = day + dt.timedelta(days=1) if w.crosses_midnight else day
            start = int(dt.datetime.combine(day, w.start, tzinfo=zone).timestamp())
            end = int(dt.datetime.combine(end_day, w.end, tzinfo=zone).timestamp())
            if since < end <= until:
                found.add((start, end))
        day += dt.timedelta(days=1)
    return sorted(found, key=lambda pair: (pair[1], pair[0]))


def missed_test_states(
    condition_key,
    windows: Sequence[Window],
    time_zone: str,
    *,
    tests: Sequence[int],
    since: int,
    until: int,
) -> list[State]:
    """Missed windows (breach at each window's end) and the tests that clear them, time order.

    ``tests`` are the times of unobstructed breath tests (any that may fall in a window ending after
    ``since``); ``since`` is where the last check left off (the last test, the fitting, or the version's
    start), ``until`` the time of the check."""
    taken = sorted(tests)
    out: list[State] = []
    for start, end in windows_between(windows, time_zone, since, until):
        if not any(start <= t < end for t in taken):
            out.append(State((condition_key, ALCOHOL_TEST_MISSED), end, True))
    out.extend(State((condition_key, ALCOHOL_TEST_MISSED), t, False) for t in taken if since < t <= until)
    # A test at the same second as a window's end belongs after it (end is exclusive).
    out.sort(key=lambda s: (s.at, s.breached is False))
    return out
