"""The timeline: what happened to a person, newest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oms.accounts.models import User
from oms.audit import queries as audit_queries
from oms.core.actor import Actor
from oms.people.models import Alert, CaseNote, Person
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


def _field_names(fields) -> str:
    return ", ".join(field.replace("_", " ") for field in fields)


def _audit_detail(event, alerts: dict[str, Alert], notes: dict[str, CaseNote]) -> str:
    """Say what an audited change was in words: the alert or readable note it concerns, the fields it
    changed, or the reason given. Creations list no fields: the title already says what happened."""
    alert = alerts.get(event.object_id) if event.object_type == "alert" else None
    note = notes.get(event.object_id) if event.object_type == "case_note" else None
    if alert is not None and event.action == "people.alert_closed":
        reason = f": {alert.closed_reason}" if alert.closed_reason else ""
        return f"{alert.get_type_display()}{reason}"
    if alert is not None:
        level = alert.get_level_display().lower()
        return f"{alert.get_type_display()} ({level}){': ' + alert.description if alert.description else ''}"
    if note is not None:
        return f"{note.get_type_display()}: {note.text}"
    if event.reason:
        return event.reason
    if event.changed_fields and not event.action.endswith(("_created", "_added")):
        return f"Changed: {_field_names(event.changed_fields)}"
    return ""


def timeline(actor: Actor, person: Person, *, limit: int = 100) -> list[TimelineEntry]:
    """What happened to the person, newest first: audited changes (reads left out), with the alerts
    and the case notes the actor may read told in words. An alert or note whose audit event has
    fallen outside the window (or that was loaded without one) is listed from its own record. A
    survivor's timeline includes the events of the records merged into it."""
    actor.require("people.view")
    merged_ids = list(Person.objects.filter(merged_into=person).values_list("pk", flat=True))
    events = audit_queries.events_for_person(actor, person.pk, merged_person_ids=merged_ids, limit=limit)
    notes = list_case_notes(actor, person, limit=limit)
    alerts = {str(a.public_id): a for a in person.alerts.all()}
    readable_notes = {str(n.public_id): n for n in notes}
    entries = [
        TimelineEntry(
            at=e.occurred_at,
            kind="audit",
            title=_describe_action(e.action),
            detail=_audit_detail(e, alerts, readable_notes),
            by=e.actor_username,
        )
        for e in events
    ]
    told = {e.object_id for e in events if e.action in ("people.alert_added", "people.case_note_added")}
    authors = {}
    author_ids = {n.author_id for n in notes if n.author_id and str(n.public_id) not in told}
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
        if str(n.public_id) not in told
    ]
    entries += [
        TimelineEntry(
            at=a.created_at,
            kind="alert",
            title=f"Alert: {a.get_type_display()} ({a.get_level_display().lower()})",
            detail=a.description if not a.closed_at else f"Closed: {a.closed_reason}",
        )
        for key, a in alerts.items()
        if key not in told
    ]
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]
