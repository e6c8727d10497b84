"""Ending a place as completed (optionally with the qualification it earned) or not completed with a
reason; recording a qualification earned elsewhere; and moving the release date when programming
that earns time credits changes.

``rehabilitation.record_attendance`` and the programme's facility (or the person) in scope, else 404.
Audited as ``rehabilitation.allocation_completed``, ``rehabilitation.allocation_not_completed`` and
``rehabilitation.qualification_recorded``; a plan action marked done by a completion is the plans
area's change (``rehabilitation.case_plan_action_changed``, a new plan version).

Time credits: sentencing reads ``programming_days`` through the facts provider registered in
``RehabilitationConfig.ready`` (``queries.progress.programming_days``). Completing a programme that
earns time credits, and a change of attendance that changes a person's whole 30-day periods of
programming, recalculate the person's release dates in the same transaction (``sentencing``'s
``recalculate``): the US federal profile moves the date, England and Wales ignores the fact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.people.models import Person
from oms.people.queries import find_person
from oms.rehabilitation.models import Allocation, PlanAction, Programme, Qualification
from oms.rehabilitation.queries.attendance import get_allocation
from oms.rehabilitation.queries.progress import credit_periods
from oms.rehabilitation.services.plans import mark_action_done_as_consequence
from oms.sentencing.models import Calculation
from oms.sentencing.services.calculations import recalculate

CREDITS_REASON = Calculation.Reason.TIME_CREDITS
NOT_COMPLETED_REASONS = tuple(r for r in Allocation.EndReason.values if r != Allocation.EndReason.COMPLETED)


# --- time credits --------------------------------------------------------------------------------


def credit_periods_before(programme: Programme, person_ids: Iterable[int]) -> dict[int, int] | None:
    """Each person's whole 30-day periods of programming before a change of attendance, when the
    programme earns time credits; None otherwise (the change cannot move a release date)."""
    ids = set(person_ids)
    if not programme.earns_time_credits or not ids:
        return None
    periods = credit_periods(ids)
    return {pid: periods.get(pid, 0) for pid in ids}


def recalculate_when_periods_change(actor: Actor, before: dict[int, int], *, detail: str) -> list[int]:
    """Recalculate the release dates of the people whose whole periods of programming changed (credits
    are earned per 30 days, so a change within a period cannot move a date). Returns their ids."""
    after = credit_periods(before)
    moved = sorted(pid for pid, periods in before.items() if after.get(pid, 0) != periods)
    for person in Person.objects.filter(pk__in=moved).order_by("pk"):
        recalculate(actor, person, reason=CREDITS_REASON, detail=detail)
    return moved


# --- completion ------------------------------------------------------------------------------------


def _text(value, field: str, *, limit: int, required: str = "") -> str:
    value = " ".join(str(value or "").split())
    if required and not value:
        raise RuleViolation(required, code="rehabilitation.required", field=field)
    if len(value) > limit:
        raise RuleViolation(
            f"{field.replace('_', ' ').capitalize()} must be {limit} characters or less",
            code="rehabilitation.too_long",
            field=field,
        )
    return value


def _end_day(allocation: Allocation, ended_on: dt.date | None) -> dt.date:
    today = clock.today()
    ended_on = ended_on or today
    if ended_on > today:
        raise RuleViolation("The end date cannot be in the future", code="rehabilitation.future_date", field="ended_on")
    if ended_on < allocation.starts_on:
        raise RuleViolation(
            "The end date cannot be before the place started", code="rehabilitation.before_start", field="ended_on"
        )
    return ended_on


def _live(actor: Actor, allocation_id, version: int | None) -> Allocation:
    allocation = get_allocation(actor, allocation_id, permission="rehabilitation.record_attendance", for_update=True)
    if allocation.status not in Allocation.LIVE_STATUSES:
        raise Conflict("This place has already ended.", code="rehabilitation.allocation_ended", field="allocation_id")
    if version is not None and version != allocation.version:
        raise Conflict(
            "Someone else changed this place since you opened it. Reload and try again.",
            code="rehabilitation.version_conflict",
            field="version",
        )
    return allocation


def _qualification(
    actor: Actor, person: Person, data: dict, *, achieved_on: dt.date, allocation: Allocation | None = None
) -> Qualification:
    title = _text(data.get("title"), "title", limit=200, required="Enter the qualification's title")
    return Qualification.objects.create(
        person=person,
        title=title,
        awarding_body=_text(data.get("awarding_body"), "awarding_body", limit=200),
        level=_text(data.get("level"), "level", limit=50),
        certificate_number=_text(data.get("certificate_number"), "certificate_number", limit=100),
        achieved_on=achieved_on,
        allocation=allocation,
        recorded_by_id=actor.user_id,
        recorded_at=clock.now(),
    )


def _mark_plan_action_done(actor: Actor, allocation: Allocation, on: dt.date) -> PlanAction | None:
    """The plan action the referral came from is done once the programme is completed: through the
    plans area's ``mark_action_done_as_consequence`` (a plan change like any other: version, snapshot,
    audit), under this service's permission."""
    referral = allocation.referral
    if referral is None or referral.plan_action_id is None:
        return None
    return mark_action_done_as_consequence(
        actor,
        action_pk=referral.plan_action_id,
        completed_on=on,
        because=f"programme {allocation.programme.code} completed",
        details={"allocation_id": str(allocation.public_id)},
    )


def complete_allocation(
    actor: Actor,
    *,
    allocation_id,
    ended_on: dt.date | None = None,
    version: int | None = None,
    qualification: dict | None = None,
    detail: str = "",
) -> Allocation:
    """End a live place as completed on ``ended_on`` (default today). With ``qualification`` (title
    defaulting to the programme's, awarding body, level, certificate number) the person's
    qualification is recorded, achieved that day. The plan action the referral came from is marked
    done; a programme earning time credits recalculates the person's release dates."""
    allocation = _live(actor, allocation_id, version)
    ended_on = _end_day(allocation, ended_on)
    detail = _text(detail, "detail", limit=1000)
    allocation.status = Allocation.Status.COMPLETED
    allocation.ended_on = ended_on
    allocation.end_reason = Allocation.EndReason.COMPLETED
    allocation.end_detail = detail
    allocation.version += 1
    allocation.save(update_fields=["status", "ended_on", "end_reason", "end_detail", "version"])
    earned = None
    if qualification is not None:
        data = {**qualification, "title": qualification.get("title") or allocation.programme.qualification}
        earned = _qualification(actor, allocation.person, data, achieved_on=ended_on, allocation=allocation)
    action = _mark_plan_action_done(actor, allocation, ended_on)
    record_event(
        actor,
        "rehabilitation.allocation_completed",
        object_type="allocation",
        object_id=allocation.public_id,
        subject_person_id=allocation.person_id,
        site_id=allocation.programme.facility_id,
        changed_fields=["status", "ended_on", "end_reason"],
        details={
            "programme": allocation.programme.code,
            "ended_on": ended_on.isoformat(),
            "qualification_id": str(earned.public_id) if earned else None,
            "plan_action_id": str(action.public_id) if action else None,
        },
    )
    if allocation.programme.earns_time_credits:
        recalculate(actor, allocation.person, reason=CREDITS_REASON, detail=f"Completed {allocation.programme.code}")
    return allocation


def end_not_completed(
    actor: Actor,
    *,
    allocation_id,
    reason: str,
    detail: str = "",
    ended_on: dt.date | None = None,
    version: int | None = None,
) -> Allocation:
    """End a live place as not completed, with a reason (``Allocation.EndReason`` other than completed;
    "other" needs the detail). Attended days already earned still count toward time credits."""
    allocation = _live(actor, allocation_id, version)
    if reason not in NOT_COMPLETED_REASONS:
        raise RuleViolation("Select why the place ended", code="rehabilitation.invalid_reason", field="reason")
    detail = _text(
        detail,
        "detail",
        limit=1000,
        required="Describe why the place ended" if reason == Allocation.EndReason.OTHER else "",
    )
    ended_on = _end_day(allocation, ended_on)
    allocation.status = Allocation.Status.NOT_COMPLETED
    allocation.ended_on = ended_on
    allocation.end_reason = reason
    allocation.end_detail = detail
    allocation.version += 1
    allocation.save(update_fields=["status", "ended_on", "end_reason", "end_detail", "version"])
    record_event(
        actor,
        "rehabilitation.allocation_not_completed",
        object_type="allocation",
        object_id=allocation.public_id,
        subject_person_id=allocation.person_id,
        site_id=allocation.programme.facility_id,
        changed_fields=["status", "ended_on", "end_reason", "end_detail"],
        details={"programme": allocation.programme.code, "ended_on": ended_on.isoformat(), "reason": reason},
        reason=detail,
    )
    return allocation


def record_qualification(
    actor: Actor,
    *,
    person_id,
    title: str,
    achieved_on: dt.date,
    awarding_body: str = "",
    level: str = "",
    certificate_number: str = "",
) -> Qualification:
    """A qualification the person earned elsewhere (education before custody, another provider)."""
    actor.require("rehabilitation.record_attendance")
    person = find_person(actor, person_id)
    if achieved_on > clock.today():
        raise RuleViolation(
            "The date achieved cannot be in the future", code="rehabilitation.future_date", field="achieved_on"
        )
    data = {"title": title, "awarding_body": awarding_body, "level": level, "certificate_number": certificate_number}
    qualification = _qualification(actor, person, data, achieved_on=achieved_on)
    record_event(
        actor,
        "rehabilitation.qualification_recorded",
        object_type="qualification",
        object_id=qualification.public_id,
        subject_person_id=person.pk,
        changed_fields=["title", "awarding_body", "level", "achieved_on", "certificate_number"],
        details={"title": qualification.title, "level": qualification.level},
    )
    return qualification
