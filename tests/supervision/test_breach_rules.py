"""Breach rules: legal transitions (table-driven), outcomes by case kind, the compliance period after a
resolved breach, and the advice on what failures call for."""

import datetime as dt

import pytest

from oms.core.errors import RuleViolation
from oms.supervision.rules import breach as rules

D = dt.date


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        ("initiated", "summons", True),
        ("initiated", "warrant", True),
        ("initiated", "withdrawn", True),
        ("initiated", "proven", False),
        ("initiated", "initiated", False),
        ("summons", "warrant", True),
        ("summons", "proven", True),
        ("summons", "withdrawn", True),
        ("summons", "initiated", False),
        ("warrant", "proven", True),
        ("warrant", "withdrawn", True),
        ("warrant", "summons", False),
        ("proven", "withdrawn", False),
        ("proven", "summons", False),
        ("withdrawn", "proven", False),
        ("withdrawn", "initiated", False),
    ],
)
def test_transitions(current, new, allowed):
    if allowed:
        rules.check_transition(current, new)
    else:
        with pytest.raises(RuleViolation) as raised:
            rules.check_transition(current, new)
        assert raised.value.field == "state" and raised.value.code == "supervision.breach_bad_transition"


def test_an_unknown_state_names_the_field():
    with pytest.raises(RuleViolation) as raised:
        rules.check_transition("initiated", "dismissed")
    assert (raised.value.field, raised.value.code) == ("state", "supervision.bad_choice")


@pytest.mark.parametrize(
    ("kind", "state", "outcome", "ok"),
    [
        ("licence", "proven", "recalled", True),
        ("licence", "proven", "revoked", False),
        ("probation", "proven", "revoked", True),
        ("probation", "proven", "recalled", False),
        ("probation", "proven", "continued", True),
        ("pretrial", "proven", "varied", True),
        ("probation", "proven", "", False),
        ("probation", "withdrawn", "", True),
        ("probation", "summons", "continued", False),
    ],
)
def test_outcomes_fit_the_case(kind, state, outcome, ok):
    if ok:
        assert rules.check_outcome(kind, state, outcome) == outcome
    else:
        with pytest.raises(RuleViolation) as raised:
            rules.check_outcome(kind, state, outcome)
        assert raised.value.field == "outcome"


@pytest.mark.parametrize(
    ("breaches", "expected"),
    [
        ([], D(2026, 1, 1)),
        ([("initiated", D(2026, 3, 1), None)], D(2026, 1, 1)),
        ([("withdrawn", D(2026, 3, 1), D(2026, 3, 20))], D(2026, 3, 20)),
        ([("proven", D(2026, 3, 1), D(2026, 4, 2)), ("summons", D(2026, 5, 1), None)], D(2026, 4, 2)),
        ([("proven", D(2026, 3, 1), D(2026, 4, 2)), ("withdrawn", D(2026, 5, 1), D(2026, 5, 9))], D(2026, 5, 9)),
    ],
)
def test_the_period_starts_when_the_latest_breach_was_resolved(breaches, expected):
    past = [rules.PastBreach(state, started, resolved) for state, started, resolved in breaches]
    assert rules.period_start(D(2026, 1, 1), past) == expected


@pytest.mark.parametrize(
    ("failures", "warnings", "breach_open", "action"),
    [
        (0, 0, False, "none"),
        (1, 0, False, "warning"),
        (1, 1, False, "none"),
        (2, 1, False, "breach"),
        (3, 1, False, "breach"),
        (2, 0, False, "warning"),
        (5, 0, True, "breach_open"),
    ],
)
def test_advice(failures, warnings, breach_open, action):
    assert rules.advice(failures=failures, warnings=warnings, breach_open=breach_open).action == action
