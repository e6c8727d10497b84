"""The benchmark's own database, so a benchmark never writes into real data.

``OMS_BENCH_DATABASE_URL`` names it; without it the bench uses a new SQLite file in a temporary
directory, removed afterwards. A named database must be recognisably the bench's: its name (the
database name for PostgreSQL, the file name for SQLite) starts with ``oms_bench``. The bench drops and
recreates it at the start of each run, so results never depend on what an earlier run left.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url

BENCH_NAME_PREFIX = "oms_bench"
_SAFE_NAME = re.compile(r"^[a-z0-9_]+$")


class BenchDatabaseError(ValueError):
    pass


@dataclass
class BenchDatabase:
    url: str
    vendor: str
    temporary_dir: Path | None = None

    def cleanup(self) -> None:
        if self.temporary_dir is not None:
            for path in sorted(self.temporary_dir.glob("*")):
                path.unlink()
            self.temporary_dir.rmdir()


def prepare(url: str | None) -> BenchDatabase:
    """An empty database for one run: a temporary SQLite file, or the named bench database recreated."""
    if not url:
        directory = Path(tempfile.mkdtemp(prefix="oms-bench-"))
        url = f"sqlite:///{directory / 'oms_bench.sqlite3'}"
        return BenchDatabase(url=url, vendor="sqlite", temporary_dir=directory)
    config = dj_database_url.parse(url)
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        path = Path(config["NAME"])
        _require_bench_name(path.name)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return BenchDatabase(url=url, vendor="sqlite")
    if engine == "django.db.backends.postgresql":
        name = config["NAME"]
        _require_bench_name(name)
        if not _SAFE_NAME.match(name):
            raise BenchDatabaseError(f"Use lower-case letters, digits and underscores in {name!r}.")
        _recreate_postgres(url, name)
        return BenchDatabase(url=url, vendor="postgresql")
    raise BenchDatabaseError(f"The bench runs on SQLite or PostgreSQL, not {engine}.")


def _require_bench_name(name: str) -> None:
    if not name.startswith(BENCH_NAME_PREFIX):
        raise BenchDatabaseError(
            f"The bench drops and recreates its database, so its name must start with {BENCH_NAME_PREFIX!r}"
            f" (got {name!r}); it never runs against another database."
        )


def _recreate_postgres(url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    maintenance_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
