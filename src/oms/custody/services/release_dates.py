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
from oms.sentencing.queries.calculations import key_release_dates, people_filter

BATCH = 1_000


def _changed_episodes(person_ids) -> list[tuple[int, str, int, int, dt.date | None, dt.date | None]]:
    """(episode pk, public id, person pk, site pk, recorded date, key date) of each open episode whose
    recorded release date differs from the person's key release date."""
    keys = key_release_dates(person_ids)
    if not keys:
        return []
    episodes = CustodyEpisode.objects.filter(
        status=CustodyEpisode.Status.ACTIVE, **people_filter(set(keys))
    ).values_list("pk", "public_id", "person_id", "site_id", "release_due_on")
    return [
        (pk, public_id, person_id, site_id, recorded, keys[person_id][0])
        for pk, public_id, person_id, site_id, recorded in episodes
        if person_id in keys and recorded != keys[person_id][0]
    ]


def update_release_date(actor: Actor, event: Event) -> None:
    """One person's key dates changed: set their open episode's release date. Audited as
    ``custody.release_date_updated`` when it changes (the actor is whoever changed the dates)."""
    person_pk = Person.objects.filter(public_id=event.payload["person_id"]).values_list("pk", flat=True).first()
    if person_pk is None:
        return
    for pk, public_id, _, site_id, before, after in _changed_episodes([person_pk]):
        CustodyEpisode.objects.filter(pk=pk).update(release_due_on=after, updated_at=clock.now())
        record_event(
            actor,
            "custody.release_date_updated",
            object_type="custody_episode",
            object_id=str(public_id),
            subject_person_id=person_pk,
            site_id=site_id,
            changed_fields=["release_due_on"],
            details={
                "before": before.isoformat() if before else None,
                "after": after.isoformat() if after else None,
                "because": event.name,
            },
        )


def _set_release_dates(rows: list[tuple[int, dt.date | None]]) -> None:
    """One UPDATE ... FROM for many episodes, each with its own date. Django's ``bulk_update`` builds a
    CASE with one branch per row, several times slower here (B6). PostgreSQL gets two arrays (a short
    statement however many rows); SQLite (3.33+) a VALUES list."""
    table = connection.ops.quote_name(CustodyEpisode._meta.db_table)
    if connection.vendor == "postgresql":
        joined = "(SELECT unnest(%s::bigint[]) AS id, unnest(%s::date[]) AS due) AS changed"
        due, key = "changed.due", "changed.id"
        params: list = [[pk for pk, _ in rows], [day for _, day in rows]]
    else:
        joined = f"(VALUES {', '.join('(%s, %s)' for _ in rows)}) AS changed"
        due, key = "changed.column2", "changed.column1"
        params = [value for pk, day in rows for value in (pk, day)]
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
        _set_release_dates([(row[0], row[5]) for row in changed[start : start + BATCH]])
    record_event(
        actor,
        "custody.release_dates_updated_in_bulk",
        object_type="custody_episode",
        changed_fields=["release_due_on"],
        details={"episodes": len(changed), "because": event.name},
    )
