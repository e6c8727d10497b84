"""Curfew and attendance timetables: is a window in force at an instant?

A window is a start and end wall-clock time in the order's time zone, on the weekdays it *starts*
(Monday = 0). A window whose end is not after its start runs past midnight into the next day (19:00-07:00
starting Friday covers Friday 19:00 to Saturday 07:00). Times are wall-clock: on the day the clocks go
forward 19:00-07:00 lasts eleven hours, on the day they go back thirteen (the court order names the local
time, not a duration). Instants are converted from UTC with the IANA zone database (``zoneinfo``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np


class TimetableError(ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Window:
    days: frozenset[int]  # weekdays the window starts on, Monday = 0
    start: dt.time
    end: dt.time

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start


def _parse_time(value, field: str) -> dt.time:
    if not isinstance(value, str) or len(value) != 5 or value[2] != ":":
        raise TimetableError("Times are HH:MM", field)
    try:
        return dt.time(int(value[:2]), int(value[3:]))
    except ValueError:
        raise TimetableError("Times are HH:MM", field) from None


def parse_timetable(raw) -> list[Window]:
    """``[{"days": [0, 1, ...], "start": "19:00", "end": "07:00"}, ...]`` -> windows; at least one window,
    days 0-6, start and end different. Errors name the field (``timetable[i].start``)."""
    if not isinstance(raw, list) or not raw:
        raise TimetableError("Give at least one curfew window", "timetable")
    if len(raw) > 50:
        raise TimetableError("At most 50 windows", "timetable")
    windows = []
    for i, item in enumerate(raw):
        where = f"timetable[{i}]"
        if not isinstance(item, dict):
            raise TimetableError("Each window is an object with days, start and end", where)
        days = item.get("days")
        if not isinstance(days, list) or not days or any(type(d) is not int or not 0 <= d <= 6 for d in days):
            raise TimetableError("Days are numbers 0 (Monday) to 6 (Sunday)", f"{where}.days")
        start = _parse_time(item.get("start"), f"{where}.start")
        end = _parse_time(item.get("end"), f"{where}.end")
        if start == end:
            raise TimetableError("A window must start and end at different times", f"{where}.end")
        windows.append(Window(frozenset(days), start, end))
    return windows


def timetable_json(windows: Iterable[Window]) -> list[dict]:
    return [
        {"days": sorted(w.days), "start": w.start.strftime("%H:%M"), "end": w.end.strftime("%H:%M")} for w in windows
    ]


def in_force_local(windows: Sequence[Window], local: dt.datetime) -> bool:
    """Is any window in force at this local wall-clock time? Start inclusive, end exclusive."""
    t = local.time().replace(tzinfo=None)
    day = local.weekday()
    yesterday = (day - 1) % 7
    for w in windows:
        if not w.crosses_midnight:
            if day in w.days and w.start <= t < w.end:
                return True
        elif (day in w.days and t >= w.start) or (yesterday in w.days and t < w.end):
            return True
    return False


def in_force(windows: Sequence[Window], instant: dt.datetime, time_zone: str) -> bool:
    if instant.tzinfo is None:
        raise ValueError("instants must be aware")
    return in_force_local(windows, instant.astimezone(ZoneInfo(time_zone)))


def in_force_many(windows: Sequence[Window], epoch_seconds: np.ndarray, time_zone: str) -> np.ndarray:
    """``in_force`` for a batch of UTC instants (seconds since the epoch): a boolean array.

    Vectorised on the local minute of the week: each instant's UTC offset is looked up once per distinct
    hour (offsets change on the hour in every zone that matters here), then each window is two
    comparisons on the minute of the week."""
    zone = ZoneInfo(time_zone)
    seconds = np.asarray(epoch_seconds, dtype=np.int64)
    if seconds.size == 0:
        return np.zeros(0, dtype=bool)
    hours = seconds // 3600
    distinct, inverse = np.unique(hours, return_inverse=True)
    offsets = np.array(
        [
            int(dt.datetime.fromtimestamp(int(h) * 3600, tz=dt.UTC).astimezone(zone).utcoffset().total_seconds())
            for h in distinct
        ],
        dtype=np.int64,
    )
    local = seconds + offsets[inverse.reshape(-1)]
    # 1970-01-01 was a Thursday (weekday 3): shift so minute 0 of the week is Monday 00:00.
    minute_of_week = ((local // 60) + 3 * 1440) % (7 * 1440)
    result = np.zeros(seconds.shape, dtype=bool)
    week = 7 * 1440
    for w in windows:
        start = w.start.hour * 60 + w.start.minute
        end = w.end.hour * 60 + w.end.minute
        length = (end - start) % 1440
        for day in w.days:
            begin = day * 1440 + start
            offset = (minute_of_week - begin) % week
            result |= offset < length
    return result
