"""Daily partitions of the fix table on PostgreSQL (docs/monitoring.md, "Storage, partitioning and
retention").

On PostgreSQL ``monitoring_fix`` is range-partitioned on ``recorded_at`` (migration 0003): one partition
per UTC day, ``monitoring_fix_pYYYYMMDD``, created ahead of time by the daily job, plus a default
partition ``monitoring_fix_default`` that catches any fix whose day has no partition (a device clock far
off, a backfill of old days, a job that did not run): no fix is ever refused for want of a partition.
When a day's partition is created while the default partition holds fixes of that day, they are moved
into it in the same transaction. The retention purge drops whole expired day partitions (no row-by-row
delete, no table bloat) and deletes expired rows from the default partition only.

On SQLite there are no partitions: every function here says so and does nothing, and the purge deletes
rows. Nothing in here checks permissions: callers are the migration, the purge service and the job.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import connection as default_connection

TABLE = "monitoring_fix"
DEFAULT_PARTITION = "monitoring_fix_default"
PREFIX = "monitoring_fix_p"
_DAY_NAME = re.compile(r"^monitoring_fix_p(\d{8})$")
COLUMNS = "id, recorded_at, latitude, longitude, accuracy_m, battery_pct, strap, lineage, received_at, device_id"
DEFAULT_DAYS_AHEAD = 7  # the daily job keeps a week ready, so a missed run or two loses nothing to default


def days_ahead() -> int:
    """``OMS_MONITORING["FIX_PARTITION_DAYS_AHEAD"]``: how many days after today get their partition now."""
    return int(getattr(settings, "OMS_MONITORING", {}).get("FIX_PARTITION_DAYS_AHEAD", DEFAULT_DAYS_AHEAD))


def partitioned(connection=None) -> bool:
    """Whether the fix table is partitioned (PostgreSQL after migration 0003)."""
    connection = connection or default_connection
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


def partition_name(day: dt.date) -> str:
    return f"{PREFIX}{day:%Y%m%d}"


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return start, start + dt.timedelta(days=1)


def day_partitions(connection=None) -> dict[dt.date, str]:
    """The day partitions that exist, by day."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = to_regclass(%s)",
            [TABLE],
        )
        names = [name for (name,) in cursor.fetchall()]
    out = {}
    for name in names:
        match = _DAY_NAME.match(name)
        if match:
            out[dt.datetime.strptime(match.group(1), "%Y%m%d").date()] = name
    return out


def create_partitions(days, connection=None) -> list[str]:
    """Create the missing day partitions for ``days``; returns the names created. Run inside a transaction
    (the move out of the default partition and the re-attach must be all or nothing)."""
    connection = connection or default_connection
    existing = day_partitions(connection)
    created = []
    with connection.cursor() as cursor:
        for day in sorted(set(days)):
            if day in existing:
                continue
            _create_one(cursor, day)
            created.append(partition_name(day))
    return created


def _create_one(cursor, day: dt.date) -> None:
    name = partition_name(day)
    start, end = day_bounds(day)
    cursor.execute(
        f"SELECT 1 FROM {DEFAULT_PARTITION} WHERE recorded_at >= %s AND recorded_at < %s LIMIT 1",  # noqa: S608
        [start, end],
    )
    if cursor.fetchone() is None:
        cursor.execute(f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)", [start, end])
        return
    # The default partition already holds fixes of this day: PostgreSQL refuses a new partition that
    # would leave them in the wrong place, so detach it, create the day, move them, attach it back.
    cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {DEFAULT_PARTITION}")
    cursor.execute(f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)", [start, end])
    cursor.execute(
        f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE recorded_at >= %s AND recorded_at < %s"  # noqa: S608
        f" RETURNING {COLUMNS}) INSERT INTO {name} ({COLUMNS}) SELECT {COLUMNS} FROM moved",
        [start, end],
    )
    cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {DEFAULT_PARTITION} DEFAULT")


def ensure_partitions(today: dt.date, *, ahead: int | None = None, connection=None) -> list[str]:
    """Today's partition and the next ``ahead`` days' (default: the setting); nothing on SQLite."""
    connection = connection or default_connection
    if not partitioned(connection):
        return []
    ahead = days_ahead() if ahead is None else ahead
    return create_partitions([today + dt.timedelta(days=n) for n in range(ahead + 1)], connection)


def drop_expired(cutoff: dt.datetime, connection=None) -> tuple[int, list[str]]:
    """Drop the day partitions that end at or before ``cutoff`` and delete the default partition's fixes
    recorded before it. Returns (fixes removed, partitions dropped). A day partition straddling the
    cutoff is kept whole until its day has expired: retention is whole days on PostgreSQL."""
    connection = connection or default_connection
    removed, dropped = 0, []
    with connection.cursor() as cursor:
        # Fixes inserted earlier in this transaction leave deferred foreign-key checks queued on their
        # partition, and PostgreSQL will not drop a table with pending trigger events: run them now.
        # (Django declares every foreign key DEFERRABLE INITIALLY DEFERRED, so DEFERRED after is the default.)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for day, name in sorted(day_partitions(connection).items()):
            if day_bounds(day)[1] > cutoff:
                continue
            # Counted for the audit event: a seq scan of one expired day, once a day.
            cursor.execute(f"SELECT count(*) FROM {name}")  # noqa: S608
            removed += cursor.fetchone()[0]
            cursor.execute(f"DROP TABLE {name}")
            dropped.append(name)
        cursor.execute(f"DELETE FROM {DEFAULT_PARTITION} WHERE recorded_at < %s", [cutoff])  # noqa: S608
        removed += cursor.rowcount
    return removed, dropped


def convert_table(connection, today: dt.date) -> None:
    """Turn the plain fix table into the partitioned one, keeping its rows, ids, constraint and index
    names (so later migrations find them): used by migration 0003, on PostgreSQL only.

    The primary key becomes (id, recorded_at) because a partitioned table's unique keys must contain the
    partition column; ids still come from one identity sequence, so ``id`` stays unique in practice.
    (device_id, recorded_at), the idempotency key, already contains it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT (recorded_at AT TIME ZONE 'UTC')::date FROM monitoring_fix WHERE recorded_at >= %s",
            [day_bounds(today - dt.timedelta(days=400))[0]],
        )
        old_days = [day for (day,) in cursor.fetchall()]
        cursor.execute("SELECT coalesce(max(id), 0) FROM monitoring_fix")
        last_id = cursor.fetchone()[0]
        cursor.execute(
            """
            CREATE TABLE monitoring_fix_new (
                id bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL,
                recorded_at timestamp with time zone NOT NULL,
                latitude double precision NOT NULL,
                longitude double precision NOT NULL,
                accuracy_m double precision NOT NULL,
                battery_pct smallint NOT NULL,
                strap varchar(10) NOT NULL,
                lineage uuid NULL,
                received_at timestamp with time zone NOT NULL,
                device_id bigint NOT NULL
            ) PARTITION BY RANGE (recorded_at)
            """
        )
        cursor.execute(f"CREATE TABLE {DEFAULT_PARTITION} PARTITION OF monitoring_fix_new DEFAULT")
        wanted = set(old_days) | {today + dt.timedelta(days=n) for n in range(days_ahead() + 1)}
        for day in sorted(wanted):
            start, end = day_bounds(day)
            cursor.execute(
                f"CREATE TABLE {partition_name(day)} PARTITION OF monitoring_fix_new FOR VALUES FROM (%s) TO (%s)",
                [start, end],
            )
        cursor.execute(f"INSERT INTO monitoring_fix_new ({COLUMNS}) SELECT {COLUMNS} FROM monitoring_fix")  # noqa: S608 - constant
        cursor.execute("DROP TABLE monitoring_fix")
        cursor.execute("ALTER TABLE monitoring_fix_new RENAME TO monitoring_fix")
        # The names Django gave them in 0001, so its introspection finds them in later migrations.
        for statement in (
            "ALTER TABLE monitoring_fix ADD CONSTRAINT monitoring_fix_pkey PRIMARY KEY (id, recorded_at)",
            "ALTER TABLE monitoring_fix ADD CONSTRAINT uniq_fix_device_time UNIQUE (device_id, recorded_at)",
            "ALTER TABLE monitoring_fix ADD CONSTRAINT monitoring_fix_battery_pct_check CHECK (battery_pct >= 0)",
            "ALTER TABLE monitoring_fix ADD CONSTRAINT monitoring_fix_device_id_622c3e9f_fk_monitoring_device_id"
            " FOREIGN KEY (device_id) REFERENCES monitoring_device (id) DEFERRABLE INITIALLY DEFERRED",
            "CREATE INDEX monitoring_fix_device_id_622c3e9f ON monitoring_fix (device_id)",
            "CREATE INDEX monitoring_fix_lineage_time ON monitoring_fix (lineage, recorded_at)",
            "CREATE INDEX monitoring_fix_time ON monitoring_fix (recorded_at)",
        ):
            cursor.execute(statement)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('monitoring_fix', 'id'), %s, %s)", [max(last_id, 1), last_id > 0]
        )
