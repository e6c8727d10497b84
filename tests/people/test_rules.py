"""Pure rules: name keys, system numbers, identifiers, ranking and duplicate scores."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms.people import rules


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Smith", "smith"),
        ("O'Brien-Müller", "obrienmuller"),
        ("  José  María ", "josemaria"),
        ("Łukasz", "lukasz"),
        ("Strauß", "strauss"),
        ("Ærø", "aero"),
        ("123", ""),
        ("", ""),
    ],
)
def test_normalise_name(raw, expected):
    assert rules.normalise_name(raw) == expected


@given(st.text(max_size=300))
def test_normalised_names_are_lower_case_ascii_letters(raw):
    assert set(rules.normalise_name(raw)) <= set("abcdefghijklmnopqrstuvwxyz")


@given(st.text(max_size=300), st.text(max_size=300))
def test_name_keys_never_exceed_their_columns(family, given_name):
    keys = rules.name_keys(family, given_name)
    assert len(keys.family_norm) <= 100 and len(keys.given_norm) <= 100
    assert max(len(keys.family_phonetic), len(keys.given_phonetic), len(keys.family_nysiis)) <= 20


@pytest.mark.parametrize("a, b", [("smith", "smyth"), ("johnson", "jonsen"), ("mohammed", "muhammad")])
def test_sound_alike_names_share_a_key(a, b):
    assert rules.metaphone_key(a) == rules.metaphone_key(b) or rules.nysiis_key(a) == rules.nysiis_key(b)


@pytest.mark.parametrize("prefix, bound", [("smi", "smj"), ("az", "b"), ("zz", None), ("a", "b")])
def test_prefix_upper_bound(prefix, bound):
    assert rules.prefix_upper_bound(prefix) == bound


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8), st.text(alphabet="abcz", max_size=5))
def test_every_string_with_the_prefix_is_inside_the_range(prefix, rest):
    bound = rules.prefix_upper_bound(prefix)
    word = prefix + rest
    assert word >= prefix and (bound is None or word < bound)


def test_generated_system_numbers_are_valid():
    rng = random.Random(7)
    for _ in range(200):
        number = rules.generate_system_number(rng)
        assert rules.is_system_number(number) and len(number) == 7


@pytest.mark.parametrize(
    "text, valid", [("A1234BC", True), ("a1234bc", True), ("A 1234-BC", True), ("A12345C", False), ("1234ABC", False)]
)
def test_system_number_pattern(text, valid):
    assert rules.is_system_number(text) is valid


@pytest.mark.parametrize(
    "raw, expected", [("2001/0012345a", "20010012345A"), (" AB 12 34 56 C ", "AB123456C"), ("é-1", "E1"), ("//", "")]
)
def test_normalise_identifier(raw, expected):
    assert rules.normalise_identifier(raw) == expected


def _name(pk, family, given="", alias=False, dob=None):
    keys = rules.name_keys(family, given)
    return rules.CandidateName(
        pk, keys.family_norm, keys.given_norm, keys.family_phonetic, keys.given_phonetic, keys.family_nysiis, alias, dob
    )


def test_ranking_prefers_exact_then_prefix_then_sound_alike_then_fuzzy():
    names = [_name(1, "Smithers"), _name(2, "Smyth"), _name(3, "Smith"), _name(4, "Smtih"), _name(5, "Jones")]
    ranked = rules.rank_candidates(rules.parse_name_query("smith"), names)
    assert [r.person_id for r in ranked] == [3, 1, 2, 4]
    assert [r.kind for r in ranked] == [
        rules.MatchKind.EXACT,
        rules.MatchKind.PREFIX,
        rules.MatchKind.SOUND_ALIKE,
        rules.MatchKind.FUZZY,
    ]


def test_two_tokens_read_either_way_and_an_alias_ranks_below_the_primary():
    names = [_name(1, "Smith", "John", alias=True), _name(2, "Smith", "John"), _name(3, "John", "Smith")]
    ranked = rules.rank_candidates(rules.parse_name_query("John Smith"), names)
    assert [r.person_id for r in ranked] == [2, 1, 3]
    comma = rules.rank_candidates(rules.parse_name_query("John, Smith"), names)
    assert comma[0].person_id == 3


def test_exact_identifier_matches_rank_first_and_dob_breaks_ties():
    dob = dt.date(1990, 1, 1)
    names = [_name(1, "Smith", "John"), _name(2, "Smith", "John", dob=dob)]
    ranked = rules.rank_candidates(
        rules.parse_name_query("john smith"), names, date_of_birth=dob, exact_person_ids={9: rules.MatchKind.IDENTIFIER}
    )
    assert [r.person_id for r in ranked] == [9, 2, 1]


@given(st.text(max_size=200), st.lists(st.text(max_size=30), max_size=5))
def test_ranking_never_fails_on_any_input(text, families):
    names = [_name(i, f, f[::-1]) for i, f in enumerate(families)]
    for r in rules.rank_candidates(rules.parse_name_query(text), names):
        assert r.score > 0


def _facts(*names, dob=None, ids=()):
    return rules.PersonFacts(
        tuple((rules.normalise_name(f), rules.normalise_name(g)) for f, g in names), dob, frozenset(ids)
    )


DOB = dt.date(1980, 5, 17)


@pytest.mark.parametrize(
    "new, existing, warns",
    [
        (_facts(("Smith", "John"), dob=DOB), _facts(("Smith", "John"), dob=DOB), True),
        (_facts(("Smyth", "Jon"), dob=DOB), _facts(("Smith", "John"), dob=DOB), True),
        (_facts(("Smith", "John"), dob=DOB), _facts(("Smith", "John"), dob=dt.date(1980, 17 % 12, 5)), False),
        (_facts(("Smith", "John"), dob=dt.date(1980, 5, 7)), _facts(("Smith", "John"), dob=dt.date(1980, 7, 5)), True),
        (_facts(("Smith", "John"), dob=DOB), _facts(("Smith", "John"), dob=dt.date(1955, 1, 1)), False),
        (_facts(("Smith", "John"), dob=DOB), _facts(("Jones", "John"), dob=DOB), False),
        (_facts(("Smith", "John"), dob=DOB), _facts(("Smith", "Peter"), dob=DOB), False),
        (_facts(("Green", "Zed"), ids={("pnc", "1")}), _facts(("Brown", "Al"), ids={("pnc", "1")}), True),
        (_facts(("Green", "Zed"), ids={("pnc", "1")}), _facts(("Brown", "Al"), ids={("cro", "1")}), False),
        (_facts(("Kovalski", "Piotr"), dob=DOB), _facts(("Kowalski", "Piotr"), dob=DOB), True),
        (_facts(("Smith", "John")), _facts(("Smith", "John")), True),
    ],
)
def test_duplicate_score(new, existing, warns):
    assert (rules.duplicate_score(new, existing).score >= rules.DUPLICATE_THRESHOLD) is warns


def test_age_range_to_birth_dates():
    today = dt.date(2026, 3, 1)
    born_from, born_to = rules.age_range_to_birth_dates(today, 18, 20)
    assert born_to == dt.date(2008, 3, 1)  # 18 today
    assert born_from == dt.date(2005, 3, 2)  # 20 until tomorrow


@pytest.mark.parametrize(
    ("born", "today", "age"),
    [
        (dt.date(1980, 5, 17), dt.date(2026, 5, 16), 45),
        (dt.date(1980, 5, 17), dt.date(2026, 5, 17), 46),
        (dt.date(2000, 2, 29), dt.date(2026, 2, 28), 25),
        (dt.date(2000, 2, 29), dt.date(2026, 3, 1), 26),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 1), 0),
    ],
)
def test_age_on_counts_whole_years(born, today, age):
    assert rules.age_on(born, today) == age
