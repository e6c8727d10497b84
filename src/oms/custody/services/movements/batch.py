"""Batch recording of a movement window: all or nothing, then written in bulk."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import F

from oms.audit.services import record_events_in_bulk
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import RuleViolation
from oms.core.events import Event, publish
from oms.core.models import OutboxMessage
from oms.custody import queries
from oms.custody.models import CustodyEpisode, Movement
from oms.custody.queries.movements import site_day_of
from oms.custody.rules import movements as rules
from oms.custody.services._common import count_in_progress
from oms.custody.services.movement_guards import PlannedMove, bed_location_ids, check_movement_guards
from oms.custody.services.movements._common import MOVEMENT_EVENT, PERMISSION, _text
from oms.custody.services.movements.batch_validation import BatchRejected, _Row, _validate_batch
from oms.custody.services.movements.keep_aparts import _already_away, _check_keep_aparts, _keep_apart_pairs
from oms.facilities.models import Site


@dataclass
class BatchResult:
    batch_id: uuid.UUID
    movements: list[Movement]
    during_uncleared_count: bool
    overridden_keep_aparts: list[dict] = field(default_factory=list)


def _batch_row_movement(
    actor: Actor, site: Site, row: _Row, *, batch_id, flagged: bool, now: dt.datetime, returns: dict
) -> Movement:
    episode = row.episode
    common = {
        "public_id": uuid.uuid4(),
        "episode_id": episode["pk"],
        "person_id": episode["person_id"],
        "site_id": site.pk,
        "status": Movement.Status.COMPLETED,
        "occurred_at": row.occurred_at,
        "escort": row.escort,
        "reason": row.reason,
        "batch_id": batch_id,
        "during_uncleared_count": flagged,
        "recorded_by_id": actor.user_id,
        "recorded_at": now,
    }
    if row.kind in rules.OUT_KINDS:
        return Movement(
            kind=row.kind,
            direction=Movement.Direction.OUT,
            destination=row.destination,
            from_location_id=episode["current_location_id"],
            **common,
        )
    if row.kind == "internal":
        return Movement(
            kind=Movement.Kind.INTERNAL,
            direction=Movement.Direction.INTERNAL,
            from_location_id=episode["current_location_id"],
            to_location_id=row.to_location_id,
            destination=row.destination,
            **common,
        )
    if row.back_from_internal:
        return Movement(
            kind=Movement.Kind.INTERNAL,
            direction=Movement.Direction.INTERNAL,
            from_location_id=episode["current_location_id"],
            return_of_id=returns.get(episode["pk"]),
            **common,
        )
    return Movement(
        kind=Movement.Kind.RETURN,
        direction=Movement.Direction.IN,
        return_of_id=returns.get(episode["pk"]),
        destination=row.destination,
        **common,
    )


def _returns_closed(rows: list[_Row]) -> dict[int, int]:
    """The movement each return row closes: the open out movement, or the internal move there."""
    out_ids = [r.episode["pk"] for r in rows if r.kind == "return" and not r.back_from_internal]
    internal_ids = [r.episode["pk"] for r in rows if r.back_from_internal]
    closes: dict[int, int] = {}
    if out_ids:
        for episode_id, movement_id in (
            Movement.objects.filter(
                episode_id__in=out_ids,
                direction=Movement.Direction.OUT,
                kind__in=rules.OUT_KINDS,
                status=Movement.Status.COMPLETED,
                returns__isnull=True,
            )
            .order_by("occurred_at", "pk")
            .values_list("episode_id", "pk")
        ):
            closes[episode_id] = movement_id
    if internal_ids:
        for episode_id, movement_id in (
            Movement.objects.filter(
                episode_id__in=internal_ids, direction=Movement.Direction.INTERNAL, to_location__isnull=False
            )
            .order_by("occurred_at", "pk")
            .values_list("episode_id", "pk")
        ):
            closes[episode_id] = movement_id  # the latest move to an internal location wins
    return closes


def record_movement_batch(actor: Actor, *, site_id, items: list[Mapping], override_reason: str = "") -> BatchResult:
    """Record a movement window: many people at once (unlock to work, the court run, everyone back).

    Each item names an episode (``episode_id`` public id or ``booking_number``) and a ``kind`` (court,
    hospital, temporary_release, escape, internal with ``to_location_id``, or return: back from out or
    from an internal location), plus ``destination``, ``escort``, ``reason`` and ``occurred_at``.

    All or nothing: every row is checked first and EVERY bad row is reported (``BatchRejected`` with
    row, field, code and reason); nothing is written if any row is bad, so a window is never half
    recorded. Keep-aparts among people sharing an escort or a court today are refused unless
    overridden (``custody.override_housing`` + reason). Then rows are written in bulk: the movements,
    one episode update per resulting state, one audit event per movement
    (``custody.movement_recorded``, same ``batch_id``) and one outbox message per movement. Movements
    are flagged ``during_uncleared_count`` when a count at the site is not cleared (checked once).
    ``custody.record_movement``."""
    site = queries.site_in_reach(actor, site_id, permission=PERMISSION)
    items = list(items)
    if not items:
        raise RuleViolation("Select at least one person", code="custody.empty_batch", field="items")
    if len(items) > 5000:
        raise RuleViolation("Record at most 5,000 movements at once", code="custody.batch_too_large", field="items")
    override_reason = _text(override_reason, "override_reason")
    rows, errors = _validate_batch(site, items)
    if errors:
        raise BatchRejected(errors)
    # Returns are never guarded (back in, back to the cell); everything else asks the guards first.
    leaving = [r for r in rows if r.kind in rules.OUT_KINDS or r.kind == "internal"]
    beds = bed_location_ids([r.episode["pk"] for r in leaving if not r.episode["current_location_id"]])
    check_movement_guards(
        [
            PlannedMove(
                site.pk,
                r.episode["person_id"],
                r.kind,
                r.episode["current_location_id"] or beds.get(r.episode["pk"]),
                r.to_location_id,
            )
            for r in leaving
        ]
    )

    travellers = [
        rules.Traveller(r.episode["person_id"], r.kind, r.escort, r.destination, site_day_of(site, r.occurred_at))
        for r in rows
    ]
    days = {t.day for t in travellers if t.kind in ("court", "hospital", "temporary_release")}
    batch_episode_ids = [r.episode["pk"] for r in rows]
    for day in sorted(days):
        travellers.extend(_already_away(site, day, batch_episode_ids))
    overridden = _check_keep_aparts(actor, _keep_apart_pairs(travellers), override_reason)

    now = clock.now()
    batch_id = uuid.uuid4()
    flagged = count_in_progress(site.pk)
    returns = _returns_closed(rows)
    movements = [
        _batch_row_movement(actor, site, r, batch_id=batch_id, flagged=flagged, now=now, returns=returns) for r in rows
    ]
    Movement.objects.bulk_create(movements, batch_size=1000)

    # One UPDATE per resulting episode state (a window usually has one or two), not one per person.
    states: dict[tuple[str, int | None, bool], list[int]] = {}
    for r in rows:
        if r.kind in rules.OUT_KINDS:
            state = (CustodyEpisode.InOut.OUT, None, True)
        elif r.kind == "internal":
            state = (CustodyEpisode.InOut.IN, r.to_location_id, True)
        elif r.back_from_internal:
            state = (CustodyEpisode.InOut.IN, None, True)
        else:
            state = (CustodyEpisode.InOut.IN, None, False)  # back from out: location was already cleared
        states.setdefault(state, []).append(r.episode["pk"])
    for (in_out, location_id, set_location), episode_ids in states.items():
        changes = {"in_out": in_out, "version": F("version") + 1, "updated_at": now}
        if set_location:
            changes["current_location_id"] = location_id
        CustodyEpisode.objects.filter(pk__in=episode_ids).update(**changes)

    details_common = {"batch_id": str(batch_id), "during_uncleared_count": flagged}
    record_events_in_bulk(
        actor,
        (
            {
                "action": MOVEMENT_EVENT,
                "object_type": "movement",
                "object_id": str(m.public_id),
                "subject_person_id": m.person_id,
                "site_id": site.pk,
                "changed_fields": ["in_out", "current_location"],
                "details": {"kind": m.kind, "direction": m.direction, **details_common}
                | ({"overridden_keep_aparts": overridden} if overridden else {}),
                "reason": override_reason,
            }
            for m in movements
        ),
    )
    outbox = []
    for r, m in zip(rows, movements, strict=True):
        body = {
            "person_id": str(r.episode["person__public_id"]),
            "episode_id": str(r.episode["public_id"]),
            "booking_number": r.episode["booking_number"],
            "site": site.code,
            "movement_id": str(m.public_id),
            "kind": m.kind,
            "direction": m.direction,
            "status": m.status,
            "occurred_at": m.occurred_at.isoformat(),
            "batch_id": str(batch_id),
        }
        outbox.append(
            OutboxMessage(
                name=MOVEMENT_EVENT, payload=body, person_public_id=r.episode["person__public_id"], site_code=site.code
            )
        )
        publish(actor, Event(MOVEMENT_EVENT, body))
    OutboxMessage.objects.bulk_create(outbox, batch_size=1000)
    return BatchResult(
        batch_id=batch_id, movements=movements, during_uncleared_count=flagged, overridden_keep_aparts=overridden
    )
