"""Movement and observation rules: pure functions over plain values (no ORM, no I/O).

The movement state machine is expressed over the episode's ``status`` and ``in_out`` (and whether it is
at an internal location), so the single services, the batch and the pages all ask the same question and
get the same error code and wording.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

# Kinds that take a person out of the establishment and back (a transfer, release and death have their
# own services: they move or close the episode).
OUT_KINDS = ("court", "hospital", "temporary_release", "escape")
# Out kinds where somebody must be named as responsible while the person is away.
ESCORTED_KINDS = ("court", "hospital")
# What a batch row may record in one movement window.
BATCH_KINDS = (*OUT_KINDS, "internal", "return")

MIN_INTERVAL_MINUTES = 5
MAX_INTERVAL_MINUTES = 240


@dataclass(frozen=True)
class Blocker:
    """Why a movement cannot be recorded: a stable code, the field it concerns and a sentence."""

    code: str
    field: str
    detail: str


def direction_of(kind: str) -> str:
    """The direction a movement of ``kind`` goes: out of the walls, in, or inside."""
    if kind == "internal":
        return "internal"
    if kind in ("return", "admission"):
        return "in"
    return "out"


def must_be_active(status: str) -> Blocker | None:
    """Only an open custody episode moves: released, died or otherwise closed records do not."""
    if status != "active":
        return Blocker(
            "custody.episode_not_active",
            "episode",
            "This custody record is closed (released or otherwise ended): no movement can be recorded.",
        )
    return None


def can_go_out(*, status: str, in_out: str, at_internal_location: bool) -> Blocker | None:
    """Someone may leave the establishment (court, hospital, temporary release, escape, transfer) only
    when active and inside: not already out and not en route to another site. Someone at an internal
    location (workshop, visits) may go straight out; the internal stay ends with it."""
    if blocker := must_be_active(status):
        return blocker
    if in_out == "out":
        return Blocker("custody.already_out", "episode", "This person is already out of the establishment.")
    if in_out == "transfer":
        return Blocker("custody.en_route", "episode", "This person is en route to another establishment.")
    return None


def can_return(*, status: str, in_out: str) -> Blocker | None:
    """Only someone recorded as out can be recorded as back."""
    if blocker := must_be_active(status):
        return blocker
    if in_out != "out":
        return Blocker("custody.not_out", "episode", "This person is not recorded as out, so cannot return.")
    return None


def can_move_internally(*, status: str, in_out: str) -> Blocker | None:
    """Internal moves are for people inside the walls."""
    if blocker := must_be_active(status):
        return blocker
    if in_out != "in":
        return Blocker("custody.not_in", "episode", "This person is not inside the establishment.")
    return None


def can_come_back_inside(*, status: str, in_out: str, at_internal_location: bool) -> Blocker | None:
    """Back from an internal location (to their cell): only someone at one."""
    if blocker := can_move_internally(status=status, in_out=in_out):
        return blocker
    if not at_internal_location:
        return Blocker("custody.not_at_internal_location", "episode", "This person is not at an internal location.")
    return None


def can_receive_transfer(*, movement_kind: str, movement_status: str) -> Blocker | None:
    if movement_kind != "transfer":
        return Blocker("custody.not_a_transfer", "movement", "This movement is not a transfer.")
    if movement_status != "en_route":
        return Blocker("custody.transfer_not_en_route", "movement", "This transfer is not en route.")
    return None


def validate_interval(minutes: int | None) -> str | None:
    """Observation intervals between 5 minutes and 4 hours: shorter is constant watch (a person, not
    a timer), longer is not a watch."""
    if minutes is None:
        return "Enter how often the person must be checked, in minutes"
    if not MIN_INTERVAL_MINUTES <= minutes <= MAX_INTERVAL_MINUTES:
        return f"Check interval must be between {MIN_INTERVAL_MINUTES} and {MAX_INTERVAL_MINUTES} minutes"
    return None


def late_by_minutes(next_due_at: dt.datetime, checked_at: dt.datetime) -> int:
    """Whole minutes a check came after it was due (0 when on time or early)."""
    late = (checked_at - next_due_at).total_seconds()
    return int(late // 60) if late > 0 else 0


def next_due_after(checked_at: dt.datetime, interval_minutes: int) -> dt.datetime:
    """The next check falls one interval after this one (not after the missed due time): a late check
    restarts the clock from when the person was actually seen."""
    return checked_at + dt.timedelta(minutes=interval_minutes)


# --- travelling together: keep-aparts in transport and court holding ---------------------------------


@dataclass(frozen=True)
class Traveller:
    """One person leaving (or already away), with what puts them together with others."""

    person_id: int
    kind: str
    escort: str
    destination: str
    day: dt.date
    new: bool = True  # being recorded now (False: already out, shown for court holding and escorts)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _together_keys(t: Traveller) -> list[tuple[str, str, dt.date]]:
    if t.kind in ("escape", "internal", "return"):
        return []  # nobody travels with an escaper; internal moves are checked by activities and visits
    keys = []
    if t.escort.strip():
        keys.append(("escort", _norm(t.escort), t.day))
    if t.kind == "court" and t.destination.strip():
        keys.append(("court", _norm(t.destination), t.day))
    return keys


def together(travellers: Iterable[Traveller], pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """Which of ``pairs`` (people who must be kept apart) would be together, each with why: the same
    escort (one vehicle) on one day, or the same court on one day (court holding cells). Only pairs with
    at least one person being recorded now count (a pair already away was checked when recorded).
    Linear in travellers plus pairs, so a window of a thousand people on one escort stays cheap."""
    seen: dict[int, dict[tuple[str, str, dt.date], Traveller]] = {}
    for t in travellers:
        for key in _together_keys(t):
            mine = seen.setdefault(t.person_id, {})
            if key not in mine or t.new:
                mine[key] = t
    reasons: dict[tuple[int, int], str] = {}
    for a_id, b_id in pairs:
        a_keys, b_keys = seen.get(a_id, {}), seen.get(b_id, {})
        for key in sorted(set(a_keys) & set(b_keys)):
            a, b = a_keys[key], b_keys[key]
            if not (a.new or b.new):
                continue
            what, _norm_key, day = key
            if what == "escort":
                why = f"same escort ({a.escort.strip()}) on {day:%d %B %Y}"
            else:
                why = f"same court ({a.destination.strip()}) on {day:%d %B %Y}: court holding"
            reasons[(min(a_id, b_id), max(a_id, b_id))] = why
            break
    return reasons
