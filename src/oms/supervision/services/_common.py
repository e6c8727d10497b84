"""Checks shared by the supervision services: text, choices, dates in range, the case version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from oms.core.errors import Conflict, RuleViolation
from oms.supervision.models import SupervisionCase

# Dates outside these years are typing mistakes; bounding them also keeps date arithmetic in range.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2200, 12, 31)


def clean_text(value, field: str, limit: int, *, required: bool = False, label: str = "") -> str:
    label = label or field.replace("_", " ")
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(f"Enter the {label}", code="supervision.missing", field=field)
    if len(value) > limit:
        raise RuleViolation(
            f"The {label} must be {limit} characters or fewer", code="supervision.too_long", field=field
        )
    return value


def check_choice(value, choices: Iterable[str], field: str, *, label: str = "") -> str:
    choices = tuple(choices)
    if value not in choices:
        raise RuleViolation(
            f"Select the {label or field.replace('_', ' ')}", code="supervision.bad_choice", field=field
        )
    return value


def check_date(value: dt.date | None, field: str, *, label: str = "", required: bool = False) -> dt.date | None:
    label = label or field.replace("_", " ")
    if value is None:
        if required:
            raise RuleViolation(f"Enter the {label}", code="supervision.missing", field=field)
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not EARLIEST <= value <= LATEST:
        raise RuleViolation(
            f"The {label} must be between {EARLIEST.year} and {LATEST.year}",
            code="supervision.date_out_of_range",
            field=field,
        )
    return value


def check_period(starts_on: dt.date, ends_on: dt.date | None, *, field: str = "ends_on") -> None:
    if ends_on is not None and ends_on < starts_on:
        raise RuleViolation(
            "The end date must be on or after the start date", code="supervision.ends_before_start", field=field
        )


def check_version(case: SupervisionCase, version: int | None) -> None:
    if version is None or case.version != version:
        raise Conflict(
            "Someone else changed this case since you read it: reload it and try again",
            code="supervision.case_version_conflict",
            field="version",
        )


def check_open(case: SupervisionCase) -> None:
    if case.status != SupervisionCase.Status.OPEN:
        raise Conflict("The case is closed", code="supervision.case_closed")
