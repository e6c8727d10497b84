"""The engine against the national calculation service's published cases (moj-crd suite).

The cases live outside the project (``<project root>/../shared/oracles/uk-release-dates/cases``) and
are never copied into it. THRESHOLD is the best figure reached; it only goes up.
"""

from pathlib import Path

import pytest

from oms.core import conformance as registry
from oms.sentencing import conformance

THRESHOLD = 100  # matched cases out of 100; it only goes up

CASES = Path(__file__).resolve().parents[3] / ".." / "shared" / "oracles" / "uk-release-dates" / "cases"

needs_cases = pytest.mark.skipif(not CASES.is_dir(), reason=f"published cases not found at {CASES}")


@needs_cases
def test_published_cases_match():
    report = conformance.run(CASES)
    listing = "\n".join(f"{m.case}: {m.item} expected {m.expected} got {m.got}" for m in report.mismatches)
    assert report.total == 100, report.summary()
    assert report.matched >= THRESHOLD, f"{report.summary()}\n{listing}"


@needs_cases
def test_suite_registers_and_runs_from_the_registry():
    conformance.register_suites()
    runner = registry.get("moj-crd")
    assert runner is conformance.run
    assert "moj-crd" in registry.names()


def test_case_reader_maps_the_published_format():
    case_input = {
        "booking": {
            "offender": {"dateOfBirth": "1990-01-01"},
            "sentences": [
                {
                    "identifier": "x1",
                    "sentencedAt": "2021-01-04",
                    "offence": {"committedAt": "2020-12-01"},
                    "duration": {"durationElements": {"YEARS": 1, "WEEKS": 2}},
                },
                {
                    "identifier": "x2",
                    "sentencedAt": "2021-01-04",
                    "offence": {"committedAt": "2020-12-01"},
                    "duration": {"durationElements": {"MONTHS": 3}},
                    "consecutiveSentenceUUIDs": ["x1"],
                },
            ],
            "adjustments": {
                "REMAND": [{"appliesToSentencesFrom": "2021-01-04"}],
                "UNKNOWN_KIND": [{"numberOfDays": 4}],
            },
        },
        "userInputs": {"calculateErsed": True},
    }
    request = conformance.request_from_case(case_input)
    assert [s.ref for s in request.sentences] == ["x1", "x2"]
    assert request.sentences[1].consecutive_to == "x1"
    assert request.sentences[0].duration.weeks == 2
    assert len(request.adjustments) == 1 and request.adjustments[0].days == 0
    assert request.facts["calculate_ersed"] is True


def test_compare_case_lists_every_difference():
    case = {
        "name": "made-up",
        "input": {
            "booking": {
                "offender": {"dateOfBirth": "1990-01-01"},
                "sentences": [
                    {
                        "sentencedAt": "2024-03-05",
                        "offence": {"committedAt": "2024-01-01"},
                        "duration": {"durationElements": {"YEARS": 2}},
                    }
                ],
            }
        },
        "expected": {"dates": {"CRD": "2025-03-05", "SLED": "2026-03-04"}, "effectiveSentenceLength": "P2Y"},
    }
    found = conformance.compare_case(case)
    assert [(m.item, m.expected, m.got) for m in found] == [
        ("CRD", "2025-03-05", "2025-03-04"),
        ("ESED", "-", "2026-03-04"),
        ("HDCED", "-", "2024-09-06"),
    ]


def test_run_rejects_a_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError):
        conformance.run(tmp_path / "absent")
