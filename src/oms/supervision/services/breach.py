"""Warnings and breach proceedings: issue a warning for a failure to comply, start breach proceedings,
move them through their legal states, and record what a proven breach led to.

Permission: supervision.manage_breach, on a case whose person is in scope (else NotFound). A case has at
most one open breach (Conflict ``supervision.breach_open``). Moves follow ``rules.breach.TRANSITIONS``
(RuleViolation ``supervision.breach_bad_transition`` on ``state``) and take the breach ``version`` read.
A proven breach that revokes an order or recalls a licence closes the case (through the case service,
audited as ``supervision.case_closed`` too); a recall on a licence also publishes
``supervision.recall_issued`` (oms.core.events) so custody expects the person back. Audited as
``supervision.warning_issued``, ``supervision.breach_initiated`` and ``supervision.breach_advanced``.
"""

from __future__ import annotations

import datetime as dt

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.core.events import Event, publish
from oms.core.ids import parse_public_id
from oms.supervision.models import Appointment, Breach, BreachStep, ComplianceWarning, SupervisionCase
from oms.supervision.queries import breach as breach_queries
from oms.supervision.queries import cases as queries
from oms.supervision.rules import breach as rules
from oms.supervision.rules.contact import FAILURE_OUTCOMES
from oms.supervision.services import cases as case_services
from oms.supervision.services._common import check_date, check_open, clean_text

MANAGE_BREACH = "supervision.manage_breach"
RECALL_ISSUED = "supervision.recall_issued"


def _audit(actor: Actor, case: SupervisionCase, name: str, object_type: str, public_id, *, details, reason=""):
    record_event(
        actor,
        f"supervision.{name}",
        object_type=object_type,
        object_id=public_id,
        subject_person_id=case.person_id,
        site_id=case.office_id,
        details={"case_id": str(case.public_id), **details},
        reason=reason,
    )


def _day(value: dt.date | None, field: str, label: str, case: SupervisionCase) -> dt.date:
    """A date of the process: today when empty, not in the future, not before the case start."""
    day = check_date(value, field, label=label) or clock.today()
    if day > clock.today():
        raise RuleViolation(f"The {label} cannot be in the future", code="supervision.date_in_future", field=field)
    if day < case.starts_on:
        raise RuleViolation(
            f"The {label} must be on or after the case start", code="supervision.outside_case", field=field
        )
    return day


def _failed_appointment(case: SupervisionCase, appointment_id) -> Appointment | None:
    if appointment_id in (None, ""):
        return None
    wanted = parse_public_id(appointment_id, code="supervision.appointment_not_found")
    appointment = case.appointments.filter(public_id=wanted).first()
    if appointment is None:
        raise RuleViolation(
            "Select an appointment of this case", code="supervision.appointment_not_found", field="appointment_id"
        )
    if appointment.outcome not in FAILURE_OUTCOMES:
        raise RuleViolation(
            "A warning answers an appointment recorded as a failure to comply",
            code="supervision.not_a_failure",
            field="appointment_id",
        )
    return appointment


def issue_warning(
    actor: Actor, *, case_id, reason: str, appointment_id=None, issued_on: dt.date | None = None
) -> ComplianceWarning:
    """Issue a warning on an open case for a failure to comply (optionally naming the failed
    appointment). Audited as ``supervision.warning_issued`` with the counts of the period."""
    actor.require(MANAGE_BREACH)
    case = queries.find_case(actor, case_id, for_update=True)
    check_open(case)
    reason = clean_text(reason, "reason", 1000, required=True, label="reason for the warning")
    issued_on = _day(issued_on, "issued_on", "warning date", case)
    appointment = _failed_appointment(case, appointment_id)
    if appointment is not None and appointment.warnings.exists():
        raise Conflict(
            "A warning has already been issued for this appointment",
            code="supervision.already_warned",
            field="appointment_id",
        )
    warning = ComplianceWarning.objects.create(
        case=case,
        appointment=appointment,
        issued_on=issued_on,
        reason=reason,
        issued_at=clock.now(),
        issued_by_id=actor.user_id,
    )
    summary = breach_queries.summary_of(case)
    _audit(
        actor,
        case,
        "warning_issued",
        "supervision_warning",
        warning.public_id,
        details={
            "appointment_id": str(appointment.public_id) if appointment else None,
            "issued_on": issued_on.isoformat(),
            "warnings_in_period": summary.warnings,
            "failures_in_period": summary.compliance.failures,
        },
        reason=reason,
    )
    return warning


def start_breach(actor: Actor, *, case_id, reason: str, initiated_on: dt.date | None = None) -> Breach:
    """Start breach proceedings on an open case with no open breach. Audited as
    ``supervision.breach_initiated`` with the counts of the period that led to it."""
    actor.require(MANAGE_BREACH)
    case = queries.find_case(actor, case_id, for_update=True)
    check_open(case)
    reason = clean_text(reason, "reason", 2000, required=True, label="reason for the breach")
    initiated_on = _day(initiated_on, "initiated_on", "date the breach was initiated", case)
    if case.breaches.filter(state__in=sorted(set(rules.STATES) - rules.RESOLVED)).exists():
        raise Conflict("This case already has open breach proceedings", code="supervision.breach_open")
    summary = breach_queries.summary_of(case)
    now = clock.now()
    breach = Breach.objects.create(
        case=case, reason=reason, initiated_on=initiated_on, created_at=now, created_by_id=actor.user_id
    )
    BreachStep.objects.create(
        breach=breach,
        to_state=rules.INITIATED,
        on=initiated_on,
        reason=reason,
        recorded_at=now,
        recorded_by_id=actor.user_id,
    )
    _audit(
        actor,
        case,
        "breach_initiated",
        "supervision_breach",
        breach.public_id,
        details={
            "initiated_on": initiated_on.isoformat(),
            "failures_in_period": summary.compliance.failures,
            "warnings_in_period": summary.warnings,
            "period_since": summary.since.isoformat(),
        },
        reason=reason,
    )
    return breach


def advance_breach(
    actor: Actor, *, breach_id, version: int, state: str, reason: str, on: dt.date | None = None, outcome: str = ""
) -> Breach:
    """Move a breach to its next state (summons, warrant, proven, withdrawn) with the reason and date.
    Proven needs the outcome (continued, varied, revoked for an order, recalled for a licence); a revoked
    or recalled outcome closes the case. Audited as ``supervision.breach_advanced``."""
    actor.require(MANAGE_BREACH)
    breach = breach_queries.find_breach(actor, breach_id, for_update=True)
    case = breach.case
    if version is None or breach.version != version:
        raise Conflict(
            "Someone else changed this breach since you read it: reload it and try again",
            code="supervision.breach_version_conflict",
            field="version",
        )
    rules.check_transition(breach.state, state)
    outcome = rules.check_outcome(case.kind, state, outcome or "")
    reason = clean_text(reason, "reason", 2000, required=True, label="reason")
    on = _day(on, "on", "date", case)
    last = breach.steps.order_by("-on", "-id").first()
    if on < (last.on if last else breach.initiated_on):
        raise RuleViolation(
            "The date must be on or after the previous step of the breach", code="supervision.before_breach", field="on"
        )
    previous = breach.state
    breach.state = state
    breach.version += 1
    if state in rules.RESOLVED:
        breach.resolved_on = on
        breach.outcome = outcome
    breach.save(update_fields=["state", "version", "resolved_on", "outcome"])
    BreachStep.objects.create(
        breach=breach,
        from_state=previous,
        to_state=state,
        on=on,
        reason=reason,
        outcome=outcome,
        recorded_at=clock.now(),
        recorded_by_id=actor.user_id,
    )
    _audit(
        actor,
        case,
        "breach_advanced",
        "supervision_breach",
        breach.public_id,
        details={"from": previous, "to": state, "on": on.isoformat(), "outcome": outcome or None},
        reason=reason,
    )
    if outcome in rules.ENDING_OUTCOMES and case.status == SupervisionCase.Status.OPEN:
        label = Breach.Outcome(outcome).label.lower()
        case_services.close_case(
            actor.lent(case_services.MANAGE),
            case_id=case.public_id,
            version=case.version,
            reason=f"Breach proven: {label}. {reason}"[:500],
            closed_on=on,
        )
    if outcome == "recalled" and case.kind == SupervisionCase.Kind.LICENCE:
        _tell_custody_of_recall(actor, case, breach, on=on, reason=reason)
    return breach


def _tell_custody_of_recall(actor: Actor, case: SupervisionCase, breach: Breach, *, on: dt.date, reason: str) -> None:
    """Publish ``supervision.recall_issued`` in this transaction: custody sits below supervision and
    subscribes by name, recording that the person is recalled and expected back (custody.services.recalls).
    The payload carries ids and the licence reference, not the person's details: custody reads its own."""
    publish(
        actor,
        Event(
            RECALL_ISSUED,
            {
                "person_id": str(case.person.public_id),
                "case_id": str(case.public_id),
                "breach_id": str(breach.public_id),
                "licence_reference": case.reference,
                "recalled_on": on.isoformat(),
                "reason": reason,
                "office": case.office.code if case.office_id else "",
            },
        ),
    )
