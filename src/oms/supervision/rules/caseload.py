"""The caseload's further signals, folded into ``contact.caseload_key``: open monitoring alerts and
orders or licences ending soon. Pure: callers pass today's figures.

Kept apart from ``contact.caseload_key`` (which ranks contact, drug tests, violations and breaches) so
each signal has one place that decides its urgency; the caseload query sorts by
``more_attention_key(caseload_key(...), ...)``.
"""

from __future__ import annotations

import datetime as dt

from oms.supervision.rules.monitoring import violation_severity

# Orders and licences ending within this many days are "expiring" on the caseload: four weeks leaves
# time for the termination review, the end-of-order letter and any hand-back to the court.
EXPIRING_DAYS = 28


def ends_in_days(ends_on: dt.date | None, today: dt.date) -> int | None:
    """Days until the order or licence ends (negative once past its end), None when no end is known."""
    return None if ends_on is None else (ends_on - today).days


def expiring(days: int | None, *, window: int = EXPIRING_DAYS) -> bool:
    """Ends within the window (today counts), or has passed its end while the case is still open."""
    return days is not None and days <= window


def more_attention_key(
    key: tuple[int, int, int], *, alert_kinds: tuple[str, ...] = (), ends_in: int | None = None
) -> tuple[int, int, int]:
    """Raise a caseload key for open monitoring alerts and an ending order.

    - An open alert of a kind that raises a violation, or a no-fix alert (the person may be unreachable
      or the tag removed), needs action today: rank 0, ahead of contact-only urgency.
    - A case already past its end date while still open needs action today (close it or correct the end).
    - An order or licence ending within ``EXPIRING_DAYS`` is at least "to follow" (rank 1).
    - A low-battery alert alone changes nothing: it is shown, not ranked.
    """
    rank, flag, days = key
    urgent_alert = any(violation_severity(k) is not None or k == "no_fix" for k in alert_kinds)
    if urgent_alert or (ends_in is not None and ends_in < 0):
        return (0, 0, days)
    if expiring(ends_in):
        return (min(rank, 1), flag, days)
    return key
