"""Observations of people on watch (suicide or self-harm risk, medical, constant watch): a plan with a
check interval, checks recorded against it, overdue checks listed for supervisors.

Starting and ending a plan needs ``custody.manage_observations``; recording a check needs
``custody.observe``. Each writes one audit event (``custody.observation_started``,
``custody.observation_checked``, ``custody.observation_ended``).
"""

from __future__ import annotations

import datetime as dt

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.custody import queries
from oms.custody.models import CustodyEpisode, ObservationCheck, ObservationPlan
from oms.custody.queries.observations import get_plan
from oms.custody.rules import movements as rules

FUTURE_TOLERANCE = dt.timedelta(minutes=5)


def _text(value: str | None, field: str, *, limit: int = 500, required: str = "") -> str:
    value = " ".join(str(value or "").split())
    if required and not value:
        raise RuleViolation(required, code="custody.required", field=field)
    if len(value) > limit:
        raise RuleViolation(
            f"{field.capitalize()} must be {limit} characters or less", code="custody.too_long", field=field
        )
    return value


def start_observation_plan(
    actor: Actor, *, episode_id, reason: str, interval_minutes: int | None, instructions: str = ""
) -> ObservationPlan:
    """Put a person on watch, checked every ``interval_minutes`` (5 to 240). The first check falls one
    interval after the start: whoever starts the plan has just seen the person. One open plan per
    episode (change the interval by ending the plan and starting another). ``custody.manage_observations``;
    audited as ``custody.observation_started``."""
    episode = queries.get_episode(actor, episode_id, permission="custody.manage_observations", for_update=True)
    if episode.status != CustodyEpisode.Status.ACTIVE:
        raise Conflict("This person has been released.", code="custody.episode_not_active", field="episode")
    if reason not in ObservationPlan.Reason.values:
        raise RuleViolation("Select why the person is on watch", code="custody.invalid_reason", field="reason")
    if problem := rules.validate_interval(interval_minutes):
        raise RuleViolation(problem, code="custody.invalid_interval", field="interval_minutes")
    instructions = _text(instructions, "instructions")
    if ObservationPlan.objects.filter(episode=episode, ended_at__isnull=True).exists():
        raise Conflict("This person is already on watch.", code="custody.observation_plan_exists", field="episode")
    now = clock.now()
    plan = ObservationPlan.objects.create(
        episode=episode,
        person_id=episode.person_id,
        site_id=episode.site_id,
        reason=reason,
        interval_minutes=interval_minutes,
        instructions=instructions,
        started_at=now,
        started_by_id=actor.user_id,
        next_due_at=rules.next_due_after(now, interval_minutes),
    )
    record_event(
        actor,
        "custody.observation_started",
        object_type="observation_plan",
        object_id=plan.public_id,
        subject_person_id=episode.person_id,
        site_id=episode.site_id,
        changed_fields=["reason", "interval_minutes", "instructions"],
        details={"reason": reason, "interval_minutes": interval_minutes},
    )
    return plan


def record_observation_check(
    actor: Actor, *, plan_id, outcome: str, note: str = "", checked_at: dt.datetime | None = None
) -> ObservationCheck:
    """Record a check of a person on watch. ``late_by_minutes`` is how long after ``next_due_at`` it
    came; the next check is then due one interval after this one. A concern or a person not seen needs
    a note. ``custody.observe``; audited as ``custody.observation_checked``."""
    plan = get_plan(actor, plan_id, permission="custody.observe", for_update=True)
    if plan.ended_at is not None:
        raise Conflict("This watch has ended.", code="custody.observation_plan_ended", field="plan")
    if outcome not in ObservationCheck.Outcome.values:
        raise RuleViolation("Select what the check found", code="custody.invalid_outcome", field="outcome")
    note = _text(
        note,
        "note",
        required=""
        if outcome == ObservationCheck.Outcome.SEEN_WELL
        else "Describe the concern or why they were not seen",
    )
    now = clock.now()
    checked_at = checked_at or now
    if checked_at.tzinfo is None:
        raise RuleViolation("Give the time with its time zone", code="custody.naive_time", field="checked_at")
    if checked_at > now + FUTURE_TOLERANCE:
        raise RuleViolation("The check cannot be in the future", code="custody.future_time", field="checked_at")
    last = plan.checks.order_by("-checked_at").values_list("checked_at", flat=True).first()
    if checked_at < max(filter(None, [last, plan.started_at])):
        raise RuleViolation(
            "The check cannot be before the watch started or the last check",
            code="custody.check_out_of_order",
            field="checked_at",
        )
    check = ObservationCheck.objects.create(
        plan=plan,
        checked_at=checked_at,
        checked_by_id=actor.user_id,
        outcome=outcome,
        note=note,
        late_by_minutes=rules.late_by_minutes(plan.next_due_at, checked_at),
    )
    plan.next_due_at = rules.next_due_after(checked_at, plan.interval_minutes)
    plan.save(update_fields=["next_due_at"])
    record_event(
        actor,
        "custody.observation_checked",
        object_type="observation_plan",
        object_id=plan.public_id,
        subject_person_id=plan.person_id,
        site_id=plan.site_id,
        changed_fields=["checks", "next_due_at"],
        details={"outcome": outcome, "late_by_minutes": check.late_by_minutes},
    )
    return check


def end_observation_plan(actor: Actor, *, plan_id, reason: str) -> ObservationPlan:
    """Take a person off watch, with a reason. ``custody.manage_observations``; audited as
    ``custody.observation_ended``."""
    plan = get_plan(actor, plan_id, permission="custody.manage_observations", for_update=True)
    reason = _text(reason, "reason", required="Enter why the watch is ending")
    if plan.ended_at is not None:
        raise Conflict("This watch has already ended.", code="custody.observation_plan_ended", field="plan")
    plan.ended_at = clock.now()
    plan.ended_by_id = actor.user_id
    plan.end_reason = reason
    plan.save(update_fields=["ended_at", "ended_by", "end_reason"])
    record_event(
        actor,
        "custody.observation_ended",
        object_type="observation_plan",
        object_id=plan.public_id,
        subject_person_id=plan.person_id,
        site_id=plan.site_id,
        changed_fields=["ended_at", "end_reason"],
        reason=reason,
    )
    return plan
