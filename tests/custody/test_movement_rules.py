"""The movement rules, table-driven: the state machine, observation timing, travelling together."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.custody.rules import movements as rules

DAY = dt.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("status", "in_out", "code"),
    [
        ("active", "in", None),
        ("active", "out", "custody.already_out"),
        ("active", "transfer", "custody.en_route"),
        ("released", "in", "custody.episode_not_active"),
    ],
)
def test_can_go_out(status, in_out, code):
    blocker = rules.can_go_out(status=status, in_out=in_out, at_internal_location=False)
    assert (blocker.code if blocker else None) == code


@pytest.mark.parametrize(
    ("status", "in_out", "code"),
    [
        ("active", "out", None),
        ("active", "in", "custody.not_out"),
        ("active", "transfer", "custody.not_out"),
        ("died", "out", "custody.episode_not_active"),
    ],
)
def test_can_return(status, in_out, code):
    blocker = rules.can_return(status=status, in_out=in_out)
    assert (blocker.code if blocker else None) == code


@pytest.mark.parametrize(
    ("in_out", "at_internal", "code"),
    [("in", True, None), ("in", False, "custody.not_at_internal_location"), ("out", True, "custody.not_in")],
)
def test_can_come_back_inside(in_out, at_internal, code):
    blocker = rules.can_come_back_inside(status="active", in_out=in_out, at_internal_location=at_internal)
    assert (blocker.code if blocker else None) == code


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("transfer", "en_route", None),
        ("transfer", "completed", "custody.transfer_not_en_route"),
        ("court", "en_route", "custody.not_a_transfer"),
    ],
)
def test_can_receive_transfer(kind, status, code):
    blocker = rules.can_receive_transfer(movement_kind=kind, movement_status=status)
    assert (blocker.code if blocker else None) == code


@pytest.mark.parametrize(
    ("minutes", "ok"), [(None, False), (4, False), (5, True), (15, True), (240, True), (241, False)]
)
def test_interval_bounds(minutes, ok):
    assert (rules.validate_interval(minutes) is None) == ok


@pytest.mark.parametrize(("offset_seconds", "late"), [(-600, 0), (0, 0), (59, 0), (60, 1), (61 * 60 + 30, 61)])
def test_late_by_minutes(offset_seconds, late):
    due = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    assert rules.late_by_minutes(due, due + dt.timedelta(seconds=offset_seconds)) == late


def test_next_due_restarts_from_the_actual_check():
    seen = dt.datetime(2026, 3, 2, 8, 40, tzinfo=dt.UTC)
    assert rules.next_due_after(seen, 15) == dt.datetime(2026, 3, 2, 8, 55, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("a", "b", "together"),
    [
        (("court", "Van 1", "Leeds"), ("court", "van  1", "York"), "same escort"),
        (("court", "Van 1", "Leeds Crown"), ("court", "Van 2", "leeds crown"), "court holding"),
        (("hospital", "Van 1", "LGI"), ("hospital", "Van 2", "LGI"), None),  # same hospital, different escorts
        (("escape", "", ""), ("escape", "", ""), None),
        (("temporary_release", "", "Home"), ("court", "", "Home"), None),
    ],
)
def test_travel_groups(a, b, together):
    found = rules.together([rules.Traveller(1, *a, DAY), rules.Traveller(2, *b, DAY)], [(1, 2)])
    if together is None:
        assert found == {}
    else:
        assert together in found[(1, 2)]


def test_travel_groups_ignore_pairs_already_away_and_other_days():
    away = [
        rules.Traveller(1, "court", "Van", "Leeds", DAY, new=False),
        rules.Traveller(2, "court", "Van", "Leeds", DAY, new=False),
    ]
    assert rules.together(away, [(1, 2)]) == {}
    other_day = [
        rules.Traveller(1, "court", "Van", "Leeds", DAY),
        rules.Traveller(2, "court", "Van", "Leeds", DAY + dt.timedelta(days=1)),
    ]
    assert rules.together(other_day, [(1, 2)]) == {}


def test_direction_of():
    assert [rules.direction_of(k) for k in ("internal", "return", "court", "transfer")] == [
        "internal",
        "in",
        "out",
        "out",
    ]


def test_only_the_given_keep_apart_pairs_are_reported():
    van = [rules.Traveller(n, "court", "Van 1", f"Court {n}", DAY) for n in range(1, 1001)]
    found = rules.together(van, [(1, 1000), (2, 3)])
    assert set(found) == {(1, 1000), (2, 3)}
    assert rules.together(van, []) == {}
