"""B1 (monitoring) runs, its two sides agree on every zone answer, and evaluation stays within a small
factor of raw shapely (CPU time, generous bound: the machine is shared)."""

from oms.bench.b1_monitoring import run


def test_b1_evaluation_against_raw_shapely():
    result = run(fixes=20_000, vertices=100, repeats=2)
    assert result["states"] == 20_000 * 8  # 5 zones + strap + battery + gap
    assert result["evaluate_fixes_per_s"] > 100_000
    assert result["overhead_factor"] < 20
