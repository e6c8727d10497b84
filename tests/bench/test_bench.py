"""The benchmark suite at a tiny size: it runs, reports the JSON keys, and keeps away from real data."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from oms.bench import database, runner
from oms.core.errors import Conflict
from oms.people.models import Person

pytestmark = pytest.mark.django_db


def test_the_small_tier_runs_and_reports_every_benchmark():
    # B1 and B2 (monitoring) have their own test: tests/bench/test_b2.py.
    only = ("B4", "B5", "B6", "B9", "B10")
    results = runner.run_suite("small", only=only, people=2000, queries_per_kind=8, log=lambda line: None)
    assert set(results["benchmarks"]) == {"B4", "B5", "B6", "B9", "B10"}
    b5 = results["benchmarks"]["B5"]
    assert b5["movements"]["movements"] == 50 and b5["roll"]["same_totals"] is True
    assert "meets_target" in b5
    b9 = results["benchmarks"]["B9"]
    b5 = results["benchmarks"]["B5"]
    assert b9["people"] == 2000  # B5 and B6 arrange their own people in custody afterwards
    b6 = results["benchmarks"]["B6"]
    assert b6["people"] == 500 and b6["stored"] == 500 and "meets_target" in b6
    assert Person.objects.count() == 2000 + b5["movements"]["people_in_custody"] + b5["roll"]["people"] + 500
    for key in ("oms_rows_per_second", "raw_rows_per_second", "ratio_to_raw", "target_ratio", "meets_target"):
        assert key in b9
    assert b9["ratio_to_raw"] > 0
    b4 = results["benchmarks"]["B4"]
    assert set(b4["kinds"]) == {"id", "prefix", "sound_alike", "fuzzy"}
    for kind in b4["kinds"].values():
        assert kind["queries"] > 0
        assert {"p50_ms", "p99_ms"} <= set(kind["oms"]) and {"p50_ms", "p99_ms"} <= set(kind["raw_sql"])
        assert kind["p99_ratio_to_raw"] is not None and "meets_ratio_target" in kind
    assert b4["kinds"]["id"]["found_rate"] == 1.0
    assert {"speedup_p50", "meets_target"} <= set(b4["kinds"]["fuzzy"]["brute_force"])
    assert "meets_target" in results["benchmarks"]["B10"]
    json.dumps(results)  # JSON-able


def test_the_suite_refuses_a_database_that_already_holds_people():
    runner.run_suite("small", only=("B9",), people=5, log=lambda line: None)
    with pytest.raises(Conflict):
        runner.run_suite("small", only=("B9",), people=5, log=lambda line: None)


def test_the_bench_database_must_be_named_as_the_benchs_own():
    with pytest.raises(database.BenchDatabaseError, match="oms_bench"):
        database.prepare("postgres://postgres@127.0.0.1:5432/oms")
    with pytest.raises(database.BenchDatabaseError, match="oms_bench"):
        database.prepare("sqlite:////tmp/oms.sqlite3")
    temporary = database.prepare(None)
    assert temporary.vendor == "sqlite" and temporary.temporary_dir.exists()
    temporary.cleanup()
    assert not temporary.temporary_dir.exists()


def test_the_command_runs_in_a_database_of_its_own(tmp_path):
    output = tmp_path / "bench.json"
    env = {k: v for k, v in os.environ.items() if k != "OMS_BENCH_DATABASE_URL"}
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "oms.cli", "bench", "--tier", "small", "--people", "200", "--only", "B9",
         "--output", str(output)],
        env=env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert "Bench database: sqlite:///" in completed.stdout
    results = json.loads(output.read_text())
    assert results["benchmarks"]["B9"]["people"] == 200
    assert not Person.objects.exists()  # nothing written to the configured (test) database
