"""Checking a movement window before anything is written: every bad row is reported, by row and field."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import connection

from oms.core import clock
from oms.core.errors import RuleViolation
from oms.custody.models import CustodyEpisode
from oms.custody.rules import movements as rules
from oms.custody.services.movements._common import FUTURE_TOLERANCE, TEXT_LIMITS
from oms.facilities.models import Location, Site


@dataclass(frozen=True)
class RowError:
    row: int  # 0-based index of the item in the batch
    field: str
    code: str
    detail: str


class BatchRejected(RuleViolation):
    """Some rows of the batch are wrong; nothing was recorded."""

    code = "custody.batch_rejected"

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the batch; nothing was recorded.", field="items")


@dataclass
class _Row:
    index: int
    episode: dict
    kind: str
    destination: str
    escort: str
    reason: str
    occurred_at: dt.datetime
    to_location_id: int | None = None
    return_of_id: int | None = None
    back_from_internal: bool = False


_EPISODE_COLUMNS = (
    "pk",
    "public_id",
    "booking_number",
    "status",
    "in_out",
    "current_location_id",
    "person_id",
    "person__public_id",
    "person__system_number",
)


def _batch_episodes(site: Site, items: list[Mapping]) -> tuple[dict, dict]:
    """The site's episodes named by the items (by public id or booking number), locked, as dicts."""
    by_public: dict[str, dict] = {}
    by_booking: dict[str, dict] = {}
    public_ids, bookings = set(), set()
    for item in items:
        if item.get("episode_id"):
            try:
                public_ids.add(uuid.UUID(str(item["episode_id"])))
            except ValueError:
                pass
        elif item.get("booking_number"):
            bookings.add(str(item["booking_number"]).strip().upper())
    rows = CustodyEpisode.objects.filter(site=site)
    if connection.vendor == "postgresql":
        rows = rows.select_for_update(of=("self",))
    if public_ids:
        for row in rows.filter(public_id__in=public_ids).values(*_EPISODE_COLUMNS):
            by_public[str(row["public_id"])] = row
    if bookings:
        for row in rows.filter(booking_number__in=bookings).values(*_EPISODE_COLUMNS):
            by_booking[row["booking_number"].upper()] = row
    return by_public, by_booking


def _validate_batch(site: Site, items: list[Mapping]) -> tuple[list[_Row], list[RowError]]:
    errors: list[RowError] = []
    rows: list[_Row] = []
    by_public, by_booking = _batch_episodes(site, items)
    location_ids = set()
    for item in items:
        if item.get("to_location_id"):
            try:
                location_ids.add(uuid.UUID(str(item["to_location_id"])))
            except ValueError:
                pass
    locations = {
        str(loc["public_id"]): loc
        for loc in Location.objects.filter(site=site, public_id__in=location_ids).values(
            "pk", "public_id", "residential", "active", "key"
        )
    }
    seen: dict[int, int] = {}
    now = clock.now()
    for index, item in enumerate(items):
        row_errors: list[RowError] = []

        def bad(field_name: str, code: str, detail: str) -> None:
            row_errors.append(RowError(index, field_name, code, detail))  # noqa: B023 (used in this iteration)

        if item.get("episode_id"):
            episode = by_public.get(str(item["episode_id"]).strip().lower())
        else:
            episode = by_booking.get(str(item.get("booking_number") or "").strip().upper())
        if episode is None:
            bad("episode", "custody.episode_not_found", "No one with that record is in custody here")
        kind = str(item.get("kind") or "").strip()
        if kind not in rules.BATCH_KINDS:
            bad(
                "kind",
                "custody.invalid_kind",
                "Kind must be court, hospital, temporary_release, escape, internal or return",
            )
        texts = {}
        for name in ("destination", "escort", "reason"):
            value = " ".join(str(item.get(name) or "").split())
            if len(value) > TEXT_LIMITS[name]:
                bad(name, "custody.too_long", f"{name.capitalize()} must be {TEXT_LIMITS[name]} characters or less")
            texts[name] = value
        occurred_at = item.get("occurred_at") or now
        if isinstance(occurred_at, str):
            try:
                occurred_at = dt.datetime.fromisoformat(occurred_at)
            except ValueError:
                occurred_at = None
                bad("occurred_at", "custody.invalid_time", "Time must be like 2026-05-01T09:30:00+00:00")
        if isinstance(occurred_at, dt.datetime):
            if occurred_at.tzinfo is None:
                bad("occurred_at", "custody.naive_time", "Give the time with its time zone")
            elif occurred_at > now + FUTURE_TOLERANCE:
                bad("occurred_at", "custody.future_time", "The time it happened cannot be in the future")
        location = None
        if kind == "internal":
            location = locations.get(str(item.get("to_location_id") or "").strip().lower())
            if location is None or location["residential"]:
                bad("to_location", "custody.unknown_location", "Select a place inside this establishment (not a cell)")
            elif not location["active"]:
                bad("to_location", "custody.location_closed", f"{location['key']} is closed")
        if kind in rules.OUT_KINDS and kind != "escape" and not texts["destination"]:
            bad("destination", "custody.required", "Enter where the person is going")
        if kind in rules.ESCORTED_KINDS and not texts["escort"]:
            bad("escort", "custody.required", "Enter who is escorting the person")
        back_from_internal = False
        if episode is not None and episode["pk"] in seen:
            bad("episode", "custody.duplicate_row", f"The same person is already on row {seen[episode['pk']] + 1}")
        elif episode is not None and kind in rules.BATCH_KINDS:
            seen[episode["pk"]] = index
            at_internal = episode["current_location_id"] is not None
            if kind in rules.OUT_KINDS:
                blocker = rules.can_go_out(
                    status=episode["status"], in_out=episode["in_out"], at_internal_location=at_internal
                )
            elif kind == "internal":
                blocker = rules.can_move_internally(status=episode["status"], in_out=episode["in_out"])
                if blocker is None and location is not None and episode["current_location_id"] == location["pk"]:
                    blocker = rules.Blocker("custody.already_there", "to_location", "The person is already there")
            elif episode["in_out"] == CustodyEpisode.InOut.IN and episode["status"] == "active":
                # "return" in a window means back to the cell: from outside, or from a place inside.
                blocker = (
                    None
                    if at_internal
                    else rules.Blocker("custody.not_out", "episode", "This person is neither out nor at a place inside")
                )
                back_from_internal = True
            else:
                blocker = rules.can_return(status=episode["status"], in_out=episode["in_out"])
            if blocker is not None:
                bad(blocker.field, blocker.code, blocker.detail)
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(
            _Row(
                index=index,
                episode=episode,
                kind=kind,
                occurred_at=occurred_at,
                to_location_id=location["pk"] if location else None,
                back_from_internal=back_from_internal,
                **texts,
            )
        )
    return rows, errors
