"""Demo rules and the generator: formats, misspellings, reproducibility, near-duplicates."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given
from hypothesis import strategies as st

from oms.demo import rules
from oms.demo.generator import PopulationGenerator, SiteChoice
from oms.people import rules as people_rules

SITES = SiteChoice(prisons=["P1", "P2"], offices=["O1"], diversion=["D1"], partner=["A1"])
TODAY = dt.date(2026, 11, 1)


def test_system_numbers_follow_the_pattern_and_never_repeat():
    numbers = [rules.system_number_for(i, seed=3) for i in range(50_000)]
    assert len(set(numbers)) == len(numbers)
    assert all(people_rules.is_system_number(n) for n in numbers)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=12), st.integers(0, 10_000))
def test_a_misspelling_differs_from_the_name(name, seed):
    assert rules.misspell(name.capitalize(), random.Random(seed)).lower() != name


def test_demo_national_insurance_numbers_use_a_prefix_never_issued():
    assert rules.national_insurance_number(random.Random(1)).startswith("QQ")


def test_the_same_seed_gives_the_same_people():
    first = [(p.system_number, p.family_name, p.given_name, p.date_of_birth) for p in _people(300, seed=7)]
    again = [(p.system_number, p.family_name, p.given_name, p.date_of_birth) for p in _people(300, seed=7)]
    other = [(p.system_number, p.family_name, p.given_name, p.date_of_birth) for p in _people(300, seed=8)]
    assert first == again
    assert first != other


def test_the_population_has_aliases_identifiers_placements_and_other_locales():
    people = _people(2000)
    with_alias = sum(1 for p in people if len(p.names) > 1)
    assert 0.12 < with_alias / len(people) < 0.28
    assert sum(1 for p in people if any(kind == "pnc" for kind, *_ in p.identifiers)) > 0.7 * len(people)
    assert all(p.site_links for p in people)
    assert {"custody", "supervision", "diversion", "records"} <= {link[1] for p in people for link in p.site_links}
    assert len({p.nationality for p in people}) >= 6
    assert any(p.alerts for p in people) and any(p.notes for p in people)


def test_near_duplicates_share_the_birth_date_and_score_as_duplicates():
    people = _people(3000)
    by_index = {p.index: p for p in people}
    duplicates = [p for p in people if p.near_duplicate_of is not None]
    assert len(duplicates) >= 20
    for duplicate in duplicates:
        original = by_index[duplicate.near_duplicate_of]
        assert duplicate.date_of_birth == original.date_of_birth
        assert duplicate.system_number != original.system_number
        score = people_rules.duplicate_score(_facts(duplicate), _facts(original))
        assert score.score >= people_rules.DUPLICATE_THRESHOLD, (duplicate.names[0], original.names[0])


def _people(count: int, seed: int = 1):
    return list(PopulationGenerator(seed=seed, sites=SITES, today=TODAY).people(count))


def _facts(person) -> people_rules.PersonFacts:
    names = tuple(
        (people_rules.normalise_name(n.family_name), people_rules.normalise_name(n.given_name)) for n in person.names
    )
    return people_rules.PersonFacts(names=names, date_of_birth=person.date_of_birth)
