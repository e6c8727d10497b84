"""Drug and alcohol testing: how often each supervision level is tested, the seeded random selection
(reproducible: the same seed, date and roster always select the same cases, whatever the roster's
order), and which results are violations. Pure: no ORM, no clock, no global random state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class TestSchedule:
    __test__ = False  # not a pytest test class

    level: str
    probability: float  # chance of selection on each selection day
    label: str


# OMS default (docs/supervision-testing.md): with selection on working days (about 21 a month) these
# give roughly 5, 3, 2 and 1 tests a month.
SCHEDULES: dict[str, TestSchedule] = {
    "very_high": TestSchedule("very_high", 0.25, "About 5 a month"),
    "high": TestSchedule("high", 0.15, "About 3 a month"),
    "medium": TestSchedule("medium", 0.08, "About 2 a month"),
    "low": TestSchedule("low", 0.04, "About 1 a month"),
}

RESULTS = ("negative", "positive", "refused", "dilute", "missed")
VIOLATING_RESULTS = frozenset({"positive", "refused", "missed"})
# The severity of the violation a result raises (OMS default): a refusal is treated like a positive.
RESULT_SEVERITY = {"positive": "medium", "refused": "medium", "missed": "low"}


def draw(seed: int, on: dt.date, case_id: str) -> float:
    """A number in [0, 1) fixed by the seed, the date and the case: SHA-256 of the three, so one case's
    draw does not depend on who else is on the roster."""
    digest = hashlib.sha256(f"{seed}:{on.isoformat()}:{case_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def select(roster: Iterable[tuple[str, str]], *, on: dt.date, seed: int) -> list[str]:
    """The case ids (of ``(case_id, level)`` pairs) selected for testing on ``on``, sorted."""
    chosen = []
    for case_id, level in roster:
        schedule = SCHEDULES.get(level)
        if schedule is not None and draw(seed, on, case_id) < schedule.probability:
            chosen.append(case_id)
    return sorted(chosen)
