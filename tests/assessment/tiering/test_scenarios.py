"""All 116 probation-tier scenarios, one pytest case each, named "<feature>: <scenario>"."""

import re
from pathlib import Path

import pytest

from oms.assessment.rules.tiering import calculate_tier

from .scenarios import ALL_CASES

ORACLE_DIR = Path(__file__).resolve().parents[4] / "shared" / "oracles" / "probation-tier"


@pytest.mark.parametrize("case", ALL_CASES, ids=[case.id for case in ALL_CASES])
def test_scenario(case):
    result = calculate_tier(case.inputs)
    actual = {name: getattr(result, name) for name in case.expect}
    assert actual == case.expect, [step.text for step in result.steps]


def test_every_scenario_is_transcribed_once():
    assert len(ALL_CASES) == 116
    assert len({case.id for case in ALL_CASES}) == 116


@pytest.mark.skipif(not ORACLE_DIR.is_dir(), reason="oracle scenarios not present on this machine")
def test_case_names_match_the_feature_files():
    """Every scenario title in the oracle appears among the cases (reading titles only)."""
    expected = []
    for path in sorted(ORACLE_DIR.glob("*.feature")):
        feature = path.name.removesuffix(".feature")
        for title in re.findall(r"^\s*Scenario:\s*(.+?)\s*$", path.read_text(), flags=re.MULTILINE):
            expected.append(f"{feature}: {title}")
    ours = sorted(re.sub(r" \[[A-Z_]+\]$", "", case.id) for case in ALL_CASES)
    assert ours == sorted(expected)
