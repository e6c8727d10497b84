"""The pure decisions, table-driven."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.accounts import rules

T0 = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)
MIN = dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("login_min", "last_min", "expired", "reason"),
    [
        (0, 0, False, ""),
        (-29, -29, False, ""),
        (-30, -30, True, "idle_timeout"),
        (-600, -1, False, ""),
        (-720, -1, True, "absolute_timeout"),
    ],
)
def test_session_verdict(login_min, last_min, expired, reason):
    verdict = rules.session_verdict(
        now=T0,
        logged_in_at=T0 + login_min * MIN,
        last_activity_at=T0 + last_min * MIN,
        idle_timeout=30 * MIN,
        absolute_timeout=720 * MIN,
    )
    assert (verdict.expired, verdict.reason) == (expired, reason)


def test_throttle_retry_after():
    period = dt.timedelta(seconds=60)
    nine = [T0 - dt.timedelta(seconds=s) for s in range(9)]
    assert rules.throttle_retry_after(nine, T0, 10, period) is None
    ten = [T0 - dt.timedelta(seconds=s) for s in range(10)]
    assert rules.throttle_retry_after(ten, T0, 10, period) == 52
    old = [T0 - dt.timedelta(seconds=61)] * 20
    assert rules.throttle_retry_after(old, T0, 10, period) is None


def test_lockout_window_restarts_at_unlock():
    window = dt.timedelta(minutes=15)
    assert rules.lockout_window_start(T0, window, None) == T0 - window
    assert rules.lockout_window_start(T0, window, T0 - MIN) == T0 - MIN
    assert rules.should_lock(5, 5) and not rules.should_lock(4, 5)


@pytest.mark.parametrize(
    ("must", "age_days", "due"),
    [(True, 1, True), (False, 365, False), (False, 366, True), (False, None, False)],
)
def test_password_change_due(must, age_days, due):
    changed = None if age_days is None else T0 - dt.timedelta(days=age_days)
    assert (
        rules.password_change_due(now=T0, must_change=must, changed_at=changed, max_age=dt.timedelta(days=365)) == due
    )


def test_temporary_expiry_and_inactivity_and_scopes():
    hours = dt.timedelta(hours=72)
    assert rules.temporary_expiry_allowed(T0, None, hours)
    assert rules.temporary_expiry_allowed(T0, T0 + hours, hours)
    assert not rules.temporary_expiry_allowed(T0, T0 + hours + MIN, hours)
    assert not rules.temporary_expiry_allowed(T0, T0 - MIN, hours)
    assert rules.inactive_since(last_seen_at=None, joined_at=T0 - dt.timedelta(days=90), now=T0, inactive_days=90)
    assert not rules.inactive_since(last_seen_at=T0, joined_at=T0 - dt.timedelta(days=900), now=T0, inactive_days=90)
    assert rules.token_scopes_problem({"a"}, {"a", "b"}) is None
    assert rules.token_scopes_problem(set(), {"a"})
    assert "c" in rules.token_scopes_problem({"a", "c"}, {"a"})
