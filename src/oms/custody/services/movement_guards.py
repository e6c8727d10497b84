"""A registration hook for areas above custody that may forbid a movement (an emergency lockdown).

Custody cannot import the apps above it, so they register a guard here from their ``apps.py``
``ready()``. Custody's movement services call ``check_movement_guards`` before recording a movement
that takes someone out of, or within, the establishment; a guard refuses by raising a domain error
(e.g. ``Conflict`` with code ``custody.movement_blocked_by_emergency``), which stops the whole
recording (a batch is all or nothing). Returns into the establishment and back to the cell are never
guarded: they are what a lockdown wants.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PlannedMove:
    """One movement about to be recorded."""

    site_id: int
    person_id: int
    kind: str  # custody's Movement.Kind value: court, hospital, internal, transfer, escape...
    from_location_id: int | None  # where the person is now: their internal location, else their bed
    to_location_id: int | None = None  # the internal destination, when there is one


MovementGuard = Callable[[Sequence[PlannedMove]], None]
_guards: list[MovementGuard] = []


def register_movement_guard(guard: MovementGuard) -> None:
    """Register ``guard(moves)``; registering the same guard twice keeps one."""
    if guard not in _guards:
        _guards.append(guard)


def check_movement_guards(moves: Sequence[PlannedMove]) -> None:
    """Run every registered guard over ``moves``; the first refusal propagates."""
    if not moves:
        return
    for guard in list(_guards):
        guard(moves)


def bed_location_ids(episode_ids: Sequence[int]) -> dict[int, int]:
    """The bed of each episode with an open bed assignment, for guards that need the person's place."""
    from oms.custody.models import BedAssignment

    return dict(
        BedAssignment.objects.filter(episode_id__in=list(episode_ids), ended_at__isnull=True).values_list(
            "episode_id", "bed_id"
        )
    )
