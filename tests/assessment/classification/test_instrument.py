"""The shipped custody classification instrument: a points-based security classification whose bands
are the facility security levels, scored by the generic engine."""

import json
from importlib import resources

import pytest

from oms.assessment.instruments import CLASSIFICATION_CODE, SECURITY_LEVELS, shipped_catalogue
from oms.assessment.rules.instruments import score
from oms.facilities.models import Location

LOWEST = {
    "current_offence_severity": "lowest",
    "history_of_violence": "none",
    "escape_history": "none",
    "time_to_serve": "under_1_year",
    "detainers": "none",
    "age": "55_or_over",
    "conduct_in_custody": "none_or_not_yet_in_custody",
}


@pytest.fixture(scope="module")
def classification():
    return shipped_catalogue().get(CLASSIFICATION_CODE)


def test_the_bands_are_the_facility_security_levels_lowest_first(classification):
    assert SECURITY_LEVELS == tuple(Location.SecurityLevel.values)
    assert [b.name for b in classification.bands] == list(SECURITY_LEVELS)


def test_the_definition_names_its_published_source_and_allows_the_management_override(classification):
    assert "Program Statement 5100.08" in classification.source
    assert "National Institute of Corrections" in classification.source
    assert classification.overrides_allowed and classification.reassessment_interval_days == 182
    assert [i.code for i in classification.items] == list(LOWEST)


def test_the_file_is_named_after_its_code_and_version():
    data = json.loads(
        resources.files("oms.assessment.instruments").joinpath("data/custody-classification-v1.json").read_text()
    )
    assert (data["code"], data["version"]) == (CLASSIFICATION_CODE, 1)


@pytest.mark.parametrize(
    ("changes", "points", "band"),
    [
        ({}, 0, "open"),
        ({"current_offence_severity": "moderate", "age": "25_to_35"}, 7, "low"),
        ({"current_offence_severity": "high", "age": "24_or_under", "time_to_serve": "1_to_5_years"}, 12, "medium"),
        (
            {"current_offence_severity": "high", "history_of_violence": "serious_over_5_years", "age": "36_to_54"},
            11,
            "low",
        ),
        (
            {
                "current_offence_severity": "greatest",
                "history_of_violence": "serious_within_5_years",
                "time_to_serve": "10_to_20_years",
                "age": "25_to_35",
            },
            23,
            "high",
        ),
        (
            {
                "current_offence_severity": "greatest",
                "escape_history": "serious",
                "detainers": "high",
                "time_to_serve": "over_20_years",
                "conduct_in_custody": "violent_finding",
            },
            31,
            "maximum",
        ),
        # The cut points: high is 20-27, maximum from 28.
        (
            {
                "current_offence_severity": "greatest",
                "escape_history": "serious",
                "detainers": "greatest",
                "age": "36_to_54",
                "conduct_in_custody": "minor_findings",
            },
            24,
            "high",
        ),
        (
            {
                "current_offence_severity": "greatest",
                "escape_history": "serious",
                "detainers": "greatest",
                "age": "24_or_under",
                "conduct_in_custody": "minor_findings",
            },
            28,
            "maximum",
        ),
    ],
)
def test_points_add_up_to_the_security_level(classification, changes, points, band):
    result = score(classification, {**LOWEST, **changes})
    assert (result.score, result.band) == (points, band)
    assert sum(e.points for e in result.explanation) == points


def test_every_level_can_be_reached_and_the_highest_total_is_maximum(classification):
    low, high = classification.score_range()
    assert (low, high) == (0, 46)
    assert classification.band_for(high) == "maximum"
