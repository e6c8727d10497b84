"""Transfers between establishments: sent (en route, bed freed) and received at the new site."""

from __future__ import annotations

import datetime as dt

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.custody.models import CustodyEpisode, Movement
from oms.custody.queries.movements import get_movement, site_day_of
from oms.custody.rules import movements as rules
from oms.custody.services._common import count_in_progress, emit, end_bed_assignment, new_movement
from oms.custody.services.movements._common import (
    PERMISSION,
    _audit_movement,
    _destination_site,
    _episode,
    _guard,
    _movement_payload,
    _occurred,
    _raise,
    _save_episode,
    _scheduled,
    _text,
)
from oms.custody.services.movements.keep_aparts import _already_away, _check_keep_aparts, _keep_apart_pairs
from oms.people.models import PersonSiteLink


def send_transfer(
    actor: Actor,
    *,
    episode_id,
    to_site_id,
    escort: str,
    reason: str = "",
    occurred_at: dt.datetime | None = None,
    scheduled_movement_id=None,
    override_reason: str = "",
) -> Movement:
    """Send someone to another establishment: the movement goes en route, the episode's status is
    TRANSFER and their bed is freed (they will not come back to it). The escort is required. Keep-aparts
    with others on the same escort today are checked. ``custody.record_movement``; audited as
    ``custody.transfer_sent``."""
    episode = _episode(actor, episode_id)
    scheduled = _scheduled(episode, scheduled_movement_id, Movement.Kind.TRANSFER)
    _raise(
        rules.can_go_out(
            status=episode.status, in_out=episode.in_out, at_internal_location=episode.current_location_id is not None
        )
    )
    to_site = _destination_site(episode, to_site_id or (scheduled.to_site.public_id if scheduled else None))
    escort = _text(
        escort or (scheduled.escort if scheduled else ""), "escort", required="Enter who is escorting the person"
    )
    reason = _text(reason or (scheduled.reason if scheduled else ""), "reason")
    override_reason = _text(override_reason, "override_reason")
    occurred_at = _occurred(occurred_at)
    _guard(episode, Movement.Kind.TRANSFER)
    day = site_day_of(episode.site, occurred_at)
    travellers = [
        rules.Traveller(episode.person_id, "transfer", escort, to_site.name, day),
        *_already_away(episode.site, day, [episode.pk]),
        *[
            rules.Traveller(p, "transfer", e, "", day, new=False)
            for p, e in Movement.objects.filter(
                site_id=episode.site_id, kind=Movement.Kind.TRANSFER, status=Movement.Status.EN_ROUTE
            )
            .exclude(episode=episode)
            .values_list("person_id", "escort")
        ],
    ]
    overridden = _check_keep_aparts(actor, _keep_apart_pairs(travellers), override_reason)
    if scheduled is not None:
        movement = scheduled
        movement.status = Movement.Status.EN_ROUTE
        movement.occurred_at = occurred_at
        movement.to_site, movement.escort, movement.reason = to_site, escort, reason
        movement.from_location = episode.current_location
        movement.during_uncleared_count = count_in_progress(episode.site_id)
        movement.recorded_by_id = actor.user_id
        movement.recorded_at = clock.now()
        movement.save()
    else:
        movement = new_movement(
            actor,
            episode,
            kind=Movement.Kind.TRANSFER,
            direction=Movement.Direction.OUT,
            status=Movement.Status.EN_ROUTE,
            occurred_at=occurred_at,
            to_site=to_site,
            escort=escort,
            reason=reason,
            from_location=episode.current_location,
        )
    freed = end_bed_assignment(actor, episode, at=occurred_at)
    episode.in_out = CustodyEpisode.InOut.TRANSFER
    episode.current_location = None
    _save_episode(episode, ["in_out", "current_location"])
    _audit_movement(
        actor,
        "custody.transfer_sent",
        movement,
        episode,
        changed_fields=["in_out", "current_location", *(["bed"] if freed else [])],
        reason=override_reason,
        details={"to_site": to_site.code, **({"overridden_keep_aparts": overridden} if overridden else {})},
    )
    emit(actor, "custody.transfer_sent", episode, **_movement_payload(movement), to_site=to_site.code)
    return movement


def receive_transfer(actor: Actor, *, movement_id, occurred_at: dt.datetime | None = None) -> Movement:
    """Receive a transferred person at the establishment they were sent to (staff of that site, with
    ``custody.record_movement``). The transfer completes; a transfer IN is recorded at the new site;
    the episode moves there, IN and in reception (to be housed); the custody site link closes at the
    old site and opens at the new. Audited as ``custody.person_transferred``; the domain event
    ``custody.person_transferred`` goes to the outbox."""
    actor.require(PERMISSION)
    sent = get_movement(actor, movement_id, permission=PERMISSION, for_update=True)
    if sent.to_site_id is None or not actor.can_reach_site(sent.to_site_id, sent.to_site.organisation_id):
        # The sending site sees its transfer but only the receiving site can receive it.
        raise NotFound("Transfer not found.", code="custody.movement_not_found")
    _raise(rules.can_receive_transfer(movement_kind=sent.kind, movement_status=sent.status))
    episode = CustodyEpisode.objects.select_for_update().select_related("person", "site").get(pk=sent.episode_id)
    if episode.status != CustodyEpisode.Status.ACTIVE or episode.in_out != CustodyEpisode.InOut.TRANSFER:
        raise Conflict("This person is not en route.", code="custody.not_en_route", field="movement")
    occurred_at = _occurred(occurred_at)
    if sent.occurred_at and occurred_at < sent.occurred_at:
        raise RuleViolation(
            "The person cannot arrive before they were sent",
            code="custody.arrival_before_departure",
            field="occurred_at",
        )
    from_site = episode.site
    sent.status = Movement.Status.COMPLETED
    sent.save(update_fields=["status"])

    today = clock.today()
    PersonSiteLink.objects.filter(
        person_id=episode.person_id, site=from_site, kind=PersonSiteLink.Kind.CUSTODY, ended_on__isnull=True
    ).update(ended_on=today)
    PersonSiteLink.objects.get_or_create(
        person_id=episode.person_id,
        site=sent.to_site,
        kind=PersonSiteLink.Kind.CUSTODY,
        ended_on=None,
        defaults={"started_on": today},
    )
    episode.site = sent.to_site
    episode.in_out = CustodyEpisode.InOut.IN
    episode.in_reception = True
    episode.current_location = None
    _save_episode(episode, ["site", "in_out", "in_reception", "current_location"])
    arrived = new_movement(
        actor,
        episode,
        kind=Movement.Kind.TRANSFER,
        direction=Movement.Direction.IN,
        occurred_at=occurred_at,
        return_of=sent,
        destination=from_site.name,
        escort=sent.escort,
        reason=sent.reason,
    )
    record_event(
        actor,
        "custody.person_transferred",
        object_type="custody_episode",
        object_id=episode.public_id,
        subject_person_id=episode.person_id,
        site_id=episode.site_id,
        changed_fields=["site", "in_out", "in_reception", "site_links"],
        details={"from_site": from_site.code, "to_site": episode.site.code, "movement": str(sent.public_id)},
    )
    emit(
        actor,
        "custody.person_transferred",
        episode,
        from_site=from_site.code,
        to_site=episode.site.code,
        movement_id=str(sent.public_id),
        received_at=occurred_at.isoformat(),
    )
    return arrived
