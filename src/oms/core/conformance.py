"""A registry of conformance suites: named runners that check OMS's rules against published cases.

Apps register their suites at start-up (``register("moj-crd", runner)``); the ``oms conformance``
command looks them up by name, so core never imports the apps that provide them.
A runner takes a path and returns a ``SuiteReport``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Mismatch:
    case: str
    item: str  # what was compared, e.g. a date type
    expected: str
    got: str


@dataclass(frozen=True)
class SuiteReport:
    matched: int
    total: int
    mismatches: tuple[Mismatch, ...] = field(default=())

    def summary(self) -> str:
        return f"matched {self.matched} of {self.total}"


Runner = Callable[[Path], SuiteReport]

_SUITES: dict[str, Runner] = {}


def register(name: str, runner: Runner) -> None:
    """Register (or replace) the runner for suite ``name``."""
    _SUITES[name] = runner


def get(name: str) -> Runner | None:
    return _SUITES.get(name)


def names() -> list[str]:
    return sorted(_SUITES)
