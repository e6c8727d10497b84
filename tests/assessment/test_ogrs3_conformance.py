"""The OGRS3 scorer against the published cases (ogrs3 suite) and ``oms conformance ogrs3 FILE``.

The cases live outside the project (``<project root>/../shared/oracles/ogrs3/cases.json``) and are
never copied into it. THRESHOLD is the best figure reached; it only goes up.
"""

import json
import math
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oms.assessment import conformance
from oms.core import conformance as registry

THRESHOLD = 489  # matched cases out of 489; it only goes up

CASES = Path(__file__).resolve().parents[2] / ".." / "shared" / "oracles" / "ogrs3" / "cases.json"

needs_cases = pytest.mark.skipif(not CASES.is_file(), reason=f"published cases not found at {CASES}")


def _case(number, year_1, year_2):
    return {
        "testNumber": number,
        "gender": 0,
        "currentOffenceType": 12,
        "previousSanctions": 25,
        "birthDate": "1989-04-22",
        "convictionDate": "2013-02-20",
        "firstSanctionDate": "2001-09-10",
        "assessmentDate": "2013-03-31",
        "output_ogrs3_year_1": year_1,
        "output_ogrs3_year_2": year_2,
    }


# The person above scored by hand from the published coefficients: male aged 23 at assessment (21-24),
# 25 previous sanctions, aged 23 at conviction and 12 at first sanction, taking & driving away.
_SCORE = -1.051515067 + 0.463062792 + 1.251124464 * math.log(26 / (10 + 23 - 12)) + 0.380059431
RIGHT = _case("right", 1 / (1 + math.exp(-(1.402562384 + _SCORE))), 1 / (1 + math.exp(-(2.121705678 + _SCORE))))


@needs_cases
def test_published_cases_match():
    report = conformance.run(CASES)
    listing = "\n".join(f"{m.case}: {m.item} expected {m.expected} got {m.got}" for m in report.mismatches)
    assert report.total == 489, report.summary()
    assert report.matched >= THRESHOLD, f"{report.summary()}\n{listing}"


@needs_cases
def test_run_accepts_the_folder_holding_the_file():
    assert conformance.run(CASES.parent).total == 489


def test_suite_is_registered_at_start_up():
    assert registry.get("ogrs3") is conformance.run


def test_compare_case_lists_each_probability_that_differs():
    assert conformance.compare_case(RIGHT) == []
    wrong = _case("wrong", RIGHT["output_ogrs3_year_1"], 0.9)
    found = conformance.compare_case(wrong)
    assert [(m.case, m.item, m.expected) for m in found] == [("wrong", "output_ogrs3_year_2", "0.9")]


def test_a_case_the_scorer_rejects_is_a_mismatch_not_a_crash():
    bad = dict(RIGHT, currentOffenceType=25)
    [found] = conformance.compare_case(bad)
    assert found.item == "error" and "offence_category" in found.got


def test_run_rejects_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        conformance.run(tmp_path / "absent.json")
    with pytest.raises(FileNotFoundError):
        conformance.run(tmp_path)  # a folder without cases.json


def test_command_prints_summary_and_mismatches(tmp_path):
    file = tmp_path / "some-cases.json"
    file.write_text(json.dumps([RIGHT, _case("wrong", 0.5, RIGHT["output_ogrs3_year_2"])]))
    out = StringIO()
    call_command("conformance", "ogrs3", str(file), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "matched 1 of 2"
    assert len(lines) == 2 and lines[1].startswith("wrong\toutput_ogrs3_year_1\texpected 0.5\tgot 0.8117")


def test_command_rejects_a_missing_path_and_a_file_that_is_not_a_list(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("conformance", "ogrs3", str(tmp_path / "absent.json"), stdout=StringIO())
    not_a_list = tmp_path / "cases.json"
    not_a_list.write_text("{}")
    with pytest.raises(CommandError, match="JSON list"):
        call_command("conformance", "ogrs3", str(not_a_list), stdout=StringIO())


@needs_cases
def test_command_runs_the_published_file():
    out = StringIO()
    call_command("conformance", "ogrs3", str(CASES), stdout=out)
    assert out.getvalue().splitlines()[0] == f"matched {THRESHOLD} of 489"


def test_moj_crd_still_needs_a_folder(tmp_path):
    file = tmp_path / "one.json"
    file.write_text("{}")
    with pytest.raises(CommandError, match="not a folder"):
        call_command("conformance", "moj-crd", str(file), stdout=StringIO())
