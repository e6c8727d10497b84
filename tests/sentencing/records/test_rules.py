"""The pure legal-record rules, table-driven: each bad input names its field and code."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms.sentencing.models import Offence
from oms.sentencing.rules import records as rules
from oms.sentencing.rules.records import LinkedSentence

D = dt.date
TODAY = D(2026, 6, 1)


@pytest.mark.parametrize(
    ("kind", "lengths", "expected"),
    [
        ("determinate", {"years": 2}, []),
        ("determinate", {}, [("years", "zero_length")]),
        ("suspended", {}, [("years", "zero_length")]),
        ("fine", {}, []),
        ("community_order", {"months": 12}, []),
        ("determinate", {"months": -1}, [("months", "negative_length")]),
        ("determinate", {"days": -3, "weeks": -1}, [("weeks", "negative_length"), ("days", "negative_length")]),
        ("determinate", {"years": 100}, [("years", "length_too_long")]),
        ("whipping", {"years": 1}, [("kind", "unknown_kind")]),
    ],
)
def test_lengths(kind, lengths, expected):
    values = {"years": 0, "months": 0, "weeks": 0, "days": 0, **lengths}
    assert [(p.field, p.code) for p in rules.length_problems(kind, **values)] == expected


@pytest.mark.parametrize(
    ("sentenced_on", "offence_on", "expected"),
    [
        (D(2026, 1, 12), D(2025, 10, 1), []),
        (D(2026, 1, 12), D(2026, 1, 12), []),
        (D(2026, 1, 12), D(2026, 1, 13), [("offence_committed_on", "offence_after_sentence")]),
        (D(2026, 7, 1), D(2026, 1, 1), [("sentenced_on", "sentence_in_future")]),
    ],
)
def test_sentence_dates(sentenced_on, offence_on, expected):
    problems = rules.sentence_date_problems(sentenced_on=sentenced_on, offence_committed_on=offence_on, today=TODAY)
    assert [(p.field, p.code) for p in problems] == expected


def chain(**links) -> dict[str, LinkedSentence]:
    """Sentences a..e of person P, sentenced a day apart from 1 January, with the links given."""
    return {ref: LinkedSentence(ref, "P", D(2026, 1, 1 + i), True, links.get(ref)) for i, ref in enumerate("abcde")} | {
        "q": LinkedSentence("q", "P", D(2026, 1, 1), False, None),
        "x": LinkedSentence("x", "OTHER", D(2026, 1, 1), True, None),
    }


@pytest.mark.parametrize(
    ("ref", "sentenced_on", "target", "links", "code"),
    [
        (None, D(2026, 1, 5), None, {}, None),
        (None, D(2026, 1, 5), "a", {}, None),
        (None, D(2026, 1, 1), "a", {}, None),  # same day is on or before
        (None, D(2026, 1, 5), "zzz", {}, "consecutive_missing"),
        (None, D(2026, 1, 5), "x", {}, "consecutive_missing"),  # another person's
        (None, D(2026, 1, 5), "q", {}, "consecutive_inactive"),  # quashed
        (None, D(2026, 1, 2), "c", {}, "consecutive_to_later"),
        ("c", D(2026, 1, 3), "c", {}, "consecutive_cycle"),
        ("a", D(2026, 1, 5), "c", {"c": "b", "b": "a"}, "consecutive_cycle"),
        ("d", D(2026, 1, 5), "c", {"c": "b", "b": "a"}, None),
    ],
)
def test_consecutive_links(ref, sentenced_on, target, links, code):
    problem = rules.consecutive_problem(
        ref=ref, person_ref="P", sentenced_on=sentenced_on, target_ref=target, sentences=chain(**links)
    )
    assert (problem.code if problem else None) == code
    if problem:
        assert problem.field == "consecutive_to" and problem.message


@given(st.lists(st.integers(min_value=0, max_value=5), min_size=6, max_size=6), st.integers(0, 5), st.integers(0, 5))
def test_accepted_links_never_make_a_cycle(targets, ref_index, target_index):
    """Whatever links exist (made acyclic by only pointing at lower indexes), a link the rule accepts
    leaves a graph in which following links from any sentence ends."""
    refs = [f"s{i}" for i in range(6)]
    links = {refs[i]: refs[t] for i, t in enumerate(targets) if t < i}
    sentences = {r: LinkedSentence(r, "P", D(2026, 1, 1), True, links.get(r)) for r in refs}
    ref, target = refs[ref_index], refs[target_index]
    problem = rules.consecutive_problem(
        ref=ref, person_ref="P", sentenced_on=D(2026, 1, 1), target_ref=target, sentences=sentences
    )
    if problem is None:
        links[ref] = target
        for start in refs:
            seen, step = set(), start
            while step is not None:
                assert step not in seen
                seen.add(step)
                step = links.get(step)


def test_a_date_change_cannot_overtake_a_follower():
    follower = LinkedSentence("b", "P", D(2026, 1, 5), True, "a")
    assert rules.followers_problem(sentenced_on=D(2026, 1, 5), followers=[follower]) is None
    problem = rules.followers_problem(sentenced_on=D(2026, 1, 6), followers=[follower])
    assert problem.field == "sentenced_on" and problem.code == "consecutive_to_later"


@pytest.mark.parametrize(
    ("kind", "days", "start", "end", "expected"),
    [
        ("remand", None, D(2025, 3, 1), D(2025, 3, 10), (10, None)),
        ("remand", 10, D(2025, 3, 1), D(2025, 3, 10), (10, None)),
        ("remand", 1, D(2025, 3, 1), D(2025, 3, 1), (1, None)),
        ("additional_days", 14, None, None, (14, None)),
        ("remand", 9, D(2025, 3, 1), D(2025, 3, 10), (0, ("days", "days_mismatch"))),
        ("remand", None, None, None, (0, ("days", "days_missing"))),
        ("remand", 0, None, None, (0, ("days", "days_not_positive"))),
        ("remand", -5, None, None, (0, ("days", "days_not_positive"))),
        ("remand", None, D(2025, 3, 10), D(2025, 3, 1), (0, ("to_date", "period_backwards"))),
        ("remand", None, D(2025, 3, 1), None, (0, ("to_date", "incomplete_period"))),
        ("remand", None, None, D(2025, 3, 1), (0, ("from_date", "incomplete_period"))),
        ("time_off", 3, None, None, (0, ("kind", "unknown_kind"))),
    ],
)
def test_adjustment_days(kind, days, start, end, expected):
    counted, problem = rules.adjustment_days(kind, days=days, from_date=start, to_date=end)
    assert (counted, (problem.field, problem.code) if problem else None) == expected


@pytest.mark.parametrize(
    ("hearing_on", "outcome", "next_on", "code"),
    [
        (D(2026, 3, 2), "remanded", D(2026, 3, 30), None),
        (D(2026, 3, 2), "sentenced", None, None),
        (D(2026, 3, 2), "adjourned", None, "next_hearing_missing"),
        (D(2026, 3, 2), "bailed", D(2026, 3, 2), "next_hearing_before"),
    ],
)
def test_hearings(hearing_on, outcome, next_on, code):
    problem = rules.hearing_problem(hearing_on=hearing_on, outcome=outcome, next_hearing_on=next_on)
    assert (problem.code if problem else None) == code


@pytest.mark.parametrize(
    ("status", "to_status", "ended_on", "code"),
    [
        ("active", "executed", D(2026, 2, 2), None),
        ("active", "lifted", D(2026, 2, 1), None),
        ("active", "cancelled", D(2026, 2, 2), "bad_warrant_status"),
        ("executed", "lifted", D(2026, 2, 2), "warrant_not_active"),
        ("active", "withdrawn", D(2026, 1, 31), "ended_before_issued"),
    ],
)
def test_warrant_endings(status, to_status, ended_on, code):
    problem = rules.warrant_ending_problem(
        status=status, to_status=to_status, issued_on=D(2026, 2, 1), ended_on=ended_on
    )
    assert (problem.code if problem else None) == code


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            {"code": " th68001 ", "title": "Theft", "flags": "Acquisitive; drug"},
            ("TH68001", 1, ("acquisitive", "drug"), True),
        ),
        ({"code": "A1", "title": "T", "severity": "10", "active": "no"}, ("A1", 10, (), False)),
        ({"code": "", "title": "T"}, ("code", "code_missing")),
        ({"code": "A" * 21, "title": "T"}, ("code", "code_too_long")),
        ({"code": "A B", "title": "T"}, ("code", "code_characters")),
        ({"code": "A1", "title": " "}, ("title", "title_missing")),
        ({"code": "A1", "title": "T", "severity": "0"}, ("severity", "bad_severity")),
        ({"code": "A1", "title": "T", "severity": "2.5"}, ("severity", "bad_severity")),
        ({"code": "A1", "title": "T", "flags": "violent;sparkly"}, ("flags", "unknown_flag")),
        ({"code": "A1", "title": "T", "active": "maybe"}, ("active", "bad_active")),
    ],
)
def test_offence_rows(record, expected):
    parsed, problem = rules.parse_offence_row(record)
    if problem:
        assert (problem.field, problem.code) == expected
    else:
        assert (parsed.code, parsed.severity, parsed.flags, parsed.active) == expected


def test_the_rules_know_the_catalogue_flags():
    assert rules.OFFENCE_FLAGS == Offence.FLAGS


def test_charge_periods():
    assert (
        rules.charge_problems(committed_from=D(2025, 1, 2), committed_to=D(2025, 1, 1), count_number=1)[0].field
        == "committed_to"
    )
    assert (
        rules.charge_problems(committed_from=D(2025, 1, 1), committed_to=None, count_number=0)[0].field
        == "count_number"
    )
    assert rules.charge_problems(committed_from=D(2025, 1, 1), committed_to=D(2025, 1, 1), count_number=1) == []
