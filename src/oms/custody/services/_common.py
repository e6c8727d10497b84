"""Primitives shared by the custody services: the domain event and outbox write, recording a movement
row, ending a bed assignment. Kept here so reception, release, housing and movements change an
episode's state one way."""

from __future__ import annotations

import datetime as dt

from oms.core import clock, outbox
from oms.core.actor import Actor
from oms.core.events import Event, publish
from oms.custody.models import BedAssignment, Count, CustodyEpisode, Movement


def emit(actor: Actor, name: str, episode: CustodyEpisode, **payload) -> None:
    """Publish ``name`` in-process and write it to the outbox, in the caller's transaction.

    The payload carries public ids and codes only: no names or dates of birth leave through the outbox
    (partners look the person up under their own sharing agreement)."""
    body = {
        "person_id": str(episode.person.public_id),
        "episode_id": str(episode.public_id),
        "booking_number": episode.booking_number,
        "site": episode.site.code,
        **payload,
    }
    outbox.write(name, body, person_public_id=episode.person.public_id, site_code=episode.site.code)
    publish(actor, Event(name, body))


def count_in_progress(site_id: int) -> bool:
    return Count.objects.filter(site_id=site_id, status=Count.Status.IN_PROGRESS).exists()


def new_movement(
    actor: Actor,
    episode: CustodyEpisode,
    *,
    kind: str,
    direction: str,
    status: str = Movement.Status.COMPLETED,
    occurred_at: dt.datetime | None = None,
    scheduled_at: dt.datetime | None = None,
    uncleared_count: bool | None = None,
    **fields,
) -> Movement:
    """Create one movement row at the episode's site. A completed movement defaults to now; it is
    flagged when a formal count at the site is not cleared (pass ``uncleared_count`` when the caller
    already knows, as a batch does)."""
    now = clock.now()
    if status == Movement.Status.COMPLETED and occurred_at is None:
        occurred_at = now
    if uncleared_count is None:
        uncleared_count = status != Movement.Status.SCHEDULED and count_in_progress(episode.site_id)
    return Movement.objects.create(
        episode=episode,
        person_id=episode.person_id,
        site_id=episode.site_id,
        kind=kind,
        direction=direction,
        status=status,
        occurred_at=occurred_at,
        scheduled_at=scheduled_at,
        during_uncleared_count=uncleared_count,
        recorded_by_id=actor.user_id,
        recorded_at=now,
        **fields,
    )


def end_bed_assignment(actor: Actor, episode: CustodyEpisode, at: dt.datetime | None = None) -> BedAssignment | None:
    """Free the episode's bed (release, transfer out, death). Returns the ended assignment, if any."""
    assignment = BedAssignment.objects.select_for_update().filter(episode=episode, ended_at__isnull=True).first()
    if assignment is None:
        return None
    assignment.ended_at = at or clock.now()
    assignment.ended_by_id = actor.user_id
    assignment.save(update_fields=["ended_at", "ended_by"])
    return assignment
