"""Referrals: putting a person on a programme's waiting list, and deciding on them.

Statuses (as issue 5 lists them): pending -> approved / declined / withdrawn / removed;
approved -> allocated / withdrawn / removed. Declined, allocated, removed and withdrawn are final.
A transition from any other status answers Conflict (409). Referring and withdrawing need
rehabilitation.refer; approving, declining and removing from the list need rehabilitation.allocate
(allocating is ``services.allocations``). The person and the programme must both be in the actor's
reach (else 404). Each change writes one audit event.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.core.ids import parse_public_id
from oms.people.queries import find_person
from oms.rehabilitation.models import PlanAction, Programme, Referral
from oms.rehabilitation.queries import programmes as queries
from oms.rehabilitation.services.programmes import text

REFER = "rehabilitation.refer"
ALLOCATE = "rehabilitation.allocate"

# Who may move a referral from one status to the next.
TRANSITIONS: dict[str, set[str]] = {
    Referral.Status.PENDING: {
        Referral.Status.APPROVED,
        Referral.Status.DECLINED,
        Referral.Status.WITHDRAWN,
        Referral.Status.REMOVED,
        Referral.Status.ALLOCATED,
    },
    Referral.Status.APPROVED: {Referral.Status.ALLOCATED, Referral.Status.WITHDRAWN, Referral.Status.REMOVED},
}


def can_move(referral: Referral, to: str) -> bool:
    return to in TRANSITIONS.get(referral.status, set())


def require_move(referral: Referral, to: str) -> None:
    if not can_move(referral, to):
        raise Conflict(
            f"A {referral.get_status_display().lower()} referral cannot be {Referral.Status(to).label.lower()}.",
            code="rehabilitation.referral_status",
            field="status",
        )


def _priority(value) -> int:
    if isinstance(value, bool) or value not in Referral.Priority.values:
        raise RuleViolation(
            "Select the priority: 1 urgent, 2 high, 3 normal or 4 low",
            code="rehabilitation.invalid_priority",
            field="priority",
        )
    return value


def _plan_action(person, plan_action_id) -> PlanAction | None:
    if not plan_action_id:
        return None
    wanted = parse_public_id(plan_action_id, code="rehabilitation.plan_action_not_found", detail="Action not found.")
    action = PlanAction.objects.filter(public_id=wanted, goal__plan__person=person).first()
    if action is None:
        raise NotFound(
            "That action is not in this person's case plan.",
            code="rehabilitation.plan_action_not_found",
            field="plan_action_id",
        )
    return action


def _audit(actor: Actor, action: str, referral: Referral, *, reason: str = "", changed=("status",), **details):
    record_event(
        actor,
        action,
        object_type="referral",
        object_id=str(referral.public_id),
        subject_person_id=referral.person_id,
        site_id=referral.programme.facility_id,
        changed_fields=changed,
        reason=reason,
        details={"programme": referral.programme.code, "status": referral.status, **details},
    )


def refer(actor: Actor, *, person_id, programme_id, reason: str, priority: int = 3, plan_action_id=None) -> Referral:
    """Put a person on a programme's waiting list as pending (rehabilitation.refer; person and
    programme in reach). Refuses a retired programme (422) and a second open referral of the same
    person to the same programme (409). Eligibility is not a bar to referring: the waiting list shows
    it and the allocator decides. Audit: ``rehabilitation.referral_made``."""
    actor.require(REFER)
    person = find_person(actor, person_id)
    programme = queries.find_programme(actor, programme_id, field="programme_id")
    reason = text(reason, "reason", max_length=1000, required="Enter the reason for the referral")
    priority = _priority(priority)
    action = _plan_action(person, plan_action_id)
    if programme.status != Programme.Status.ACTIVE:
        raise RuleViolation(
            "This programme is retired: it takes no new referrals.",
            code="rehabilitation.programme_retired",
            field="programme_id",
        )
    duplicate = Conflict(
        "This person is already on the waiting list for this programme.",
        code="rehabilitation.referral_exists",
        field="programme_id",
    )
    if queries.open_referral(person, programme) is not None:
        raise duplicate
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                person=person,
                programme=programme,
                reason=reason,
                priority=priority,
                plan_action=action,
                referred_by_id=actor.user_id,
                referred_at=clock.now(),
            )
    except IntegrityError:  # the same referral made at the same moment by someone else
        raise duplicate
    _audit(actor, "rehabilitation.referral_made", referral, changed=(), priority=priority)
    return referral


def _decide(actor: Actor, referral: Referral, to: str, reason: str) -> Referral:
    require_move(referral, to)
    referral.status = to
    referral.decided_by_id = actor.user_id
    referral.decided_at = clock.now()
    referral.decision_reason = reason
    referral.version += 1
    referral.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "version"])
    return referral


def _for_change(actor: Actor, permission: str, referral_id, version: int | None) -> Referral:
    actor.require(permission)
    referral = queries.find_referral(actor, referral_id, for_update=True)
    if version is not None and referral.version != version:
        raise Conflict(
            "The referral changed since you read it: reload it and try again.",
            code="rehabilitation.version_conflict",
            field="version",
        )
    return referral


def withdraw_referral(actor: Actor, *, referral_id, reason: str, version: int | None = None) -> Referral:
    """Take a pending or approved referral off the list at the referrer's side (rehabilitation.refer),
    e.g. the person no longer wants it. Audit: ``rehabilitation.referral_withdrawn``."""
    referral = _for_change(actor, REFER, referral_id, version)
    reason = text(reason, "reason", max_length=1000, required="Enter why the referral is withdrawn")
    _decide(actor, referral, Referral.Status.WITHDRAWN, reason)
    _audit(actor, "rehabilitation.referral_withdrawn", referral, reason=reason)
    return referral


def approve_referral(actor: Actor, *, referral_id, reason: str = "", version: int | None = None) -> Referral:
    """Accept a pending referral onto the list to wait for a place (rehabilitation.allocate).
    Audit: ``rehabilitation.referral_approved``."""
    referral = _for_change(actor, ALLOCATE, referral_id, version)
    reason = text(reason, "reason", max_length=1000)
    _decide(actor, referral, Referral.Status.APPROVED, reason)
    _audit(actor, "rehabilitation.referral_approved", referral, reason=reason)
    return referral


def decline_referral(actor: Actor, *, referral_id, reason: str, version: int | None = None) -> Referral:
    """Turn down a pending referral, with the reason (rehabilitation.allocate).
    Audit: ``rehabilitation.referral_declined``."""
    referral = _for_change(actor, ALLOCATE, referral_id, version)
    reason = text(reason, "reason", max_length=1000, required="Enter why the referral is declined")
    _decide(actor, referral, Referral.Status.DECLINED, reason)
    _audit(actor, "rehabilitation.referral_declined", referral, reason=reason)
    return referral


def remove_referral(actor: Actor, *, referral_id, reason: str, version: int | None = None) -> Referral:
    """Take a pending or approved referral off the waiting list at the programme's side, with the
    reason (rehabilitation.allocate), e.g. the person was transferred. Audit:
    ``rehabilitation.referral_removed``."""
    referral = _for_change(actor, ALLOCATE, referral_id, version)
    reason = text(reason, "reason", max_length=1000, required="Enter why the referral is removed from the list")
    _decide(actor, referral, Referral.Status.REMOVED, reason)
    _audit(actor, "rehabilitation.referral_removed", referral, reason=reason)
    return referral
