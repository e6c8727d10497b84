"""Checks and the audit shared by the diversion services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.diversion.models import Participation

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2200, 12, 31)


def clean_text(value, field: str, limit: int, *, required: bool = False, label: str = "") -> str:
    label = label or field.replace("_", " ")
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if required and not value:
        raise RuleViolation(f"Enter the {label}", code="diversion.missing", field=field)
    if len(value) > limit:
        raise RuleViolation(f"The {label} must be {limit} characters or fewer", code="diversion.too_long", field=field)
    return value


def check_choice(value, choices: Iterable[str], field: str) -> str:
    if value not in tuple(choices):
        raise RuleViolation(f"Select the {field.replace('_', ' ')}", code="diversion.bad_choice", field=field)
    return value


def check_date(value, field: str, *, required: bool = True) -> dt.date | None:
    if value is None:
        if required:
            raise RuleViolation(f"Enter the {field.replace('_', ' ')}", code="diversion.missing", field=field)
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date) or not EARLIEST <= value <= LATEST:
        raise RuleViolation(
            f"The {field.replace('_', ' ')} must be a date between {EARLIEST.year} and {LATEST.year}",
            code="diversion.date_out_of_range",
            field=field,
        )
    return value


def check_whole(value, field: str, low: int, high: int, *, required: bool = True) -> int | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RuleViolation(
            f"The {field.replace('_', ' ')} must be a whole number from {low:,} to {high:,}",
            code="diversion.bad_number",
            field=field,
        )
    return value


def check_not_future(value: dt.date, field: str) -> dt.date:
    if value > clock.today():
        raise RuleViolation(
            f"The {field.replace('_', ' ')} cannot be in the future", code="diversion.in_future", field=field
        )
    return value


def check_version(participation: Participation, version) -> None:
    if version is None or participation.version != version:
        raise Conflict(
            "Someone else changed this participation since you read it: reload it and try again",
            code="diversion.version_conflict",
            field="version",
        )


def save(participation: Participation) -> None:
    participation.version += 1
    participation.updated_at = clock.now()
    participation.save()


def audit(
    actor: Actor, participation: Participation, action: str, *, changed=(), details=None, reason: str = ""
) -> None:
    record_event(
        actor,
        f"diversion.{action}",
        object_type="diversion_participation",
        object_id=participation.public_id,
        subject_person_id=participation.person_id,
        site_id=participation.programme.site_id,
        changed_fields=changed,
        details={"state": participation.state, "version": participation.version, **(details or {})},
        reason=reason,
    )
