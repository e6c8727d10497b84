"""Plain factory functions for arranging incidents tests. They write rows directly (no audit); call
the service for the behaviour under test."""

from __future__ import annotations

import datetime as dt

from oms.core import clock
from oms.incidents.models import DisciplinaryCharge, Incident, IncidentType, OffenceParagraph

FIGHT_QUESTIONS = [
    {"code": "weapon_used", "label": "Was a weapon used?", "kind": "yes_no", "required": True},
    {
        "code": "weapon_kind",
        "label": "What kind of weapon?",
        "kind": "choice",
        "options": ["improvised", "bladed", "other"],
        "required": True,
        "shown_if": {"question": "weapon_used", "answers": ["yes"]},
    },
]


def make_incident_type(code: str = "fight", *, version: int = 1, **fields) -> IncidentType:
    values = {
        "title": code.replace("_", " ").capitalize(),
        "severity": IncidentType.Severity.MEDIUM,
        "questions": FIGHT_QUESTIONS if code == "fight" else [],
        "created_at": clock.now(),
        **fields,
    }
    return IncidentType.objects.create(code=code, version=version, **values)


def make_incident(site, user, *, incident_type: IncidentType | None = None, number: int = 1, **fields) -> Incident:
    values = {
        "occurred_at": clock.now() - dt.timedelta(hours=1),
        "description": "Two men fought on the landing at unlock.",
        "created_at": clock.now(),
        **fields,
    }
    return Incident.objects.create(
        reference=f"IR-{site.code}-{number:06d}",
        incident_type=incident_type or make_incident_type(),
        facility=site,
        reported_by=user,
        **values,
    )


def make_paragraph(code: str = "1", *, version: int = 1, title: str = "Commits any assault", **fields):
    values = {"effective_from": dt.date(2000, 1, 1), **fields}
    return OffenceParagraph.objects.create(code=code, version=version, title=title, **values)


def make_charge(person, site, user, *, paragraph: OffenceParagraph | None = None, number: int = 1, **fields):
    now = clock.now()
    values = {
        "offence_at": now - dt.timedelta(hours=2),
        "particulars": "Punched another prisoner on the landing.",
        "charged_at": now,
        "first_hearing_due_by": now + dt.timedelta(hours=48),
        **fields,
    }
    return DisciplinaryCharge.objects.create(
        reference=f"ADJ-{site.code}-{number:06d}",
        person=person,
        facility=site,
        paragraph=paragraph or make_paragraph(),
        charged_by=user,
        **values,
    )
