"""Keeping the release date of an open custody episode in step with sentencing.

Sentencing sits below custody and tells it about new key dates through events (handled in the same
transaction as the calculation or override): ``sentencing.release_dates_calculated``, the override
events, and ``sentencing.release_dates_calculated_in_bulk`` from bulk recalculation. The date stored on
the episode is always sentencing's key release date (latest calculation with an active override of
that date type applied), read through ``oms.sentencing.queries.calculations`` so there is one answer.
"""

from __future__ import annotations

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.events import Event
from oms.custody.models import CustodyEpisode
from oms.people.models import Person
from oms.sentencing.queries.calculations import key_release_dates

BATCH = 1_000


def _changed_episodes(person_ids) -> list[CustodyEpisode]:
    keys = key_release_dates(person_ids)
    episodes = CustodyEpisode.objects.filter(person_id__in=list(keys), status=CustodyEpisode.Status.ACTIVE).only(
        "pk", "public_id", "person_id", "site_id", "release_due_on"
    )
    changed = []
    for episode in episodes:
        due, _ = keys[episode.person_id]
        if episode.release_due_on != due:
            episode.previous_release_due_on = episode.release_due_on
            episode.release_due_on = due
            episode.updated_at = clock.now()
            changed.append(episode)
    return changed


def update_release_date(actor: Actor, event: Event) -> None:
    """One person's key dates changed: set their open episode's release date. Audited as
    ``custody.release_date_updated`` when it changes (the actor is whoever changed the dates)."""
    person_pk = Person.objects.filter(public_id=event.payload["person_id"]).values_list("pk", flat=True).first()
    if person_pk is None:
        return
    for episode in _changed_episodes([person_pk]):
        episode.save(update_fields=["release_due_on", "updated_at"])
        record_event(
            actor,
            "custody.release_date_updated",
            object_type="custody_episode",
            object_id=str(episode.public_id),
            subject_person_id=person_pk,
            site_id=episode.site_id,
            changed_fields=["release_due_on"],
            details={
                "before": episode.previous_release_due_on.isoformat() if episode.previous_release_due_on else None,
                "after": episode.release_due_on.isoformat() if episode.release_due_on else None,
                "because": event.name,
            },
        )


def update_release_dates_in_bulk(actor: Actor, event: Event) -> None:
    """Many people's key dates changed (bulk recalculation): one bulk update of their open episodes and
    one summary audit event for the batch."""
    changed = _changed_episodes(event.payload["person_ids"])
    if not changed:
        return
    CustodyEpisode.objects.bulk_update(changed, ["release_due_on", "updated_at"], batch_size=BATCH)
    record_event(
        actor,
        "custody.release_dates_updated_in_bulk",
        object_type="custody_episode",
        changed_fields=["release_due_on"],
        details={"episodes": len(changed), "because": event.name},
    )
