"""Properties of the tiering rules over generated inputs, plus the explanation's shape."""

import re
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from oms.assessment.rules.tiering import (
    KNOWN_REGISTRATIONS,
    NEED_SEVERITY,
    NEED_WEIGHTS,
    REHABILITATIVE_REQUIREMENTS,
    RESTRICTIVE_REQUIREMENTS,
    ROSH_POINTS,
    Conviction,
    Sentence,
    Step,
    TieringInput,
    calculate_tier,
)

PROTECT_ORDER = "DCBA"  # lowest to highest

sentences = st.builds(
    Sentence,
    custodial=st.booleans(),
    requirements=st.frozensets(st.sampled_from(sorted(RESTRICTIVE_REQUIREMENTS | REHABILITATIVE_REQUIREMENTS))),
)
inputs = st.builds(
    TieringInput,
    sex=st.sampled_from(["MALE", "FEMALE"]),
    rosh=st.none() | st.sampled_from(sorted(ROSH_POINTS)),
    rsr_percentage=st.none() | st.floats(min_value=0, max_value=1000, allow_nan=False),
    mappa_level=st.none() | st.sampled_from([1, 2, 3]),
    registrations=st.frozensets(st.sampled_from(sorted(KNOWN_REGISTRATIONS))),
    convictions=st.lists(st.builds(Conviction, st.booleans(), st.booleans()), max_size=3).map(tuple),
    parenting_responsibilities=st.booleans(),
    impulsivity=st.none() | st.integers(0, 2),
    temper_control=st.none() | st.integers(0, 2),
    sentences=st.lists(sentences, max_size=3).map(tuple),
    assessment_completed=st.booleans(),
    ogrs_percentage=st.none() | st.integers(0, 100),
    needs=st.dictionaries(st.sampled_from(sorted(NEED_WEIGHTS)), st.sampled_from(sorted(NEED_SEVERITY))),
)


@given(inputs)
def test_explanation_adds_up_to_the_points_and_the_tier_is_well_formed(data):
    result = calculate_tier(data)
    assert sum(step.protect_points for step in result.steps) == result.protect_points
    assert sum(step.change_points for step in result.steps) == result.change_points
    assert re.fullmatch(r"[A-D][0-3]", result.tier)
    assert all(step.text for step in result.steps)
    assert calculate_tier(data) == result  # deterministic


@given(inputs, st.sampled_from(sorted(KNOWN_REGISTRATIONS)))
def test_adding_a_registration_never_lowers_either_axis(data, code):
    before = calculate_tier(data)
    after = calculate_tier(replace(data, registrations=data.registrations | {code}))
    assert PROTECT_ORDER.index(after.protect_level) >= PROTECT_ORDER.index(before.protect_level)
    assert after.protect_points >= before.protect_points
    assert after.change_points >= before.change_points
    assert after.change_level >= before.change_level


@given(inputs, st.integers(0, 100), st.integers(0, 100))
def test_raising_ogrs_never_lowers_the_change_points(data, first, second):
    low, high = sorted((first, second))
    assert (
        calculate_tier(replace(data, ogrs_percentage=high)).change_points
        >= calculate_tier(replace(data, ogrs_percentage=low)).change_points
    )


@given(inputs)
def test_no_mandate_for_change_means_change_level_zero(data):
    community_only = replace(data, sentences=(Sentence(custodial=False, requirements=frozenset({"UNPAID_WORK"})),))
    result = calculate_tier(community_only)
    assert (result.mandate_for_change, result.change_level, result.change_points) == (False, 0, 0)


def test_explanation_names_each_award():
    result = calculate_tier(
        TieringInput(
            rosh="VERY_HIGH",
            rsr_percentage=7.0,
            mappa_level=1,
            registrations=frozenset({"RCCO", "IIOM"}),
            ogrs_percentage=59,
            needs={"ATTITUDES": "SEVERE"},
        )
    )
    assert result.steps == (
        Step(
            "tier.rosh", "risk of serious harm very high = 150 protect points (the higher of it and RSR 7.0% = 20)", 150
        ),
        Step("tier.mappa", "MAPPA level 1 = 5 protect points", 5),
        Step("tier.complexity", "registration Child Concerns (RCCO) = 2 protect points", 2),
        Step("tier.ogrs", "OGRS 59% = 5 change points (one per whole 10%)", change_points=5),
        Step("tier.need", "severe need for attitudes = 4 change points", change_points=4),
        Step("tier.iom", "Integrated Offender Management (IIOM) = 2 change points", change_points=2),
    )
    assert (result.protect_points, result.change_points, result.tier) == (157, 11, "A2")


def test_no_assessment_gives_change_level_two_and_says_why():
    result = calculate_tier(TieringInput(assessment_completed=False, ogrs_percentage=90))
    assert (result.change_level, result.change_points) == (2, 0)
    assert [step.code for step in result.steps] == ["tier.no_assessment"]
