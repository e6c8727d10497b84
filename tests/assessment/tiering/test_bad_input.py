"""Inputs the tiering rules cannot score are refused with an error naming the field."""

from dataclasses import replace

import pytest

from oms.assessment.rules.tiering import Sentence, TieringInput, TieringInputError, calculate_tier

BASE = TieringInput()


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("rosh", {"rosh": "EXTREME"}),
        ("rosh", {"rosh": "very_high"}),
        ("ogrs_percentage", {"ogrs_percentage": -1}),
        ("ogrs_percentage", {"ogrs_percentage": 101}),
        ("ogrs_percentage", {"ogrs_percentage": float("nan")}),
        ("ogrs_percentage", {"ogrs_percentage": "50"}),
        ("ogrs_percentage", {"ogrs_percentage": True}),
        ("rsr_percentage", {"rsr_percentage": -0.1}),
        ("rsr_percentage", {"rsr_percentage": float("nan")}),
        ("registrations", {"registrations": frozenset({"RCCO", "XXXX"})}),
        ("registrations", {"registrations": "RCCO"}),
        ("mappa_level", {"mappa_level": 4}),
        ("mappa_level", {"mappa_level": 0}),
        ("mappa_level", {"mappa_level": True}),
        ("sex", {"sex": "female"}),
        ("impulsivity", {"impulsivity": 3}),
        ("temper_control", {"temper_control": -1}),
        ("needs", {"needs": {"GAMBLING": "SEVERE"}}),
        ("needs", {"needs": {"ACCOMMODATION": "HIGH"}}),
        ("needs", {"needs": [("ACCOMMODATION", "SEVERE")]}),
        ("sentences", {"sentences": (Sentence(custodial=False, requirements=frozenset({"HOUSE_ARREST"})),)}),
    ],
)
def test_bad_input_names_the_field(field, changes):
    with pytest.raises(TieringInputError) as raised:
        calculate_tier(replace(BASE, **changes))
    assert raised.value.field == field
    assert str(raised.value).startswith(f"{field}: ")


def test_unknown_rosh_message_lists_the_known_levels():
    with pytest.raises(TieringInputError, match="VERY_HIGH"):
        calculate_tier(replace(BASE, rosh="EXTREME"))


def test_an_rsr_above_100_is_not_an_error_but_scores_nothing():
    """The scenarios score RSR 999.99 as 0 points (an unusable value), so it is explained, not refused."""
    result = calculate_tier(replace(BASE, rsr_percentage=999.99))
    assert result.protect_points == 0
    assert "not a usable score" in result.steps[0].text
