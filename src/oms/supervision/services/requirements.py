"""Requirements and conditions of an order or licence: add one, end one as completed or terminated.

Permission: supervision.manage_cases, on an open case whose person is in scope (else NotFound).
Audited as ``supervision.requirement_added`` and ``supervision.requirement_ended``.
"""

from __future__ import annotations

import datetime as dt

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.supervision.models import Requirement
from oms.supervision.queries import cases as queries
from oms.supervision.services._common import check_choice, check_date, check_open, check_period, clean_text

MANAGE = "supervision.manage_cases"
# Requirements measured in a number: the amount is required for these and refused for the others.
MEASURED = {
    Requirement.Kind.UNPAID_WORK: ("hours of unpaid work", 1, 300),
    Requirement.Kind.REHABILITATION_ACTIVITY: ("rehabilitation activity days", 1, 365),
}
# Requirements whose words are the requirement: the detail is required.
WORDED = {Requirement.Kind.LICENCE_CONDITION, Requirement.Kind.EXCLUSION, Requirement.Kind.RESIDENCE}


def _audit(actor: Actor, requirement: Requirement, verb: str, *, changed=(), details=None, reason: str = "") -> None:
    case = requirement.case
    record_event(
        actor,
        f"supervision.requirement_{verb}",
        object_type="supervision_requirement",
        object_id=requirement.public_id,
        subject_person_id=case.person_id,
        site_id=case.office_id,
        changed_fields=changed,
        details={"case_id": str(case.public_id), "kind": requirement.kind, **(details or {})},
        reason=reason,
    )


def add_requirement(
    actor: Actor,
    *,
    case_id,
    kind: str,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    detail: str = "",
    amount: int | None = None,
) -> Requirement:
    """Add a requirement or licence condition to an open case. Unpaid work needs its hours and a
    rehabilitation activity its days; a licence condition, exclusion or residence needs its words.
    The start defaults to the case's start and must fall within the case."""
    actor.require(MANAGE)
    case = queries.find_case(actor, case_id, for_update=True)
    check_open(case)
    kind = check_choice(kind, Requirement.Kind.values, "kind", label="requirement")
    detail = clean_text(detail, "detail", 1000, required=kind in WORDED, label="wording of the requirement")
    if kind in MEASURED:
        label, low, high = MEASURED[kind]
        if amount is None:
            raise RuleViolation(f"Enter the {label}", code="supervision.missing", field="amount")
        if not low <= amount <= high:
            raise RuleViolation(
                f"The {label} must be from {low} to {high}", code="supervision.amount_out_of_range", field="amount"
            )
    elif amount is not None:
        raise RuleViolation(
            "Only unpaid work and rehabilitation activity take an amount", code="supervision.no_amount", field="amount"
        )
    starts_on = check_date(starts_on, "starts_on", label="start date") or case.starts_on
    ends_on = check_date(ends_on, "ends_on", label="end date")
    check_period(starts_on, ends_on)
    if starts_on < case.starts_on or (case.ends_on and starts_on > case.ends_on):
        raise RuleViolation(
            "The requirement must start within the case", code="supervision.outside_case", field="starts_on"
        )
    if case.ends_on and ends_on and ends_on > case.ends_on:
        raise RuleViolation(
            "The requirement must end within the case", code="supervision.outside_case", field="ends_on"
        )
    requirement = Requirement.objects.create(
        case=case,
        kind=kind,
        detail=detail,
        amount=amount,
        starts_on=starts_on,
        ends_on=ends_on,
        created_at=clock.now(),
        created_by_id=actor.user_id,
    )
    _audit(actor, requirement, "added", changed=["kind", "detail", "amount", "starts_on", "ends_on"])
    return requirement


def end_requirement(
    actor: Actor, *, requirement_id, status: str, reason: str = "", ended_on: dt.date | None = None
) -> Requirement:
    """End an active requirement as completed or terminated (a termination needs its reason); the date
    defaults to today, not before its start nor in the future."""
    actor.require(MANAGE)
    requirement = queries.find_requirement(actor, requirement_id, for_update=True)
    check_open(requirement.case)
    status = check_choice(
        status,
        (Requirement.Status.COMPLETED, Requirement.Status.TERMINATED),
        "status",
        label="how the requirement ended",
    )
    reason = clean_text(reason, "reason", 500, required=status == Requirement.Status.TERMINATED, label="reason")
    if requirement.status != Requirement.Status.ACTIVE:
        raise Conflict("The requirement has already ended", code="supervision.requirement_ended")
    ended_on = check_date(ended_on, "ended_on", label="end date") or clock.today()
    if ended_on > clock.today() or ended_on < requirement.starts_on:
        raise RuleViolation(
            "The end date must be between the requirement's start and today",
            code="supervision.bad_end_date",
            field="ended_on",
        )
    requirement.status = status
    requirement.ended_on = ended_on
    requirement.ended_reason = reason
    requirement.save(update_fields=["status", "ended_on", "ended_reason"])
    _audit(
        actor,
        requirement,
        "ended",
        changed=["status", "ended_on", "ended_reason"],
        details={"status": status},
        reason=reason,
    )
    return requirement
