"""B2 (monitoring ingest) at a tiny size, on whichever database the tests use: the API path stores every
fix it is sent, the raw side leaves nothing behind, the sustained feed and the burst lose nothing, and the
JSON carries the figures docs/benchmarks.md quotes. No timing thresholds: the machine is shared."""

import json

import pytest

from oms.bench import b2_ingest, runner
from oms.monitoring.models import Alert, Fix

pytestmark = pytest.mark.django_db


def test_b2_ingests_through_the_api_and_counts_every_fix():
    result = b2_ingest.run(
        devices=20, fitted=3, steps=2, sustained_seconds=2, rate=20, burst=60, burst_batch=25, sleep=lambda s: None
    )
    json.dumps(result)
    assert result["benchmark"] == "B2"
    assert (result["fixes"], result["accepted"], result["batch_size"], result["posts"]) == (40, 40, 40, 1)
    assert result["by_batch_size"][20]["posts"] == 2 and result["by_batch_size"][20]["accepted"] == 40
    for key in (
        "api_seconds",
        "api_cpu_seconds",
        "api_cpu_us_per_fix",
        "raw_seconds",
        "raw_copy_seconds_without_commit",
        "api_fixes_per_s",
        "raw_fixes_per_s",
        "ratio_to_raw",
        "target_ratio",
        "meets_ratio",
        "meets_target",
    ):
        assert key in result
    assert result["ratio_to_raw"] > 0
    sustained = result["sustained"]
    assert (sustained["sent"], sustained["accepted"], sustained["batches"]) == (40, 40, 2)
    assert {"achieved_fixes_per_s", "lag_p50_s", "lag_p99_s", "cpu_seconds"} <= set(sustained)
    burst = result["burst"]
    assert (burst["fixes"], burst["batches"], burst["accepted"], burst["stored"], burst["lost"]) == (60, 3, 60, 60, 0)
    assert burst["meets_target"] is True
    # Everything the API accepted is in the table, the raw side's copies are gone: 40 + 40 + 40 + 60.
    assert Fix.objects.count() == 180
    # Fitted devices are evaluated like any feed's: at most one open alert per order and kind.
    assert Alert.objects.filter(closed_at__isnull=True).count() <= 3 * 3


def test_the_suite_runs_b1_and_b2():
    results = runner.run_suite("small", only=("B1", "B2"), people=10, log=lambda line: None)
    assert set(results["benchmarks"]) == {"B1", "B2"}
    b1 = results["benchmarks"]["B1"]
    assert b1["fixes"] == 20_000 and {"ratio_to_raw", "target_ratio", "meets_target"} <= set(b1)
    b2 = results["benchmarks"]["B2"]
    assert b2["accepted"] == b2["fixes"] == 100 and b2["batch_size"] == 100
    assert b2["burst"]["lost"] == 0 and b2["sustained"]["accepted"] == b2["sustained"]["sent"]
    json.dumps(results)
