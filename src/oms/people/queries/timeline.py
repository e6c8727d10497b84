"""The timeline: what happened to a person, newest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oms.accounts.models import User
from oms.audit import queries as audit_queries
from oms.core.actor import Actor
from oms.people.models import Person
from oms.people.queries.records import list_case_notes

# --- timeline ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    kind: str  # "audit", "case_note", "alert"
    title: str
    detail: str = ""
    by: str = ""


def _describe_action(action: str) -> str:
    verb = action.split(".", 1)[-1].replace("_", " ")
    return verb[:1].upper() + verb[1:]


def timeline(actor: Actor, person: Person, *, limit: int = 100) -> list[TimelineEntry]:
    """What happened to the person, newest first: audited changes (reads left out), readable case
    notes and alerts. A survivor's timeline includes the events of the records merged into it."""
    actor.require("people.view")
    merged_ids = list(Person.objects.filter(merged_into=person).values_list("pk", flat=True))
    events = audit_queries.events_for_person(actor, person.pk, merged_person_ids=merged_ids, limit=limit)
    entries = [
        TimelineEntry(
            at=e.occurred_at,
            kind="audit",
            title=_describe_action(e.action),
            detail=", ".join(e.changed_fields) if e.changed_fields else e.reason,
            by=e.actor_username,
        )
        for e in events
    ]
    authors = {}
    notes = list_case_notes(actor, person, limit=limit)
    author_ids = {n.author_id for n in notes if n.author_id}
    if author_ids:
        authors = dict(User.objects.filter(pk__in=author_ids).values_list("pk", "username"))
    entries += [
        TimelineEntry(
            at=n.created_at,
            kind="case_note",
            title=f"{n.get_type_display()} case note",
            detail=n.text,
            by=authors.get(n.author_id, ""),
        )
        for n in notes
    ]
    entries += [
        TimelineEntry(
            at=a.created_at,
            kind="alert",
            title=f"Alert: {a.get_type_display()} ({a.get_level_display().lower()})",
            detail=a.description if not a.closed_at else f"Closed: {a.closed_reason}",
        )
        for a in person.alerts.all()
    ]
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]
