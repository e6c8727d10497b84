"""Emergency response rules: pure functions (no Django, no I/O)."""

from __future__ import annotations

from collections.abc import Iterable

KINDS = ("lockdown", "evacuation", "escape", "medical", "fire")
ROLL_MARKS = ("accounted", "missing", "found")  # "found" = accounted for somewhere else, with where

# Movements a lockdown does not stop: recording an escape records a fact that already happened; returns
# and going back to the cell are never asked (custody does not guard them).
UNBLOCKABLE_KINDS = frozenset({"escape"})


def in_scope(location_path: str | None, scope_paths: Iterable[str]) -> bool:
    """Whether a location (by its materialised path "/1/5/9/") lies in an emergency's scope.

    An empty scope is the whole facility: everyone there is in scope, housed or not. Otherwise the
    location must be one of the scope's locations or under one of them."""
    scope_paths = list(scope_paths)
    if not scope_paths:
        return True
    if not location_path:
        return False
    return any(location_path.startswith(path) for path in scope_paths)


def same_scope(a: Iterable[int], b: Iterable[int]) -> bool:
    return set(a) == set(b)


def mark_status(mark: str) -> str:
    """The roll entry status a mark leaves: found counts as accounted for (with where)."""
    return "accounted" if mark in ("accounted", "found") else "missing"
