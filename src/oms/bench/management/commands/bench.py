"""``oms bench --tier small|1m [--output FILE] [--only B1,B2,B4,B5,B6,B9,B10] [--people N]``: the benchmark suite.

The command never benchmarks the configured database: it prepares the bench's own database
(``OMS_BENCH_DATABASE_URL``, or a temporary SQLite file), then runs the suite in a child process
pointed at it, so the settings, migrations and connections are exactly those of a normal run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from oms.bench import database, runner
from oms.core.errors import DomainError

CHILD_FLAG = "OMS_BENCH_CHILD"


class Command(BaseCommand):
    help = (
        "Run the benchmark suite (B1 zone evaluation, B2 fix ingest, B4 search, B5 movements and roll, B6 release"
        " dates, B9 bulk load, B10 audit verify) on a database of its own."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tier", choices=sorted(runner.TIERS), default="small")
        parser.add_argument("--output", help="write the JSON results to this file (default var/bench-<tier>.json)")
        parser.add_argument("--only", default=",".join(runner.ALL), help="comma-separated: B1,B2,B4,B5,B6,B9,B10")
        parser.add_argument("--people", type=int, help="override the tier's population (for quick checks)")

    def handle(self, *args, **options):
        only = tuple(part.strip().upper() for part in options["only"].split(",") if part.strip())
        unknown = sorted(set(only) - set(runner.ALL))
        if unknown or not only:
            raise CommandError(f"--only takes some of {', '.join(runner.ALL)} (got {options['only']!r}).")
        if options["people"] is not None and options["people"] < 1:
            raise CommandError("--people must be at least 1.")
        output = Path(options["output"] or Path("var") / f"bench-{options['tier']}.json").resolve()
        if os.environ.get(CHILD_FLAG) == "1":
            self._run_here(options["tier"], only, options["people"], output)
            return
        arguments = ["bench", "--tier", options["tier"], "--only", ",".join(only), "--output", str(output)]
        if options["people"] is not None:
            arguments += ["--people", str(options["people"])]
        self._run_in_bench_database(arguments)

    def _run_in_bench_database(self, arguments: list[str]) -> None:
        try:
            bench_db = database.prepare(os.environ.get("OMS_BENCH_DATABASE_URL"))
        except database.BenchDatabaseError as exc:
            raise CommandError(str(exc))
        self.stdout.write(f"Bench database: {_display(bench_db.url)}")
        self.stdout.flush()
        env = {k: v for k, v in os.environ.items() if k not in ("OMS_TEST_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
        env.update({"OMS_DATABASE_URL": bench_db.url, CHILD_FLAG: "1", "OMS_DEMO_MODE": "0"})
        if env.get("OMS_ENV") == "test":
            env["OMS_ENV"] = "development"
        try:
            completed = subprocess.run(  # noqa: S603 - our own interpreter and command
                [sys.executable, "-m", "oms.cli", *arguments], env=env, check=False
            )
        finally:
            bench_db.cleanup()
        if completed.returncode != 0:
            raise CommandError(f"The benchmark run failed (exit status {completed.returncode}).")

    def _run_here(self, tier: str, only: tuple[str, ...], people: int | None, output: Path) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        try:
            results = runner.run_suite(tier, only=only, people=people, log=self.stdout.write)
        except DomainError as exc:
            raise CommandError(exc.detail)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, indent=2, default=str) + "\n")
        verdict = "all targets met" if results["all_targets_met"] else "some targets NOT met (see the lines above)"
        self.stdout.write(f"Bench {tier}: {verdict}; {results['seconds']} s; results in {output}")


def _display(url: str) -> str:
    """The URL without a password, for the log."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
