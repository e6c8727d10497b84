"""The ``ogrs3`` conformance suite: the OGRS3 scorer against published cases.

The cases are one JSON file holding a list of ``{testNumber, gender (0 male, 1 female),
currentOffenceType (0-19), previousSanctions, birthDate, convictionDate, firstSanctionDate,
assessmentDate, output_ogrs3_year_1, output_ogrs3_year_2}`` (format described in the oracle
folder's README). A case matches when both probabilities agree to within ``TOLERANCE``.

``run(path)`` accepts the file itself or a folder holding ``cases.json``. No django needed.
"""

import json
from datetime import date
from pathlib import Path

from oms.assessment.rules import ogrs3
from oms.core.conformance import Mismatch, SuiteReport, register

SUITE_NAME = "ogrs3"
TOLERANCE = 1e-9
CASES_FILE = "cases.json"


def input_from_case(case: dict) -> ogrs3.Ogrs3Input:
    return ogrs3.Ogrs3Input(
        sex=ogrs3.Sex(case["gender"]),
        offence_category=case["currentOffenceType"],
        previous_sanctions=case["previousSanctions"],
        birth_date=date.fromisoformat(case["birthDate"]),
        conviction_date=date.fromisoformat(case["convictionDate"]),
        first_sanction_date=date.fromisoformat(case["firstSanctionDate"]),
        assessment_date=date.fromisoformat(case["assessmentDate"]),
    )


def compare_case(case: dict) -> list[Mismatch]:
    """Every difference between the scorer and one published case (empty = the case matches)."""
    name = str(case.get("testNumber", "?"))
    try:
        result = ogrs3.score(input_from_case(case))
    except (ogrs3.Ogrs3Error, KeyError, ValueError) as exc:
        return [Mismatch(name, "error", "probabilities", str(exc))]
    mismatches = []
    for item, got in (("output_ogrs3_year_1", result.year_1), ("output_ogrs3_year_2", result.year_2)):
        want = case.get(item)
        if want is None:
            continue
        if abs(got - want) > TOLERANCE:
            mismatches.append(Mismatch(name, item, repr(want), repr(got)))
    return mismatches


def _cases_file(path: Path) -> Path:
    path = Path(path)
    if path.is_dir():
        path = path / CASES_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} is not an OGRS3 cases file")
    return path


def run(path: Path) -> SuiteReport:
    """Check every case in the cases file (``path`` = the file, or a folder holding ``cases.json``)."""
    cases = json.loads(_cases_file(path).read_text())
    if not isinstance(cases, list):
        raise ValueError("an OGRS3 cases file holds a JSON list of cases")
    matched = 0
    mismatches: list[Mismatch] = []
    for case in cases:
        found = compare_case(case)
        if found:
            mismatches.extend(found)
        else:
            matched += 1
    return SuiteReport(matched, len(cases), tuple(mismatches))


def register_suites() -> None:
    """Register this app's suites; call from AssessmentConfig.ready()."""
    register(SUITE_NAME, run)
