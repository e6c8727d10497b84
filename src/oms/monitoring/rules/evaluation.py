"""Evaluate a batch of fixes against one order's conditions: each rule's state at each fix, as arrays.

A state is (key, instant, breached): ``breached`` True opens or keeps an alert episode, False closes it,
None says nothing (the fix cannot decide: too inaccurate for a zone, or the battery between the low and
the recovered level). Keys are (condition key or None, alert kind); None for the device-level rules.

Rules (docs/monitoring.md):
- exclusion zone: breached while a fix is inside (or on the edge of) the zone;
- inclusion zone: breached while a fix is outside it;
- curfew / attendance: breached while a timetable window is in force and the fix is outside the place;
  a fix outside every window clears it (the episode ends when the window does);
- strap tamper: breached while the device reports the strap tampered;
- low battery: breached below ``low_battery_pct``, cleared at ``low_battery_pct + battery_recovery_pct``
  or more (hysteresis, so a battery hovering at the threshold does not flap);
- no fix: a gap longer than ``max_gap`` between consecutive fixes is an episode from the moment the gap
  exceeded ``max_gap`` to the next fix; ``silent_devices`` opens it when nothing has arrived at all.
Zone decisions ignore fixes whose accuracy radius exceeds ``max_accuracy_m``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from oms.monitoring.rules.curfew import Window, in_force_many
from oms.monitoring.rules.zones import ZoneShape

EXCLUSION_ENTERED = "exclusion_entered"
INCLUSION_LEFT = "inclusion_left"
CURFEW_BREACHED = "curfew_breached"
ATTENDANCE_MISSED = "attendance_missed"
NO_FIX = "no_fix"
STRAP_TAMPER = "strap_tamper"
LOW_BATTERY = "low_battery"


@dataclass(frozen=True)
class Settings:
    max_gap_s: int = 15 * 60
    low_battery_pct: int = 20
    battery_recovery_pct: int = 5
    max_accuracy_m: float = 200.0


@dataclass(frozen=True)
class ZoneRule:
    key: Hashable  # the condition
    kind: str  # exclusion_entered or inclusion_left
    shape: ZoneShape


@dataclass(frozen=True)
class TimetableRule:
    key: Hashable
    kind: str  # curfew_breached or attendance_missed
    shape: ZoneShape
    windows: tuple[Window, ...]


@dataclass(frozen=True)
class CompiledOrder:
    """An order's rules with their zones prepared, built once and reused for every batch."""

    time_zone: str
    zones: tuple[ZoneRule, ...] = ()
    timetables: tuple[TimetableRule, ...] = ()


@dataclass
class FixBatch:
    """Fixes of one device, in any order; evaluation sorts them by time."""

    epoch_s: np.ndarray  # int64 seconds since the epoch (UTC)
    lon: np.ndarray
    lat: np.ndarray
    accuracy_m: np.ndarray
    battery_pct: np.ndarray
    tampered: np.ndarray  # bool

    @classmethod
    def of(cls, rows: Sequence[tuple]) -> FixBatch:
        """From (epoch_s, lon, lat, accuracy_m, battery_pct, tampered) tuples."""
        columns = list(zip(*rows, strict=True)) if rows else [[]] * 6
        return cls(
            np.asarray(columns[0], dtype=np.int64),
            np.asarray(columns[1], dtype=float),
            np.asarray(columns[2], dtype=float),
            np.asarray(columns[3], dtype=float),
            np.asarray(columns[4], dtype=float),
            np.asarray(columns[5], dtype=bool),
        )

    def sorted(self) -> FixBatch:
        order = np.argsort(self.epoch_s, kind="stable")
        return FixBatch(*(getattr(self, f)[order] for f in FIELDS))


FIELDS = ("epoch_s", "lon", "lat", "accuracy_m", "battery_pct", "tampered")


@dataclass(frozen=True)
class State:
    key: tuple  # (condition key or None, kind)
    at: int  # epoch seconds
    breached: bool | None


@dataclass(frozen=True)
class Series:
    """One rule's states over the batch, as arrays (time order): ``breached`` where ``known``."""

    key: tuple  # (condition key or None, kind)
    at: np.ndarray  # int64 epoch seconds
    breached: np.ndarray  # bool
    known: np.ndarray  # bool

    def states(self) -> list[State]:
        return [
            State(self.key, int(t), bool(b) if k else None)
            for t, b, k in zip(self.at, self.breached, self.known, strict=True)
        ]


def evaluate(order: CompiledOrder, fixes: FixBatch, settings: Settings, *, previous_fix_s: int | None) -> list[Series]:
    """Every rule's states over the batch. ``previous_fix_s`` is the time of the order's latest fix before
    this batch (None if none), for the no-fix gap."""
    fixes = fixes.sorted()
    t = fixes.epoch_s
    if t.size == 0:
        return []
    everywhere = np.ones(t.shape, dtype=bool)
    series: list[Series] = []
    accurate = fixes.accuracy_m <= settings.max_accuracy_m
    for rule in order.zones:
        inside = rule.shape.contains(fixes.lon, fixes.lat)
        breached = inside if rule.kind == EXCLUSION_ENTERED else ~inside
        series.append(Series((rule.key, rule.kind), t, breached, accurate))
    for rule in order.timetables:
        in_force = in_force_many(rule.windows, t, order.time_zone)
        inside = rule.shape.contains(fixes.lon, fixes.lat)
        # Outside the windows the state is known (cleared) whatever the accuracy.
        series.append(Series((rule.key, rule.kind), t, in_force & ~inside, accurate | ~in_force))
    series.append(Series((None, STRAP_TAMPER), t, fixes.tampered, everywhere))
    low = fixes.battery_pct < settings.low_battery_pct
    recovered = fixes.battery_pct >= settings.low_battery_pct + settings.battery_recovery_pct
    series.append(Series((None, LOW_BATTERY), t, low, low | recovered))
    series.append(gap_series(t, settings.max_gap_s, previous_fix_s))
    return series


def gap_series(times: np.ndarray, max_gap_s: int, previous_fix_s: int | None) -> Series:
    """A gap longer than ``max_gap_s`` before a fix: breached at (previous + max_gap), cleared at each fix.
    ``times`` are sorted."""
    times = np.asarray(times, dtype=np.int64)
    before = np.concatenate(([previous_fix_s if previous_fix_s is not None else times[0]], times[:-1]))
    gaps = times - before > max_gap_s
    at = np.concatenate((before[gaps] + max_gap_s, times))
    breached = np.concatenate((np.ones(int(gaps.sum()), dtype=bool), np.zeros(times.size, dtype=bool)))
    order = np.argsort(at, kind="stable")
    return Series((None, NO_FIX), at[order], breached[order], np.ones(at.size, dtype=bool))


def silent(last_fix_s: int | None, since_s: int, now_s: int, max_gap_s: int) -> int | None:
    """When a device with no fix since ``last_fix_s`` (or ever, counting from ``since_s``, when it was fitted)
    went silent for longer than ``max_gap_s``: the instant the no-fix episode began, or None."""
    start = last_fix_s if last_fix_s is not None else since_s
    return start + max_gap_s if now_s - start > max_gap_s else None
