"""The pure rules of formal counts, table-driven."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.custody.rules import counts as rules

UTC = dt.UTC


@pytest.mark.parametrize(
    ("expected", "figures", "two_officer", "outcome", "difference"),
    [
        (10, [], False, "waiting", None),
        (10, [10], False, "matched", 0),
        (10, [9], False, "discrepancy", -1),
        (10, [11], False, "discrepancy", 1),
        (10, [10], True, "waiting", None),
        (10, [10, 10], True, "matched", 0),
        (10, [9, 9], True, "discrepancy", -1),
        (10, [10, 9], True, "officers_disagree", None),
        (0, [0], False, "matched", 0),
    ],
)
def test_reconcile(expected, figures, two_officer, outcome, difference):
    result = rules.reconcile(expected, figures, two_officer=two_officer)
    assert (result.outcome, result.difference) == (outcome, difference)


@pytest.mark.parametrize(
    ("status", "discrepancies", "unresolved", "code"),
    [
        ("matched", 0, 0, None),
        ("discrepancy", 1, 0, None),
        ("discrepancy", 0, 0, "custody.count_discrepancy_unexplained"),
        ("discrepancy", 2, 1, "custody.count_discrepancy_unresolved"),
        ("open", 0, 0, "custody.count_session_not_counted"),
        ("recount", 0, 0, "custody.count_session_superseded"),
        ("cleared", 0, 0, "custody.count_session_already_cleared"),
    ],
)
def test_clear_refusal(status, discrepancies, unresolved, code):
    refusal = rules.clear_refusal(status, discrepancies=discrepancies, unresolved=unresolved)
    assert (refusal[0] if refusal else None) == code


def test_due_at_is_local_wall_time():
    assert rules.due_at(dt.date(2026, 1, 10), dt.time(8), "Europe/London") == dt.datetime(2026, 1, 10, 8, tzinfo=UTC)
    assert rules.due_at(dt.date(2026, 7, 10), dt.time(8), "Europe/London") == dt.datetime(2026, 7, 10, 7, tzinfo=UTC)
    assert rules.local_day_start(dt.datetime(2026, 7, 10, 22, 30, tzinfo=UTC), "Europe/London") == dt.datetime(
        2026, 7, 9, 23, tzinfo=UTC
    )


DUE = dt.datetime(2026, 1, 10, 8, tzinfo=UTC)
TOL = dt.timedelta(minutes=30)


@pytest.mark.parametrize(
    ("cleared", "now", "verdict"),
    [
        (DUE + dt.timedelta(minutes=10), DUE + dt.timedelta(hours=5), "on_time"),
        (DUE + dt.timedelta(minutes=30), DUE + dt.timedelta(hours=5), "on_time"),
        (DUE + dt.timedelta(minutes=31), DUE + dt.timedelta(hours=5), "late"),
        (None, DUE + dt.timedelta(minutes=20), "in_progress"),
        (None, DUE + dt.timedelta(minutes=40), "overdue"),
    ],
)
def test_timeliness(cleared, now, verdict):
    assert rules.timeliness(DUE, cleared, now, TOL) == verdict


def test_missed_slots_skip_started_future_and_not_yet_configured():
    times = [(1, "Morning", dt.time(8), None), (2, "Evening", dt.time(18), dt.datetime(2026, 1, 10, 12, tzinfo=UTC))]
    now = dt.datetime(2026, 1, 11, 12, tzinfo=UTC)
    missed = rules.missed_slots(
        times,
        days=[dt.date(2026, 1, 10), dt.date(2026, 1, 11)],
        time_zone="Europe/London",
        started={(1, dt.datetime(2026, 1, 10, 8, tzinfo=UTC))},
        now=now,
        tolerance=TOL,
    )
    assert [(m.name, m.due_at) for m in missed] == [
        ("Evening", dt.datetime(2026, 1, 10, 18, tzinfo=UTC)),
        ("Morning", dt.datetime(2026, 1, 11, 8, tzinfo=UTC)),
    ]
