"""B9: bulk load of people (performance.md: pass when OMS's path is at least 0.25x raw COPY).

The population the other benchmarks search is loaded through OMS's demo bulk path
(``oms.demo.services.load_population``). Before each batch is written, the very same rows, already
converted to database values, go through the raw library path into the same tables inside a
savepoint that is then rolled back: ``cursor.copy()`` on PostgreSQL, ``executemany`` on SQLite.
Both sides therefore write identical rows to identical tables, indexes and constraints in the same
run; OMS's time also includes what makes the rows (id allocation, search keys, identifier
normalisation, case-note encryption, value conversion).

Draft generation (Faker vocabularies and random draws) is excluded from both sides: it is the demo's
cost of inventing people, not of loading them. On PostgreSQL both sides run the deferred foreign-key
checks of their rows per batch (``SET CONSTRAINTS ALL IMMEDIATE``) inside their timed window; the one
final commit (the audit event, the WAL flush) is reported apart.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connection, transaction

from oms.core.actor import Actor
from oms.demo import bulk, services

TARGET_RATIO = 0.25


def _raw_write(model, rows: list[tuple]) -> None:
    """The raw library path: the driver's own COPY or executemany, nothing else."""
    sql = bulk.insert_sql(model, connection)
    driver_connection = connection.connection
    if connection.vendor == "postgresql":
        with driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    else:
        driver_connection.executemany(sql, rows)


def _raw_check_deferred_constraints() -> None:
    """The same foreign-key checks OMS's path runs per batch, so neither side leaves them to a commit."""
    with connection.connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def run(people: int, *, seed: int = 1, batch_size: int = 10_000, progress: Callable | None = None) -> dict:
    """Load ``people`` through OMS's bulk path, timing the raw path on the same rows batch by batch."""
    raw = {"seconds": 0.0, "rows": 0}

    def raw_copy_then_undo(rows: bulk.Rows) -> None:
        prepared = {model: bulk.database_rows(model, table_rows) for model, table_rows in rows.tables.items()}
        sid = transaction.savepoint()
        started = time.perf_counter()
        for model in bulk.TABLE_ORDER:
            if prepared[model]:
                _raw_write(model, prepared[model])
        if connection.vendor == "postgresql":
            _raw_check_deferred_constraints()
        raw["seconds"] += time.perf_counter() - started
        raw["rows"] += sum(len(r) for r in prepared.values())
        transaction.savepoint_rollback(sid)

    commit = {}
    with transaction.atomic():
        report = services.load_population(
            Actor.system(channel="job", name="oms bench"),
            people=people,
            seed=seed,
            with_staff=False,
            batch_size=batch_size,
            progress=progress,
            before_write=raw_copy_then_undo,
        )
        commit["started"] = time.perf_counter()
    commit_seconds = time.perf_counter() - commit["started"]
    oms_seconds = report.prepare_seconds + report.write_seconds
    rows = sum(report.rows.values())
    oms_rate = rows / oms_seconds if oms_seconds else 0.0
    raw_rate = raw["rows"] / raw["seconds"] if raw["seconds"] else 0.0
    ratio = oms_rate / raw_rate if raw_rate else None
    return {
        "benchmark": "B9",
        "name": "bulk load of people",
        "database": connection.vendor,
        "people": report.people,
        "rows": rows,
        "rows_by_table": report.rows,
        "oms_path": "oms.demo bulk path (prepare + COPY)"
        if connection.vendor == "postgresql"
        else "oms.demo bulk path (prepare + executemany)",
        "raw_path": "psycopg cursor.copy()" if connection.vendor == "postgresql" else "sqlite3 executemany",
        "oms_seconds": round(oms_seconds, 3),
        "oms_prepare_seconds": round(report.prepare_seconds, 3),
        "oms_write_seconds": round(report.write_seconds, 3),
        "raw_seconds": round(raw["seconds"], 3),
        "commit_seconds_not_in_either": round(commit_seconds, 3),
        "generate_seconds_excluded": round(report.generate_seconds, 3),
        "oms_rows_per_second": round(oms_rate),
        "raw_rows_per_second": round(raw_rate),
        "oms_people_per_second": round(report.people / oms_seconds) if oms_seconds else 0,
        "ratio_to_raw": round(ratio, 3) if ratio is not None else None,
        "target_ratio": TARGET_RATIO,
        "meets_target": ratio is not None and ratio >= TARGET_RATIO,
    }
