"""Alert episodes: one open alert per condition key until the condition clears.

Given the keys with an open alert and a time-ordered stream of states, decide which alerts to open and
which to close. A breach while open keeps the episode (no new alert: no storms); a clear while open closes
it; an unknown state (None) changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from oms.monitoring.rules.evaluation import State


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
