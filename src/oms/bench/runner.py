"""The benchmark suite: load a population (B9), search it (B4), record a movement window and read the
roll of a 10,000-bed facility (B5), recalculate 100,000 people's release dates (B6), verify an audit
chain (B10), evaluate monitoring fixes against raw shapely (B1) and ingest fixes through the API against
a raw COPY, sustained and in a burst (B2).

The suite writes synthetic data, so it runs only against a database holding no people: the ``bench``
command gives it a database of its own (see ``oms.bench.database`` and docs/benchmarks.md).
"""

from __future__ import annotations

import importlib
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

from oms.bench import b1_monitoring, b2_ingest, b4_search, b5_movements, b5_roll, b6_release_dates, b9_bulk_load
from oms.core import clock
from oms.core.errors import Conflict
from oms.people.models import Person

ALL = ("B1", "B2", "B4", "B5", "B6", "B9", "B10")
B1_TARGET_RATIO = 0.5  # evaluation at least half as fast as raw shapely on the same batch


@dataclass(frozen=True)
class Tier:
    people: int
    queries_per_kind: int
    brute_force_queries: int
    batch_size: int
    b1_fixes: int = 100_000
    b2: dict | None = None


TIERS = {
    "small": Tier(
        people=10_000,
        queries_per_kind=100,
        brute_force_queries=30,
        batch_size=5_000,
        b2={"devices": 1_000, "fitted": 100, "steps": 20, "sustained_seconds": 10},
    ),
    "1m": Tier(
        people=1_000_000,
        queries_per_kind=200,
        brute_force_queries=20,
        batch_size=10_000,
        b1_fixes=1_000_000,
        b2={"devices": 1_000, "fitted": 1_000, "steps": 60, "sustained_seconds": 60},
    ),
}
# ``people`` given (quick checks, tests): a fleet small enough for a test, every part still run.
B2_QUICK = {
    "devices": 50,
    "fitted": 5,
    "steps": 2,
    "sustained_seconds": 1,
    "rate": 50,
    "burst": 150,
    "burst_batch": 100,
}


def run_suite(
    tier: str,
    *,
    only: tuple[str, ...] = ALL,
    people: int | None = None,
    queries_per_kind: int | None = None,
    log: Callable[[str], None] = print,
) -> dict:
    """Run the chosen benchmarks at ``tier`` and return JSON-able results. ``people`` and
    ``queries_per_kind`` override the tier's sizes (quick checks and tests)."""
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}; choose from {', '.join(TIERS)}")
    if Person.objects.exists():
        raise Conflict(
            "The benchmark writes synthetic people and audit events: it runs only on a database with no people"
            " (oms bench creates its own; see docs/benchmarks.md).",
            code="bench.database_not_empty",
        )
    settings_tier = TIERS[tier]
    population = people if people is not None else settings_tier.people
    results: dict = {
        "suite": "oms bench",
        "tier": tier,
        "started_at": clock.now().isoformat(),
        "database": connection.vendor,
        "database_version": _database_version(),
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {_cpu_count()} CPU",
        "people": population,
        "benchmarks": {},
    }
    started = time.perf_counter()

    # B4 needs the population whether or not B9 is reported: loading it is B9's measurement.
    if "B9" in only or "B4" in only:
        log(f"B9: loading {population:,} people through the bulk path (raw path timed on the same rows)...")

        def progress(done: int, total: int, elapsed: float) -> None:
            log(f"  people {done:,}/{total:,} ({100 * done // max(total, 1)}%) {elapsed:.1f} s")

        b9 = b9_bulk_load.run(population, batch_size=settings_tier.batch_size, progress=progress)
        if "B9" in only:
            results["benchmarks"]["B9"] = b9
            log(_b9_line(b9))
        _analyze()

    if "B4" in only:
        query_count = queries_per_kind or settings_tier.queries_per_kind
        log(f"B4: {query_count} queries per kind on both paths...")
        b4 = b4_search.run(
            queries_per_kind=query_count,
            brute_force_queries=settings_tier.brute_force_queries,
            tier=tier,
        )
        results["benchmarks"]["B4"] = b4
        for line in _b4_lines(b4):
            log(line)

    if "B5" in only:
        log("B5: a movement window recorded through the batch path vs a raw insert of the same rows...")
        # A ``people`` override (quick checks, tests) shrinks B5 with the rest of the suite.
        small = people is not None
        moves = b5_movements.run(tier, people=min(population, 200), movements=50) if small else b5_movements.run(tier)
        log(_b5_movements_line(moves))
        # The 10,000-bed facility is the 1m tier's; CI's small tier reads a 2,000-bed one to stay quick.
        beds = 200 if small else None if tier == "1m" else 2_000
        log(f"B5: the live roll of a {beds or 10_000:,}-bed facility vs one raw SQL statement...")
        roll = b5_roll.run(tier, beds=beds)
        log(_b5_roll_line(roll))
        results["benchmarks"]["B5"] = {
            "benchmark": "B5",
            "movements": moves,
            "roll": roll,
            "meets_target": moves["meets_target"] and roll["meets_target"],
        }

    if "B6" in only:
        # The small tier recalculates a few thousand people (CI-sized); 1m and ``--only B6`` on its own
        # recalculate the 100,000 the target names. ``people`` (quick checks, tests) shrinks it too.
        size = min(population, 500) if people is not None else None
        if size is None and tier == "small" and only != ("B6",):
            size = b6_release_dates.TIERS["small"]
        log(f"B6: arranging and recalculating {size or b6_release_dates.TARGET_PEOPLE:,} people's release dates...")
        b6 = b6_release_dates.run(tier, people=size or b6_release_dates.TARGET_PEOPLE, log=log)
        results["benchmarks"]["B6"] = b6
        log(_b6_line(b6))

    if "B10" in only:
        try:
            b10_audit = importlib.import_module("oms.bench.b10_audit")
        except ModuleNotFoundError:
            results["benchmarks"]["B10"] = {"benchmark": "B10", "skipped": "oms.bench.b10_audit is not installed"}
        else:
            log("B10: audit chain verification...")
            b10 = b10_audit.run(tier)
            results["benchmarks"]["B10"] = b10
            log(_b10_line(b10))

    if "B1" in only:
        fixes = 20_000 if people is not None else settings_tier.b1_fixes
        log(f"B1: evaluating {fixes:,} fixes against one order's zones and curfew vs raw shapely...")
        b1 = b1_monitoring.run(fixes=fixes, vertices=200, repeats=3)
        ratio = b1["raw_shapely_cpu_s"] / b1["evaluate_cpu_s"] if b1["evaluate_cpu_s"] else None
        b1.update(
            {
                "benchmark": "B1",
                "ratio_to_raw": round(ratio, 3) if ratio is not None else None,
                "target_ratio": B1_TARGET_RATIO,
                "meets_target": ratio is not None and ratio >= B1_TARGET_RATIO,
            }
        )
        results["benchmarks"]["B1"] = b1
        log(_b1_line(b1))

    if "B2" in only:
        sizes = B2_QUICK if people is not None else settings_tier.b2
        log(f"B2: fix ingest through the API vs raw COPY, then sustained and burst ({sizes['devices']:,} devices)...")
        b2 = b2_ingest.run(**sizes, log=log)
        results["benchmarks"]["B2"] = b2
        for line in _b2_lines(b2):
            log(line)

    results["seconds"] = round(time.perf_counter() - started, 1)
    results["all_targets_met"] = all(b.get("meets_target", False) for b in results["benchmarks"].values())
    return results


def _analyze() -> None:
    """Fresh planner statistics after a bulk load, as an operator would run (both paths benefit)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _database_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        return str(cursor.fetchone()[0]).split(" on ")[0]


def _cpu_count() -> int:
    import os

    return os.cpu_count() or 1


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _b1_line(b1: dict) -> str:
    return (
        f"B1 evaluation: {b1['fixes']:,} fixes, {b1['zones']} zones; OMS {b1['evaluate_cpu_s']} CPU s vs raw shapely"
        f" {b1['raw_shapely_cpu_s']} CPU s = {b1['ratio_to_raw']}x of raw (target >= {b1['target_ratio']}x)"
        f" {_verdict(b1['meets_target'])}"
    )


def _b2_lines(b2: dict) -> list[str]:
    sustained, burst = b2["sustained"], b2["burst"]
    binding = "" if b2["ratio_binding"] else " (binding on PostgreSQL)"
    return [
        f"B2 ingest: {b2['fixes']:,} fixes in batches of {b2['batch_size']:,}; API {b2['api_fixes_per_s']:,}/s"
        f" ({b2['api_cpu_us_per_fix']} CPU us/fix) vs raw {b2['raw_fixes_per_s']:,}/s = {b2['ratio_to_raw']}x"
        f" (target >= {b2['target_ratio']}x{binding}) {_verdict(b2['meets_ratio'])}",
        f"  sustained {sustained['target_fixes_per_s']:,}/s for {sustained['seconds']} s: achieved"
        f" {sustained['achieved_fixes_per_s']:,}/s, lag p50 {sustained['lag_p50_s']} s p99 {sustained['lag_p99_s']} s,"
        f" {sustained['accepted']:,}/{sustained['sent']:,} stored {_verdict(sustained['meets_target'])}",
        f"  burst {burst['fixes']:,} fixes at once: drained in {burst['drain_s']} s ({burst['drain_fixes_per_s']:,}/s),"
        f" {burst['stored']:,} stored, {burst['lost']} lost {_verdict(burst['meets_target'])}",
    ]


def _b9_line(b9: dict) -> str:
    return (
        f"B9 bulk load: {b9['rows']:,} rows; OMS {b9['oms_rows_per_second']:,} rows/s vs raw"
        f" {b9['raw_rows_per_second']:,} rows/s = {b9['ratio_to_raw']}x (target >= {b9['target_ratio']}x)"
        f" {_verdict(b9['meets_target'])}"
    )


def _b4_lines(b4: dict) -> list[str]:
    lines = [f"B4 person search over {b4['people']:,} people ({b4['names']:,} names):"]
    for kind, r in b4["kinds"].items():
        lines.append(
            f"  {kind:<12} OMS p50 {r['oms']['p50_ms']:.1f} ms p99 {r['oms']['p99_ms']:.1f} ms | raw SQL p50"
            f" {r['raw_sql']['p50_ms']:.1f} ms p99 {r['raw_sql']['p99_ms']:.1f} ms | p99 ratio"
            f" {r['p99_ratio_to_raw']}x (<= {b4['ratio_target']}x) {_verdict(r['meets_ratio_target'])}"
            f" | raw+audit p99 {r['raw_sql_plus_audit_event']['p99_ms']:.1f} ms,"
            f" ratio {r['p99_ratio_to_raw_plus_audit']}x"
            f" | found {r['found_rate']:.0%}"
        )
    brute = b4["kinds"]["fuzzy"]["brute_force"]
    lines.append(
        f"  fuzzy vs brute force rapidfuzz over {brute['names_scored_per_query']:,} names: p50"
        f" {brute['p50_ms']:.1f} ms, OMS {brute['speedup_p50']}x faster (>= {brute['target_speedup']}x)"
        f" {_verdict(brute['meets_target'])}{'' if brute['binding'] else ' (binding at 1M only)'}"
    )
    return lines


def _b5_movements_line(b5: dict) -> str:
    return (
        f"B5 movements: {b5['movements']:,} in one window; OMS {b5['oms_seconds']} s vs raw {b5['raw_seconds']} s"
        f" = {b5['ratio_to_raw']}x of raw (target >= {b5['target_ratio']}x;"
        f" < {b5['target_seconds']} s{'' if b5['seconds_target_binding'] else ', binding on PostgreSQL'})"
        f" {_verdict(b5['meets_target'])}"
    )


def _b5_roll_line(b5: dict) -> str:
    return (
        f"B5 roll: {b5['beds']:,} beds, {b5['population']:,} on the roll; OMS p50 {b5['oms']['p50_ms']} ms"
        f" p99 {b5['oms']['p99_ms']} ms | raw SQL p50 {b5['raw_sql']['p50_ms']} ms p99 {b5['raw_sql']['p99_ms']} ms"
        f" | same totals {b5['same_totals']} | target p99 < {b5['target_ms']} ms {_verdict(b5['meets_target'])}"
    )


def _b6_line(b6: dict) -> str:
    return (
        f"B6 release dates: {b6['people']:,} people ({b6['sentences']:,} sentences) recalculated in"
        f" {b6['seconds']} s ({b6['people_per_second']:,}/s; {b6['stored']:,} stored, {b6['failed']:,} refused);"
        f" unchanged rerun {b6['rerun_seconds']} s | {b6['seconds_per_100k']} s per 100k, target"
        f" < {b6['target_seconds']:.0f} s"
        + (f" {_verdict(b6['meets_target'])}" if b6["target_binding"] else " (binding at 100,000 only)")
    )


def _b10_line(b10: dict) -> str:
    if "skipped" in b10:
        return f"B10 skipped: {b10['skipped']}"
    return (
        f"B10 audit verify: {b10.get('events_verified', '?'):,} events in {b10.get('verify_seconds')} s"
        f" ({b10.get('verify_seconds_per_100k')} s per 100k, target < {b10.get('target_seconds_per_100k')} s)"
        f" {_verdict(b10.get('meets_target', False))}"
    )
