"""``oms conformance <suite> PATH``: summary line, one line per mismatch, exit 0 unless the path is bad."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oms.core import conformance as registry
from oms.sentencing import conformance


@pytest.fixture(autouse=True)
def _registered():
    conformance.register_suites()


def _write_case(folder, name, expected_crd):
    case = {
        "name": name,
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
        "expected": {
            "dates": {"CRD": expected_crd, "SLED": "2026-03-04", "HDCED": "2024-09-06", "ESED": "2026-03-04"},
            "effectiveSentenceLength": "P2Y",
        },
    }
    (folder / f"{name}.json").write_text(json.dumps(case))


def test_prints_summary_and_mismatches(tmp_path):
    _write_case(tmp_path, "right", "2025-03-04")
    _write_case(tmp_path, "wrong", "2025-03-05")
    out = StringIO()
    call_command("conformance", "moj-crd", str(tmp_path), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "matched 1 of 2"
    assert lines[1:] == ["wrong\tCRD\texpected 2025-03-05\tgot 2025-03-04"]


def test_bad_path_fails(tmp_path):
    with pytest.raises(CommandError):
        call_command("conformance", "moj-crd", str(tmp_path / "absent"), stdout=StringIO())


def test_unknown_suite_fails(tmp_path):
    with pytest.raises(CommandError, match="Unknown conformance suite"):
        call_command("conformance", "no-such-suite", str(tmp_path), stdout=StringIO())


def test_registry_lets_other_apps_add_suites(tmp_path):
    calls = []

    def runner(path):
        calls.append(path)
        return registry.SuiteReport(3, 3)

    registry.register("example-suite", runner)
    out = StringIO()
    call_command("conformance", "example-suite", str(tmp_path), stdout=out)
    assert out.getvalue().strip() == "matched 3 of 3" and calls
