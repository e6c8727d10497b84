"""B1 (monitoring): evaluating a batch of fixes against one order, OMS's rules against raw shapely.

No database: both sides get the same synthetic batch (a random walk of ``fixes`` fixes a minute apart
around London) and the same zones: a curfew circle of 100 m with a 19:00-07:00 timetable, three exclusion
polygons of ``vertices`` vertices each and one large inclusion polygon.

- ``raw``: the floor: ``shapely.intersects_xy`` on each prepared polygon and the numpy circle distance,
  booleans only.
- ``evaluate``: ``oms.monitoring.rules.evaluation.evaluate``: the same zone tests plus the curfew
  timetable (vectorised over the local minute of the week), strap, battery with hysteresis and the no-fix
  gap, each rule's states as arrays.
- ``episodes``: ``evaluate`` then ``rules.episodes.changes`` (the alert decisions, vectorised per rule).

Times are CPU seconds (``time.process_time``), the best of ``repeats``. The zone answers of both sides
are checked to agree. Run: ``python -m oms.bench.b1_monitoring [fixes] [vertices]``.
"""

from __future__ import annotations

import json
import math
import sys
import time

import numpy as np
import shapely

from oms.monitoring.rules.curfew import parse_timetable
from oms.monitoring.rules.episodes import changes
from oms.monitoring.rules.evaluation import (
    EXCLUSION_ENTERED,
    INCLUSION_LEFT,
    CompiledOrder,
    FixBatch,
    Settings,
    TimetableRule,
    ZoneRule,
    evaluate,
)
from oms.monitoring.rules.zones import compile_zone, distance_m

CENTRE = (-0.1276, 51.5072)
START = 1_780_000_000  # an instant in 2026


def _polygon(lon: float, lat: float, radius_deg: float, vertices: int) -> str:
    angles = np.linspace(0, 2 * math.pi, vertices, endpoint=False)
    wobble = 1 + 0.2 * np.sin(5 * angles)  # not a circle: a star-ish outline
    r = radius_deg * wobble
    ring = [[lon + d * math.cos(a), lat + d * math.sin(a)] for a, d in zip(angles, r, strict=True)]
    ring.append(ring[0])
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def arrange(fixes: int, vertices: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    steps = rng.normal(0, 0.0004, size=(fixes, 2))
    walk = np.cumsum(steps, axis=0) + np.array(CENTRE)
    batch = FixBatch(
        epoch_s=START + 60 * np.arange(fixes, dtype=np.int64),
        lon=walk[:, 0],
        lat=walk[:, 1],
        accuracy_m=rng.uniform(3, 60, fixes),
        battery_pct=np.clip(100 - np.arange(fixes) * 0.001, 0, 100),
        tampered=rng.random(fixes) < 0.001,
    )
    polygons = [
        _polygon(CENTRE[0] + dx, CENTRE[1] + dy, 0.01, vertices) for dx, dy in ((0.02, 0), (-0.02, 0.01), (0, -0.02))
    ]
    inclusion = _polygon(CENTRE[0], CENTRE[1], 0.2, vertices)
    home = json.dumps({"type": "Point", "coordinates": list(CENTRE)})
    order = CompiledOrder(
        time_zone="Europe/London",
        zones=tuple(ZoneRule(f"ex{i}", EXCLUSION_ENTERED, compile_zone(p, None)) for i, p in enumerate(polygons))
        + (ZoneRule("in", INCLUSION_LEFT, compile_zone(inclusion, None)),),
        timetables=(
            TimetableRule(
                "curfew",
                "curfew_breached",
                compile_zone(home, 100),
                tuple(parse_timetable([{"days": list(range(7)), "start": "19:00", "end": "07:00"}])),
            ),
        ),
    )
    raw_polygons = [shapely.from_geojson(p) for p in [*polygons, inclusion]]
    for p in raw_polygons:
        shapely.prepare(p)
    return batch, order, raw_polygons


def _best(fn, repeats: int) -> tuple[float, object]:
    best, out = math.inf, None
    for _ in range(repeats):
        started = time.process_time()
        out = fn()
        best = min(best, time.process_time() - started)
    return best, out


def run(fixes: int = 100_000, vertices: int = 200, repeats: int = 3) -> dict:
    batch, order, raw_polygons = arrange(fixes, vertices)
    settings = Settings()

    def raw():
        inside = [shapely.intersects_xy(p, batch.lon, batch.lat) for p in raw_polygons]
        inside.append(distance_m(CENTRE, batch.lon, batch.lat) <= 100)
        return inside

    def oms_evaluate():
        return evaluate(order, batch, settings, previous_fix_s=None)

    def oms_episodes():
        return changes([], evaluate(order, batch, settings, previous_fix_s=None))

    raw_s, raw_out = _best(raw, repeats)
    eval_s, series = _best(oms_evaluate, repeats)
    episodes_s, decided = _best(oms_episodes, repeats)
    # The zone answers agree: exclusion breached == inside, inclusion breached == outside.
    by_key = {one.key[0]: [s.breached for s in one.states()] for one in series}
    accurate = batch.accuracy_m <= settings.max_accuracy_m
    for i in range(3):
        assert by_key[f"ex{i}"] == [bool(b) if a else None for b, a in zip(raw_out[i], accurate, strict=True)]
    assert by_key["in"] == [bool(not b) if a else None for b, a in zip(raw_out[3], accurate, strict=True)]
    return {
        "benchmark": "B1 monitoring evaluation",
        "fixes": fixes,
        "vertices_per_polygon": vertices,
        "zones": len(raw_polygons) + 1,
        "raw_shapely_cpu_s": round(raw_s, 4),
        "evaluate_cpu_s": round(eval_s, 4),
        "evaluate_and_episodes_cpu_s": round(episodes_s, 4),
        "raw_fixes_per_s": round(fixes / raw_s) if raw_s else None,
        "evaluate_fixes_per_s": round(fixes / eval_s),
        "evaluate_and_episodes_fixes_per_s": round(fixes / episodes_s),
        "states": sum(one.at.size for one in series),
        "transitions": len(decided),
        "overhead_factor": round(eval_s / raw_s, 1) if raw_s else None,
    }


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:3]]
    print(json.dumps(run(*arguments), indent=2))
