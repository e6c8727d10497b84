"""Keeping the release date of an open custody episode in step with sentencing.

Sentencing sits below custody and tells it about new key dates through events (handled in the same
transaction as the calculation or override): ``sentencing.release_dates_calculated``, the override
events, and ``sentencing.release_dates_calculated_in_bulk`` from bulk recalculation. The date stored on
the episode is always sentencing's key release date (latest calculation with an active override of
that date type applied), read through ``oms.sentencing.queries.calculations`` so there is one answer.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

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


def _set_release_dates(rows: list[tuple[int, dt.date | None]]) -> None:
    """One UPDATE ... FROM (VALUES ...) for many episodes, each with its own date (PostgreSQL, and SQLite
    3.33+). Django's ``bulk_update`` builds a CASE with one branch per row, several times slower (B6)."""
    table = connection.ops.quote_name(CustodyEpisode._meta.db_table)
    if connection.vendor == "postgresql":
        values = ", ".join("(%s::bigint, %s::date)" for _ in rows)
        joined = f"(VALUES {values}) AS changed(id, due)"
        due, key = "changed.due", "changed.id"
    else:
        values = ", ".join("(%s, %s)" for _ in rows)
        joined = f"(VALUES {values}) AS changed"
        due, key = "changed.column2", "changed.column1"
    params: list = [value for pk, day in rows for value in (pk, day)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET release_due_on = {due}, updated_at = %s"  # noqa: S608 - names from the model
            f" FROM {joined} WHERE {table}.id = {key}",
            [clock.now(), *params],
        )


def update_release_dates_in_bulk(actor: Actor, event: Event) -> None:
    """Many people's key dates changed (bulk recalculation): one bulk update of their open episodes and
    one summary audit event for the batch."""
    changed = _changed_episodes(event.payload["person_ids"])
    if not changed:
        return
    for start in range(0, len(changed), BATCH):
        _set_release_dates([(e.pk, e.release_due_on) for e in changed[start : start + BATCH]])
    record_event(
        actor,
        "custody.release_dates_updated_in_bulk",
        object_type="custody_episode",
        changed_fields=["release_due_on"],
        details={"episodes": len(changed), "because": event.name},
    )
