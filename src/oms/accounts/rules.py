"""Pure decisions about logons, sessions and accounts (no ORM, no I/O): tested table-driven."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


def lockout_window_start(now: dt.datetime, window: dt.timedelta, reset_at: dt.datetime | None) -> dt.datetime:
    """Failures count from the later of the window start and the last unlock or full logon."""
    start = now - window
    return max(start, reset_at) if reset_at else start


def should_lock(failures_in_window: int, limit: int) -> bool:
    """AUTH-1: the ``limit``-th failure within the window locks the account."""
    return failures_in_window >= limit


def throttle_retry_after(
    attempt_times: list[dt.datetime], now: dt.datetime, per_minute: int, period: dt.timedelta
) -> int | None:
    """AUTH-2: seconds to wait when ``per_minute`` attempts already happened in the last ``period``.

    ``attempt_times`` are the attempts from one address within the period. None means go ahead.
    """
    recent = sorted(t for t in attempt_times if t > now - period)
    if len(recent) < per_minute:
        return None
    # The window frees a slot when the oldest of the last ``per_minute`` attempts ages out.
    oldest = recent[-per_minute]
    return max(1, int((oldest + period - now).total_seconds()) + 1)


@dataclass(frozen=True)
class SessionVerdict:
    expired: bool
    reason: str = ""


def session_verdict(
    *,
    now: dt.datetime,
    logged_in_at: dt.datetime | None,
    last_activity_at: dt.datetime | None,
    idle_timeout: dt.timedelta,
    absolute_timeout: dt.timedelta,
) -> SessionVerdict:
    """SES-1: a session ends after ``idle_timeout`` without a request or ``absolute_timeout`` after logon.
    A session without the timestamps (made before the policy, or tampered) is treated as expired."""
    if logged_in_at is None or last_activity_at is None:
        return SessionVerdict(True, "unknown")
    if now - logged_in_at >= absolute_timeout:
        return SessionVerdict(True, "absolute_timeout")
    if now - last_activity_at >= idle_timeout:
        return SessionVerdict(True, "idle_timeout")
    return SessionVerdict(False)


def step_up_is_fresh(now: dt.datetime, stepped_up_at: dt.datetime | None, max_age: dt.timedelta) -> bool:
    return stepped_up_at is not None and now - stepped_up_at < max_age


def password_change_due(
    *, now: dt.datetime, must_change: bool, changed_at: dt.datetime | None, max_age: dt.timedelta
) -> bool:
    """A password must be changed when flagged (one-time or reset) or older than ``max_age`` (CJIS IA-5)."""
    if must_change:
        return True
    return changed_at is not None and now - changed_at > max_age


def temporary_expiry_allowed(now: dt.datetime, expires_at: dt.datetime | None, maximum: dt.timedelta) -> bool:
    """AUTH-8: a temporary account expires in the future and within ``maximum`` of now."""
    return expires_at is None or (now < expires_at <= now + maximum)


def inactive_since(
    *, last_seen_at: dt.datetime | None, joined_at: dt.datetime, now: dt.datetime, inactive_days: int
) -> bool:
    """AUTH-8: an account unused (or never used since creation) for ``inactive_days`` is disabled."""
    reference = last_seen_at or joined_at
    return now - reference >= dt.timedelta(days=inactive_days)


def token_scopes_problem(requested: set[str], owner_permissions: set[str]) -> str | None:
    """A token's scopes must be a non-empty subset of its owner's permissions."""
    if not requested:
        return "Choose at least one scope."
    extra = sorted(requested - owner_permissions)
    if extra:
        return f"The owner does not hold: {', '.join(extra)}. A token can never do more than its user."
    return None
