"""``oms release_dates calculate FILE.json | recalculate --all``: the release-date engine from the shell.

``calculate FILE.json`` reads a request in the documented JSON format (docs/sentencing-calculations.md;
``-`` reads standard input), calculates it without storing anything and prints the result as JSON. A
request the engine refuses prints ``{"code", "detail", "field"}`` on stderr and exits with status 2.

``recalculate --all`` recalculates everyone with a sentence or a calculation through the bulk path,
showing a progress bar with the rate and the time left on stderr; new calculations are stored only for
people whose inputs, profile version or dates changed (the others are counted as unchanged).

Runs as the system actor on channel ``cli``, or as a named user with ``--as <username>``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from oms.accounts.models import User
from oms.accounts.queries import actor_for_user
from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.sentencing.services import bulk
from oms.sentencing.services import calculations as services

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Calculate release dates from a JSON request, or recalculate everyone in bulk."

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="as_user", help="act as this user (default: the system actor)")
        verbs = parser.add_subparsers(dest="verb", required=True)
        calculate = verbs.add_parser("calculate", help="calculate a JSON request without saving; print the result")
        calculate.add_argument("file", help="the request as JSON (see docs/sentencing-calculations.md); - = stdin")
        calculate.add_argument("--profile", help="the profile to use (default: the request's, else the default)")
        recalculate = verbs.add_parser("recalculate", help="recalculate everyone through the bulk path")
        recalculate.add_argument("--all", action="store_true", required=True, help="everyone in reach")
        recalculate.add_argument("--batch-size", type=int, default=bulk.DEFAULT_BATCH_SIZE)
        recalculate.add_argument("--reason", default="", help="why (stored with each new calculation)")
        recalculate.add_argument("--quiet", action="store_true", help="no progress bar")

    def _actor(self, username: str | None) -> Actor:
        if not username:
            return Actor.system(channel="cli")
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {username!r}.")
        return actor_for_user(user, channel="cli")

    def handle(self, *args, verb, as_user=None, **options):
        actor = self._actor(as_user)
        if verb == "calculate":
            self._calculate(actor, options["file"], options.get("profile"))
        else:
            self._recalculate(actor, options)

    def _calculate(self, actor: Actor, file: str, profile: str | None) -> None:
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        try:
            request = json.loads(text)
        except ValueError as error:
            raise CommandError(f"{file} is not valid JSON: {error}.") from error
        if profile and isinstance(request, dict):
            request = {**request, "profile": profile}
        try:
            _, result = services.preview_calculation(actor, request)
        except DomainError as error:
            self.stderr.write(json.dumps(error.as_dict()))
            raise CommandError(error.detail, returncode=2) from error
        self.stdout.write(json.dumps(result.as_dict(), indent=2))

    def _recalculate(self, actor: Actor, options: dict) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        progress = None if options["quiet"] else ProgressBar(self.stderr)
        try:
            outcome = bulk.recalculate_in_bulk(
                actor,
                reason="bulk",
                detail=options["reason"] or "oms release_dates recalculate --all",
                batch_size=options["batch_size"],
                progress=progress,
            )
        except DomainError as error:
            raise CommandError(error.detail) from error
        if progress is not None:
            progress.finish()
        self.stdout.write(
            f"{outcome.people:,} people: {outcome.stored:,} new calculations, {outcome.unchanged:,} unchanged,"
            f" {outcome.failed:,} could not be calculated; {outcome.seconds:.1f} s"
        )
        for error in outcome.errors:
            self.stdout.write(f"  {error['person_id']}: {error['detail']} ({error['field'] or 'request'})")


class ProgressBar:
    """``[#####.....] 12,000/100,000 12% 2,400/s ETA 37 s`` redrawn in place on stderr."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.drawn = False

    def __call__(self, done: int, total: int, elapsed: float) -> None:
        share = done / total if total else 1.0
        filled = int(BAR_WIDTH * share)
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else 0.0
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done:,}/{total:,} {share:.0%}"
            f" {rate:,.0f}/s ETA {eta:,.0f} s",
            ending="",
        )
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("")
