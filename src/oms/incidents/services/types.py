"""Incident types as versioned configuration: a definition (JSON) is validated by ``rules.questions``
and stored as a new version only when it differs from the latest; versions are never changed or
deleted, so every report stays readable against the questions it was answered with.

``import_incident_types`` needs ``incidents.manage_types`` and writes one audit event per new version
(``incidents.type_version_added``). The shipped definitions live in ``oms/incidents/incident_types/``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import RuleViolation
from oms.incidents.models import IncidentType
from oms.incidents.rules import questions as rules

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "incident_types"
MAX_DEFINITION_BYTES = 1_000_000
COMPARED = ("title", "description", "severity", "notify_immediately", "questions")


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)  # "code v2"
    unchanged: list[str] = field(default_factory=list)


def read_definitions(path: Path) -> list[dict]:
    """The definitions in a JSON file (one object or a list) or in every ``*.json`` of a directory."""
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    if not files:
        raise RuleViolation("No .json definitions found", code="incidents.no_definitions", field="path")
    definitions: list[dict] = []
    for file in files:
        if not file.is_file():
            raise RuleViolation(f"No such file: {file}", code="incidents.no_definitions", field="path")
        if file.stat().st_size > MAX_DEFINITION_BYTES:
            raise RuleViolation(f"{file.name} is too large", code="incidents.definition_too_large", field="path")
        try:
            content = json.loads(file.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise RuleViolation(
                f"{file.name} is not valid JSON: {error}", code="incidents.invalid_json", field="path"
            ) from None
        definitions.extend(content if isinstance(content, list) else [content])
    return definitions


def import_incident_types(actor: Actor, definitions: list[dict], *, dry_run: bool = False) -> ImportReport:
    """Validate every definition first (all or nothing), then add a version for each one that differs
    from its latest version. An identical definition is a no-op; a type's versions are never removed."""
    actor.require("incidents.manage_types")
    codes = [d.get("code") if isinstance(d, dict) else None for d in definitions]
    for index, definition in enumerate(definitions):
        if problems := rules.validate_definition(definition):
            where, message = problems[0]
            raise RuleViolation(
                f"Definition {index + 1} ({codes[index]}): {where}: {message}",
                code="incidents.invalid_type_definition",
                field=where,
            )
        if codes.count(definition["code"]) > 1:
            raise RuleViolation(
                f"The code '{definition['code']}' appears twice", code="incidents.duplicate_type", field="code"
            )
    report = ImportReport()
    with transaction.atomic():
        for definition in definitions:
            wanted = {
                "title": definition["title"].strip(),
                "description": definition.get("description", ""),
                "severity": definition["severity"],
                "notify_immediately": definition.get("notify_immediately", False),
                "questions": definition.get("questions", []),
            }
            latest = (
                IncidentType.objects.select_for_update().filter(code=definition["code"]).order_by("-version").first()
            )
            if latest is not None and all(getattr(latest, key) == wanted[key] for key in COMPARED):
                report.unchanged.append(f"{latest.code} v{latest.version}")
                continue
            version = latest.version + 1 if latest else 1
            report.added.append(f"{definition['code']} v{version}")
            if dry_run:
                continue
            added = IncidentType.objects.create(
                code=definition["code"], version=version, created_at=clock.now(), active=True, **wanted
            )
            record_event(
                actor,
                "incidents.type_version_added",
                object_type="incident_type",
                object_id=f"{added.code}:v{added.version}",
                changed_fields=list(COMPARED),
                details={"code": added.code, "version": version, "severity": added.severity},
            )
    return report


def load_shipped_types(actor: Actor) -> ImportReport:
    """Import the definitions shipped with OMS (tests, the demo and a fresh install call this)."""
    return import_incident_types(actor, read_definitions(SHIPPED_DIR))


def latest_active_type(code: str) -> IncidentType | None:
    """The version offered for new reports: the latest one, if active."""
    latest = IncidentType.objects.filter(code=code).order_by("-version").first()
    return latest if latest is not None and latest.active else None


def types_offered() -> list[IncidentType]:
    """The latest active version of every type, by title."""
    latest: dict[str, IncidentType] = {}
    for incident_type in IncidentType.objects.order_by("code", "-version"):
        latest.setdefault(incident_type.code, incident_type)
    return sorted((t for t in latest.values() if t.active), key=lambda t: t.title)
