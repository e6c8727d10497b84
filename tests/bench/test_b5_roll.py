"""B5 roll at a tiny size: it arranges a facility, times the OMS roll against the raw statement,
and both give the same totals."""

from __future__ import annotations

import json

import pytest

from oms.bench import b5_roll

pytestmark = pytest.mark.django_db


def test_b5_roll_times_the_roll_against_raw_sql_with_the_same_totals():
    result = b5_roll.run("small", beds=80, repeats=3)
    assert result["benchmark"] == "B5-roll" and result["beds"] == 80 and result["units"] == 2
    assert result["same_totals"], (result["totals"], b5_roll.raw_totals)
    totals = result["totals"]
    assert totals["population"] == totals["in_cell"] + totals["out_outside"] + totals["out_internal"] + (
        totals["in_reception"] + totals["unallocated"]
    )
    assert totals["out_outside"] > 0 and totals["out_internal"] > 0 and totals["en_route"] > 0
    assert totals["out_of_order"] > 0 and totals["in_reception"] > 0 and totals["unallocated"] > 0
    assert result["away_named"] == totals["out_outside"] + totals["out_internal"]
    assert result["oms"]["runs"] == result["raw_sql"]["runs"] == 3
    assert result["oms"]["p99_ms"] > 0 and result["raw_sql"]["p99_ms"] > 0
    assert result["target_ms"] == 100.0 and result["binding"] is False
    json.dumps(result)
