"""Allocation: giving a person a place on a programme, suspending, reinstating and removing it.

Allocating (rehabilitation.allocate; person and programme in reach) takes the programme's row lock
first (``select_for_update`` on PostgreSQL; SQLite runs one writer at a time), so two allocators see
each other's places and the same programme cannot be overfilled or given to two people who must be
kept apart. Then it checks, in this order:

- the programme is active and still running on the start date; the person has no live place on it;
- **non-associations** (hard): nobody with an open non-association or keep-apart group membership
  with the person holds a live place on the programme: they would share every session. Not
  overridable here. The other person is named only to an actor with custody.view_non_associations
  who can reach them; everyone else is told only that someone on the programme must be kept apart;
- **capacity** (hard): live places (active and suspended: a suspended person keeps the place) below
  capacity;
- **eligibility** (overridable): ``rules.eligibility`` over the person's facts; a rule not met or a
  fact OMS does not hold needs an override reason;
- **timetable clashes** (overridable): a weekly slot overlapping one of the person's other live
  places while both run (``rules.timetable``).

Refusals raise ``AllocationRefused`` (409) listing every problem and whether an override reason would
let it through; with a reason, the overridden checks are kept in ``Allocation.overrides``. Allocating
from a referral (pending or approved: allocating a pending one is the decision) or directly (an open
referral of the same person is then used) sets the referral to allocated. Ending a place as completed
or not completed belongs to the attendance area. Each change writes one audit event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.custody.queries import keep_aparts_for
from oms.people.queries import find_person, people_in_scope
from oms.rehabilitation.models import Allocation, Programme, Referral
from oms.rehabilitation.queries import programmes as queries
from oms.rehabilitation.rules import timetable as timetable_rules
from oms.rehabilitation.services.programmes import text
from oms.rehabilitation.services.referrals import require_move

ALLOCATE = "rehabilitation.allocate"
VIEW_KEEP_APARTS = "custody.view_non_associations"
# Reasons a place may be removed for here; completed / not completed are recorded by attendance.
REMOVAL_REASONS = tuple(r for r in Allocation.EndReason.values if r != Allocation.EndReason.COMPLETED)


@dataclass(frozen=True)
class Problem:
    check: str  # non_association / capacity / eligibility / timetable_clash
    detail: str  # for staff; never names a person the actor may not read
    overridable: bool


class AllocationRefused(Conflict):
    """The place cannot be given as asked: the problems say why and which an override reason may waive."""

    code = "rehabilitation.allocation_refused"

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        hard = [p for p in self.problems if not p.overridable]
        lead = (
            "This place cannot be given."
            if hard
            else "This place can be given only with an override reason for the checks below."
        )
        super().__init__(
            " ".join([lead, *(p.detail for p in self.problems)]), field="override_reason" if not hard else None
        )

    @property
    def overridable(self) -> bool:
        return all(p.overridable for p in self.problems)


def _start(programme: Programme, starts_on) -> dt.date:
    if starts_on is None:
        starts_on = clock.today()
    if isinstance(starts_on, dt.datetime) or not isinstance(starts_on, dt.date):
        raise RuleViolation("Enter the start date", code="rehabilitation.invalid_date", field="starts_on")
    if starts_on < clock.today() - dt.timedelta(days=366):
        raise RuleViolation(
            "The start date is more than a year ago", code="rehabilitation.invalid_date", field="starts_on"
        )
    if programme.ends_on is not None and starts_on > programme.ends_on:
        raise RuleViolation(
            f"The programme ends on {programme.ends_on:%d/%m/%Y}: the place cannot start after that",
            code="rehabilitation.after_programme_end",
            field="starts_on",
        )
    return starts_on


def _non_association_problems(actor: Actor, programme: Programme, person) -> list[Problem]:
    apart = {k.other_person_id for k in keep_aparts_for([person.pk])}
    if not apart:
        return []
    sharing = list(
        Allocation.objects.filter(
            programme=programme, status__in=Allocation.LIVE_STATUSES, person_id__in=apart
        ).values_list("person_id", flat=True)
    )
    if not sharing:
        return []
    readable = {}
    if actor.has(VIEW_KEEP_APARTS):
        readable = {p.pk: p for p in people_in_scope(actor).filter(pk__in=sharing)}
    problems = []
    for other_id in sorted(set(sharing)):
        other = readable.get(other_id)
        if other is not None:
            who = f"{other.given_name} {other.family_name.upper()} ({other.system_number})"
            detail = f"{who} already has a place on this programme and must be kept apart from this person."
        else:
            detail = "Someone who already has a place on this programme must be kept apart from this person."
        problems.append(Problem("non_association", detail, overridable=False))
    return problems


def _capacity_problems(programme: Programme) -> list[Problem]:
    taken = queries.live_allocation_count(programme)
    if taken < programme.capacity:
        return []
    return [Problem("capacity", f"The programme is full: {taken} of {programme.capacity} places are taken.", False)]


def _eligibility_problems(programme: Programme, person) -> list[Problem]:
    found = queries.check_eligibility(programme, person)
    return [Problem("eligibility", f"{finding.reason}.", overridable=True) for finding in found.findings]


def _clash_problems(programme: Programme, person, starts_on: dt.date) -> list[Problem]:
    slots = queries.timetable_of(programme)
    if not slots:
        return []
    others = (
        Allocation.objects.filter(person=person, status__in=Allocation.LIVE_STATUSES)
        .exclude(programme=programme)
        .select_related("programme")
    )
    problems = []
    for other in others:
        found = timetable_rules.clashes(
            slots,
            (starts_on, programme.ends_on),
            queries.timetable_of(other.programme),
            (other.starts_on, other.programme.ends_on),
        )
        for clash in found:
            problems.append(
                Problem(
                    "timetable_clash",
                    f"Clashes with {other.programme.title} ({other.programme.code}): {clash.explanation}.",
                    overridable=True,
                )
            )
    return problems


def _referral_for(actor: Actor, referral_id, person_id, programme_id):
    """(referral or None, person, programme id) from what the caller named."""
    if referral_id:
        referral = queries.find_referral(actor, referral_id)
        if programme_id and str(programme_id) != str(referral.programme.public_id):
            raise RuleViolation(
                "That referral is for another programme.", code="rehabilitation.referral_mismatch", field="programme_id"
            )
        return referral, referral.person, referral.programme.public_id
    if not person_id:
        raise RuleViolation("Name the person or the referral", code="rehabilitation.required", field="person_id")
    if not programme_id:
        raise RuleViolation("Name the programme", code="rehabilitation.required", field="programme_id")
    return None, find_person(actor, person_id), programme_id


def allocate(
    actor: Actor,
    *,
    programme_id=None,
    person_id=None,
    referral_id=None,
    starts_on: dt.date | None = None,
    override_reason: str = "",
) -> Allocation:
    """Give a person a place on a programme (rehabilitation.allocate), from a referral or directly.
    See the module docstring for the checks. Audit: ``rehabilitation.allocation_made``."""
    actor.require(ALLOCATE)
    override_reason = text(override_reason, "override_reason", max_length=1000)
    referral, person, programme_id = _referral_for(actor, referral_id, person_id, programme_id)
    # The programme lock first, always: every allocation to this programme queues here.
    programme = queries.find_programme(actor, programme_id, for_update=True, field="programme_id")
    if referral is None:
        referral = queries.open_referral(person, programme)
    if referral is not None:
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        require_move(referral, Referral.Status.ALLOCATED)
    if programme.status != Programme.Status.ACTIVE:
        raise RuleViolation(
            "This programme is retired: it takes no new places.",
            code="rehabilitation.programme_retired",
            field="programme_id",
        )
    starts_on = _start(programme, starts_on)
    already = Conflict(
        "This person already has a place on this programme.", code="rehabilitation.already_allocated", field="person_id"
    )
    if Allocation.objects.filter(programme=programme, person=person, status__in=Allocation.LIVE_STATUSES).exists():
        raise already
    problems = [
        *_non_association_problems(actor, programme, person),
        *_capacity_problems(programme),
        *_eligibility_problems(programme, person),
        *_clash_problems(programme, person, starts_on),
    ]
    if problems and (not override_reason or not all(p.overridable for p in problems)):
        raise AllocationRefused(problems)
    now = clock.now()
    overrides = [{"check": p.check, "detail": p.detail, "reason": override_reason} for p in problems]
    try:
        with transaction.atomic():
            allocation = Allocation.objects.create(
                person=person,
                programme=programme,
                referral=referral,
                starts_on=starts_on,
                allocated_by_id=actor.user_id,
                allocated_at=now,
                overrides=overrides,
            )
    except IntegrityError:  # a place given at the same moment past the lock (SQLite without one)
        raise already
    if referral is not None:
        referral.status = Referral.Status.ALLOCATED
        referral.decided_by_id = actor.user_id
        referral.decided_at = now
        referral.version += 1
        referral.save(update_fields=["status", "decided_by", "decided_at", "version"])
    record_event(
        actor,
        "rehabilitation.allocation_made",
        object_type="allocation",
        object_id=str(allocation.public_id),
        subject_person_id=person.pk,
        site_id=programme.facility_id,
        reason=override_reason,
        details={
            "programme": programme.code,
            "referral": str(referral.public_id) if referral else None,
            "starts_on": starts_on.isoformat(),
            "overridden": [p.check for p in problems],
        },
    )
    return allocation


# --- changing a place ----------------------------------------------------------------------------


def _for_change(actor: Actor, allocation_id, version: int | None) -> Allocation:
    actor.require(ALLOCATE)
    allocation = queries.find_allocation(actor, allocation_id, for_update=True)
    if version is not None and allocation.version != version:
        raise Conflict(
            "The allocation changed since you read it: reload it and try again.",
            code="rehabilitation.version_conflict",
            field="version",
        )
    return allocation


def _move(allocation: Allocation, allowed_from: tuple[str, ...], to: str) -> None:
    if allocation.status not in allowed_from:
        raise Conflict(
            f"A {allocation.get_status_display().lower()} place cannot be {Allocation.Status(to).label.lower()}.",
            code="rehabilitation.allocation_status",
            field="status",
        )


def _audit(actor: Actor, action: str, allocation: Allocation, *, reason: str, changed, **details) -> None:
    record_event(
        actor,
        action,
        object_type="allocation",
        object_id=str(allocation.public_id),
        subject_person_id=allocation.person_id,
        site_id=allocation.programme.facility_id,
        changed_fields=changed,
        reason=reason,
        details={"programme": allocation.programme.code, "status": allocation.status, **details},
    )


def suspend_allocation(actor: Actor, *, allocation_id, reason: str, version: int | None = None) -> Allocation:
    """Pause an active place (rehabilitation.allocate), e.g. in segregation or in hospital. The person
    keeps the place (it still counts against capacity). Audit: ``rehabilitation.allocation_suspended``."""
    allocation = _for_change(actor, allocation_id, version)
    reason = text(reason, "reason", max_length=1000, required="Enter why the place is suspended")
    _move(allocation, (Allocation.Status.ACTIVE,), Allocation.Status.SUSPENDED)
    allocation.status = Allocation.Status.SUSPENDED
    allocation.version += 1
    allocation.save(update_fields=["status", "version"])
    _audit(actor, "rehabilitation.allocation_suspended", allocation, reason=reason, changed=["status"])
    return allocation


def reinstate_allocation(actor: Actor, *, allocation_id, reason: str = "", version: int | None = None) -> Allocation:
    """Resume a suspended place (rehabilitation.allocate). Audit: ``rehabilitation.allocation_reinstated``."""
    allocation = _for_change(actor, allocation_id, version)
    reason = text(reason, "reason", max_length=1000)
    _move(allocation, (Allocation.Status.SUSPENDED,), Allocation.Status.ACTIVE)
    allocation.status = Allocation.Status.ACTIVE
    allocation.version += 1
    allocation.save(update_fields=["status", "version"])
    _audit(actor, "rehabilitation.allocation_reinstated", allocation, reason=reason, changed=["status"])
    return allocation


def remove_allocation(
    actor: Actor, *, allocation_id, end_reason: str, detail: str = "", version: int | None = None
) -> Allocation:
    """End a live place early, as removed, with the end reason (not "completed": completion is
    recorded with attendance) and, for "other", the detail (rehabilitation.allocate). Ends today.
    Audit: ``rehabilitation.allocation_removed``."""
    allocation = _for_change(actor, allocation_id, version)
    if end_reason not in REMOVAL_REASONS:
        raise RuleViolation("Select why the place ends", code="rehabilitation.invalid_end_reason", field="end_reason")
    required = "Enter the reason the place ends" if end_reason == Allocation.EndReason.OTHER else ""
    detail = text(detail, "detail", max_length=1000, required=required)
    _move(allocation, Allocation.LIVE_STATUSES, Allocation.Status.REMOVED)
    allocation.status = Allocation.Status.REMOVED
    allocation.ended_on = max(clock.today(), allocation.starts_on)
    allocation.end_reason = end_reason
    allocation.end_detail = detail
    allocation.version += 1
    allocation.save(update_fields=["status", "ended_on", "end_reason", "end_detail", "version"])
    _audit(
        actor,
        "rehabilitation.allocation_removed",
        allocation,
        reason=detail or Allocation.EndReason(end_reason).label,
        changed=["status", "ended_on", "end_reason", "end_detail"],
        end_reason=end_reason,
    )
    return allocation
