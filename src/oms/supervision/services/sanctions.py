"""Graduated sanctions: change a band of the matrix, record a violation on a case, record the response
chosen for it.

Permissions: supervision.manage_sanctions (the matrix), supervision.manage_breach (violations and
responses; other services lend it when they raise a violation themselves, e.g. a positive drug test).
A response outside the band the matrix allows needs an override reason (RuleViolation on
``override_reason`` without one); the band in force is kept on the violation. Audited as
``supervision.sanction_band_changed``, ``supervision.violation_recorded``, ``supervision.violation_responded``.
"""

from __future__ import annotations

import datetime as dt

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.core.ids import parse_public_id
from oms.supervision.models import Level, SanctionBand, Severity, SupervisionCase, Violation
from oms.supervision.queries import cases as queries
from oms.supervision.queries import sanctions as sanction_queries
from oms.supervision.rules import sanctions as rules
from oms.supervision.services._common import check_choice, check_date, check_open, clean_text

MANAGE_SANCTIONS = "supervision.manage_sanctions"
MANAGE_BREACH = "supervision.manage_breach"


def set_band(actor: Actor, *, severity: str, level: str, least: str, most: str, reason: str) -> SanctionBand:
    """Set the responses allowed for a severity at a level (least to most on the scale), with the reason."""
    actor.require(MANAGE_SANCTIONS)
    severity = check_choice(severity, Severity.values, "severity")
    level = check_choice(level, Level.values, "level", label="supervision level")
    least, most = rules.check_band(least, most)
    reason = clean_text(reason, "reason", 1000, required=True, label="reason for the change")
    band = SanctionBand.objects.select_for_update().filter(severity=severity, level=level).first()
    before = (band.least, band.most) if band else rules.DEFAULT_MATRIX[(severity, level)]
    if band is None:
        band = SanctionBand(severity=severity, level=level)
    band.least, band.most, band.reason = least, most, reason
    band.updated_at, band.updated_by_id = clock.now(), actor.user_id
    band.save()
    record_event(
        actor,
        "supervision.sanction_band_changed",
        object_type="supervision_sanction_band",
        object_id=f"{severity}:{level}",
        changed_fields=["least", "most"],
        details={"before": list(before), "after": [least, most]},
        reason=reason,
    )
    return band


def record_violation(
    actor: Actor,
    *,
    case_id,
    source: str,
    severity: str,
    description: str,
    occurred_on: dt.date | None = None,
    appointment_id=None,
) -> Violation:
    """Record a violation on an open case; the case's level now is the one the matrix is read at."""
    actor.require(MANAGE_BREACH)
    case = queries.find_case(actor, case_id, for_update=True)
    return record_violation_on(
        actor,
        case,
        source=source,
        severity=severity,
        description=description,
        occurred_on=occurred_on,
        appointment_id=appointment_id,
    )


def record_violation_on(
    actor: Actor,
    case: SupervisionCase,
    *,
    source: str,
    severity: str,
    description: str,
    occurred_on: dt.date | None = None,
    appointment_id=None,
    details: dict | None = None,
) -> Violation:
    """The same on a case already read in scope (for other supervision services, e.g. drug testing)."""
    actor.require(MANAGE_BREACH)
    check_open(case)
    source = check_choice(source, Violation.Source.values, "source")
    severity = check_choice(severity, Severity.values, "severity")
    description = clean_text(description, "description", 2000, required=True)
    occurred_on = check_date(occurred_on, "occurred_on", label="date") or clock.today()
    if occurred_on > clock.today() or occurred_on < case.starts_on:
        raise RuleViolation(
            "The date must fall between the case start and today", code="supervision.outside_case", field="occurred_on"
        )
    appointment = None
    if appointment_id not in (None, ""):
        wanted = parse_public_id(appointment_id, code="supervision.appointment_not_found")
        appointment = case.appointments.filter(public_id=wanted).first()
        if appointment is None:
            raise RuleViolation(
                "Select an appointment of this case", code="supervision.appointment_not_found", field="appointment_id"
            )
    level = queries.statuses([case])[0].level
    violation = Violation.objects.create(
        case=case,
        source=source,
        severity=severity,
        occurred_on=occurred_on,
        description=description,
        appointment=appointment,
        level_at_record=level,
        recorded_at=clock.now(),
        recorded_by_id=actor.user_id,
    )
    record_event(
        actor,
        "supervision.violation_recorded",
        object_type="supervision_violation",
        object_id=violation.public_id,
        subject_person_id=case.person_id,
        site_id=case.office_id,
        details={
            "case_id": str(case.public_id),
            "source": source,
            "severity": severity,
            "level": level,
            "occurred_on": occurred_on.isoformat(),
            **(details or {}),
        },
    )
    return violation


def respond(actor: Actor, *, violation_id, response: str, reason: str, override_reason: str = "") -> Violation:
    """Record the response chosen for a violation awaiting one. Outside the allowed band it needs an
    override reason; recall only on a licence. A response is recorded once (Conflict after)."""
    actor.require(MANAGE_BREACH)
    violation = sanction_queries.find_violation(actor, violation_id, for_update=True)
    case = violation.case
    if violation.response:
        raise Conflict("A response has already been recorded", code="supervision.already_responded", field="response")
    reason = clean_text(reason, "reason", 2000, required=True, label="reason for the response")
    override_reason = clean_text(override_reason, "override_reason", 2000, label="reason for the override")
    allowed = sanction_queries.allowed_for(violation, case.kind)
    checked = rules.check_response(response, allowed, override_reason=override_reason, case_kind=case.kind)
    violation.response = checked.response
    violation.response_reason = reason
    violation.allowed_at_response = list(allowed)
    violation.override_reason = "" if checked.within_matrix else override_reason
    violation.responded_at, violation.responded_by_id = clock.now(), actor.user_id
    violation.save()
    record_event(
        actor,
        "supervision.violation_responded",
        object_type="supervision_violation",
        object_id=violation.public_id,
        subject_person_id=case.person_id,
        site_id=case.office_id,
        changed_fields=["response"],
        details={
            "case_id": str(case.public_id),
            "response": checked.response,
            "allowed": list(allowed),
            "override": not checked.within_matrix,
            "override_reason": violation.override_reason or None,
        },
        reason=reason,
    )
    return violation
