"""Alert episodes: one open alert per condition key until the condition clears.

Given the keys with an open alert and a time-ordered stream of states, decide which alerts to open and
which to close. A breach while open keeps the episode (no new alert: no storms); a clear while open closes
it; an unknown state (None) changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from oms.monitoring.rules.evaluation import Series, State


@dataclass(frozen=True)
class Transition:
    action: str  # "open" or "close"
    key: tuple
    at: int  # epoch seconds


def transitions(open_keys: Iterable[tuple], states: Iterable[State]) -> list[Transition]:
    open_now = set(open_keys)
    out: list[Transition] = []
    for state in states:
        if state.breached is True and state.key not in open_now:
            open_now.add(state.key)
            out.append(Transition("open", state.key, state.at))
        elif state.breached is False and state.key in open_now:
            open_now.discard(state.key)
            out.append(Transition("close", state.key, state.at))
    return out


def changes(open_keys: Iterable[tuple], series: Iterable[Series]) -> list[Transition]:
    """``transitions`` for whole rules at once (vectorised): per rule, the known states are compared with
    the one before (the first with whether an alert is open); each change is an open or a close. The same
    answer as feeding every state through ``transitions``, without a Python object per fix."""
    open_now = set(open_keys)
    out: list[Transition] = []
    for s in series:
        values = s.breached[s.known]
        if values.size == 0:
            continue
        times = s.at[s.known]
        before = np.concatenate(([s.key in open_now], values[:-1]))
        for i in np.nonzero(values != before)[0]:
            out.append(Transition("open" if values[i] else "close", s.key, int(times[i])))
    out.sort(key=lambda t: t.at)
    return out
