"""Changing case plans: open a plan, add, change and close goals, add and change actions, record a
review, update the person's own words, update the goals from the latest needs assessment, close a plan.

Permission: rehabilitation.manage_plans, on a person in the actor's scope (else NotFound). Every
change takes the plan ``version`` the caller read (Conflict ``rehabilitation.plan_version_conflict``
when stale), bumps it, saves a ``CasePlanVersion`` snapshot of the whole plan with a one-line
description, and writes one audit event ``rehabilitation.case_plan_<what>``.

Goals from needs: when a criminogenic-needs assessment completes, ``derive_goals_on_assessment_completed``
runs inside the completing transaction (subscribed to ``assessment.assessment_completed``) under the
assessor, who may not hold manage_plans: the goals are a consequence of the assessment they were
allowed to complete, not a separate decision. The audit event says so (``details.trigger``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from oms.assessment.models import Assessment
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.core.events import Event
from oms.core.ids import parse_public_id
from oms.people.models import Person
from oms.people.queries.records import find_person
from oms.rehabilitation.models import CasePlan, CasePlanVersion, PlanAction, PlanGoal, PlanReview, Programme
from oms.rehabilitation.queries import plans as queries
from oms.rehabilitation.rules import plans as rules

MANAGE = "rehabilitation.manage_plans"
DERIVED_TRIGGER = "assessment.assessment_completed"
GOAL_CLOSING_STATUSES = (PlanGoal.Status.ACHIEVED, PlanGoal.Status.WITHDRAWN)


# --- checks ----------------------------------------------------------------------------------------


def _clean_text(value, field: str, limit: int, *, required: bool = False, label: str = "") -> str:
    label = label or field.replace("_", " ")
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(f"Enter the {label}", code="rehabilitation.missing", field=field)
    if len(value) > limit:
        raise RuleViolation(
            f"The {label} must be {limit} characters or fewer", code="rehabilitation.too_long", field=field
        )
    return value


def _check_choice(value: str, choices: Iterable[str], field: str) -> str:
    choices = tuple(choices)
    if value not in choices:
        raise RuleViolation(
            f"{value!r} is not one of {', '.join(choices)}", code="rehabilitation.bad_choice", field=field
        )
    return value


def _raise_problem(problem: rules.Problem | None) -> None:
    if problem is not None:
        raise RuleViolation(problem.message, code=f"rehabilitation.{problem.code}", field=problem.field)


def _check_version(plan: CasePlan, version: int | None) -> None:
    if version is None or plan.version != version:
        raise Conflict(
            "Someone else changed this case plan since you read it: reload it and try again",
            code="rehabilitation.plan_version_conflict",
            field="version",
        )


def _check_active(plan: CasePlan) -> None:
    if plan.status != CasePlan.Status.ACTIVE:
        raise Conflict("The case plan is closed: reopen it first", code="rehabilitation.plan_closed")


def _plan_for_change(actor: Actor, plan_id, version: int | None) -> CasePlan:
    plan = queries.find_plan(actor, plan_id, for_update=True)
    _check_version(plan, version)
    _check_active(plan)
    return plan


def _programme(actor: Actor, programme_id) -> Programme | None:
    """The programme an action names as its intervention: one the actor's scope reaches."""
    if programme_id in (None, ""):
        return None
    wanted = parse_public_id(programme_id, code="rehabilitation.programme_not_found")
    programme = Programme.objects.select_related("facility").filter(public_id=wanted).first()
    if programme is None or not actor.can_reach_site(programme.facility_id, programme.facility.organisation_id):
        raise NotFound("No such programme", code="rehabilitation.programme_not_found", field="programme_id")
    return programme


# --- saving a change: version, snapshot, audit --------------------------------------------------------


def _save_change(
    actor: Actor,
    plan: CasePlan,
    *,
    verb: str,
    description: str,
    row=None,
    changed: Iterable[str] = (),
    details: dict | None = None,
    reason: str = "",
    new_plan: bool = False,
) -> CasePlan:
    """Bump the version (unless the plan was just created at version 1), save the snapshot, audit."""
    now = clock.now()
    if not new_plan:
        plan.version += 1
    plan.updated_at = now
    plan.save()
    CasePlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        snapshot=queries.plan_snapshot(plan),
        change=description[:200],
        changed_by_id=actor.user_id,
        changed_at=now,
    )
    target = row if row is not None else plan
    record_event(
        actor,
        f"rehabilitation.case_plan_{verb}",
        object_type={CasePlan: "case_plan", PlanGoal: "plan_goal", PlanAction: "plan_action"}.get(
            type(target), "plan_review"
        ),
        object_id=target.public_id,
        subject_person_id=plan.person_id,
        changed_fields=changed,
        details={"plan_id": str(plan.public_id), "version": plan.version, **(details or {})},
        reason=reason,
    )
    return plan


# --- the plan ------------------------------------------------------------------------------------


def _new_plan(actor: Actor, person: Person, *, persons_words: str = "", next_review_on=None) -> CasePlan:
    now = clock.now()
    return CasePlan.objects.create(
        person=person,
        persons_words=persons_words,
        next_review_on=next_review_on,
        owner_id=actor.user_id,
        created_at=now,
        created_by_id=actor.user_id,
        updated_at=now,
    )


def open_plan(actor: Actor, *, person_id, persons_words: str = "", next_review_on: dt.date | None = None) -> CasePlan:
    """Open the person's case plan (one per person; a closed one is reopened, keeping its history).
    The actor becomes its owner. Audited as ``rehabilitation.case_plan_opened`` or ``_reopened``."""
    actor.require(MANAGE)
    person = find_person(actor, person_id, for_update=True)
    persons_words = _clean_text(persons_words, "persons_words", 5000, label="person's own words")
    if next_review_on is not None and next_review_on < clock.today():
        raise RuleViolation(
            "The first review must be today or later", code="rehabilitation.review_in_past", field="next_review_on"
        )
    existing = CasePlan.objects.select_for_update().filter(person=person).first()
    if existing is not None and existing.status == CasePlan.Status.ACTIVE:
        raise Conflict("This person already has a case plan", code="rehabilitation.plan_exists")
    if existing is not None:
        existing.status = CasePlan.Status.ACTIVE
        existing.closed_reason = ""
        if persons_words:
            existing.persons_words = persons_words
        existing.next_review_on = next_review_on
        existing.owner_id = actor.user_id or existing.owner_id
        return _save_change(actor, existing, verb="reopened", description="Plan reopened", changed=["status"])
    plan = _new_plan(actor, person, persons_words=persons_words, next_review_on=next_review_on)
    return _save_change(actor, plan, verb="opened", description="Plan opened", new_plan=True)


def update_persons_words(actor: Actor, *, plan_id, version: int, persons_words: str) -> CasePlan:
    """Record what the person says they want to change and how, in their own words. Audited as
    ``rehabilitation.case_plan_persons_words_updated`` (the words themselves stay out of the audit)."""
    actor.require(MANAGE)
    plan = _plan_for_change(actor, plan_id, version)
    words = _clean_text(persons_words, "persons_words", 5000, label="person's own words")
    if words == plan.persons_words:
        return plan
    plan.persons_words = words
    return _save_change(
        actor,
        plan,
        verb="persons_words_updated",
        description="The person's own words updated",
        changed=["persons_words"],
    )


def close_plan(actor: Actor, *, plan_id, version: int, reason: str) -> CasePlan:
    """Close the plan with a reason (released, transferred out, sentence ended...). Goals and actions
    stay as they were. Audited as ``rehabilitation.case_plan_closed``."""
    actor.require(MANAGE)
    plan = _plan_for_change(actor, plan_id, version)
    reason = _clean_text(reason, "reason", 500, required=True, label="reason for closing the plan")
    plan.status = CasePlan.Status.CLOSED
    plan.closed_reason = reason
    return _save_change(
        actor, plan, verb="closed", description=f"Plan closed: {reason}", changed=["status"], reason=reason
    )


# --- goals ---------------------------------------------------------------------------------------


def _next_position(plan: CasePlan) -> int:
    last = plan.goals.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


def add_goal(actor: Actor, *, plan_id, version: int, title: str, description: str = "", need: str = "") -> PlanGoal:
    """Add a goal, optionally naming the need domain it addresses. Audited as
    ``rehabilitation.case_plan_goal_added``."""
    actor.require(MANAGE)
    plan = _plan_for_change(actor, plan_id, version)
    title = _clean_text(title, "title", 200, required=True, label="goal")
    description = _clean_text(description, "description", 2000)
    need = (need or "").strip()
    if need:
        _check_choice(need, rules.NEED_GOALS, "need")
    goal = PlanGoal.objects.create(
        plan=plan,
        need=need,
        title=title,
        description=description,
        position=_next_position(plan),
        created_at=clock.now(),
    )
    _save_change(actor, plan, verb="goal_added", description=f"Goal added: {title}", row=goal, details={"need": need})
    return goal


def _goal_for_change(actor: Actor, goal_id, version: int) -> tuple[PlanGoal, CasePlan]:
    goal = queries.find_goal(actor, goal_id)
    plan = _plan_for_change(actor, goal.plan.public_id, version)
    return PlanGoal.objects.get(pk=goal.pk), plan


def change_goal(actor: Actor, *, goal_id, version: int, changes: dict) -> PlanGoal:
    """Change a goal's title or description, or reopen it (status ``open``). Audited as
    ``rehabilitation.case_plan_goal_changed``."""
    actor.require(MANAGE)
    goal, plan = _goal_for_change(actor, goal_id, version)
    allowed = ("title", "description", "status")
    for name in changes:
        if name not in allowed:
            raise RuleViolation(f"{name} cannot be changed here", code="rehabilitation.bad_field", field=name)
    changes = dict(changes)
    if "title" in changes:
        changes["title"] = _clean_text(changes["title"], "title", 200, required=True, label="goal")
    if "description" in changes:
        changes["description"] = _clean_text(changes["description"], "description", 2000)
    if "status" in changes and changes["status"] != goal.status:
        # Closing has its own step (with the outcome); here a closed goal can only be reopened.
        _check_choice(changes["status"], [PlanGoal.Status.OPEN], "status")
    changed = [name for name, value in changes.items() if getattr(goal, name) != value]
    if not changed:
        return goal
    for name in changed:
        setattr(goal, name, changes[name])
    goal.save()
    what = "reopened" if "status" in changed else "changed"
    _save_change(actor, plan, verb="goal_changed", description=f"Goal {what}: {goal.title}", row=goal, changed=changed)
    return goal


def close_goal(actor: Actor, *, goal_id, version: int, status: str, reason: str = "") -> PlanGoal:
    """Close a goal as achieved or no longer needed. Its open actions stay as they are (no longer listed
    as overdue). Audited as ``rehabilitation.case_plan_goal_closed``."""
    actor.require(MANAGE)
    goal, plan = _goal_for_change(actor, goal_id, version)
    _check_choice(status, GOAL_CLOSING_STATUSES, "status")
    reason = _clean_text(reason, "reason", 500)
    if goal.status != PlanGoal.Status.OPEN:
        raise Conflict("The goal is already closed", code="rehabilitation.goal_closed")
    goal.status = status
    goal.save(update_fields=["status"])
    label = PlanGoal.Status(status).label.lower()
    _save_change(
        actor,
        plan,
        verb="goal_closed",
        description=f"Goal closed ({label}): {goal.title}",
        row=goal,
        changed=["status"],
        details={"status": status},
        reason=reason,
    )
    return goal


# --- actions -------------------------------------------------------------------------------------


def _apply_action_status(action: PlanAction, status: str) -> None:
    _check_choice(status, PlanAction.Status.values, "status")
    if status == PlanAction.Status.DONE and action.status != PlanAction.Status.DONE:
        action.completed_on = clock.today()
    elif status != PlanAction.Status.DONE:
        action.completed_on = None
    action.status = status


def add_action(
    actor: Actor,
    *,
    goal_id,
    version: int,
    description: str,
    owner_kind: str = PlanAction.OwnerKind.CASE_MANAGER,
    owner_name: str = "",
    target_on: dt.date | None = None,
    status: str = PlanAction.Status.NOT_STARTED,
    programme_id=None,
) -> PlanAction:
    """Add an action or intervention to an open goal: who owns it, by when, and optionally the
    programme it refers the person to. Audited as ``rehabilitation.case_plan_action_added``."""
    actor.require(MANAGE)
    goal, plan = _goal_for_change(actor, goal_id, version)
    if goal.status != PlanGoal.Status.OPEN:
        raise Conflict("Actions can only be added to an open goal", code="rehabilitation.goal_closed")
    action = PlanAction(
        goal=goal,
        description=_clean_text(description, "description", 500, required=True, label="action"),
        owner_kind=_check_choice(owner_kind, PlanAction.OwnerKind.values, "owner_kind"),
        owner_name=_clean_text(owner_name, "owner_name", 200, label="owner's name"),
        target_on=target_on,
        programme=_programme(actor, programme_id),
        created_at=clock.now(),
    )
    _apply_action_status(action, status)
    action.save()
    _save_change(
        actor,
        plan,
        verb="action_added",
        description=f"Action added to '{goal.title}': {action.description}",
        row=action,
        details={"goal_id": str(goal.public_id), "owner_kind": action.owner_kind, "status": action.status},
    )
    return action


ACTION_FIELDS = ("description", "owner_kind", "owner_name", "target_on", "status", "programme_id")


def change_action(actor: Actor, *, action_id, version: int, changes: dict) -> PlanAction:
    """Change an action: description, owner, target date, status (done sets the completion date) or
    programme (``programme_id`` None removes it). Audited as ``rehabilitation.case_plan_action_changed``."""
    actor.require(MANAGE)
    found = queries.find_action(actor, action_id)
    plan = _plan_for_change(actor, found.goal.plan.public_id, version)
    action = PlanAction.objects.select_related("goal", "programme").get(pk=found.pk)
    for name in changes:
        if name not in ACTION_FIELDS:
            raise RuleViolation(f"{name} cannot be changed here", code="rehabilitation.bad_field", field=name)
    changed: list[str] = []
    if "description" in changes:
        value = _clean_text(changes["description"], "description", 500, required=True, label="action")
        if value != action.description:
            action.description = value
            changed.append("description")
    if "owner_kind" in changes and changes["owner_kind"] != action.owner_kind:
        action.owner_kind = _check_choice(changes["owner_kind"], PlanAction.OwnerKind.values, "owner_kind")
        changed.append("owner_kind")
    if "owner_name" in changes:
        value = _clean_text(changes["owner_name"], "owner_name", 200, label="owner's name")
        if value != action.owner_name:
            action.owner_name = value
            changed.append("owner_name")
    if "target_on" in changes and changes["target_on"] != action.target_on:
        action.target_on = changes["target_on"]
        changed.append("target_on")
    if "programme_id" in changes:
        programme = _programme(actor, changes["programme_id"])
        if (programme.pk if programme else None) != action.programme_id:
            action.programme = programme
            changed.append("programme")
    if "status" in changes and changes["status"] != action.status:
        _apply_action_status(action, changes["status"])
        changed.append("status")
    if not changed:
        return action
    action.save()
    what = f"marked {action.get_status_display().lower()}" if changed == ["status"] else "changed"
    _save_change(
        actor,
        plan,
        verb="action_changed",
        description=f"Action {what}: {action.description}",
        row=action,
        changed=changed,
        details={"status": action.status},
    )
    return action


def mark_action_done_as_consequence(
    actor: Actor, *, action_pk: int, completed_on: dt.date, because: str, details: dict | None = None
) -> PlanAction | None:
    """For other rehabilitation areas (a programme completed, say): mark a plan action done as the
    consequence of their own change, under their permission (no manage_plans check; the caller has
    checked its own). It is a plan change like any other: the version is bumped and a snapshot saved,
    so the plan's history shows it; audited as ``rehabilitation.case_plan_action_changed`` with
    ``details.trigger = because``. Returns None when the action is already done or cancelled, or its
    plan is closed."""
    action = PlanAction.objects.select_related("goal__plan").get(pk=action_pk)
    plan = CasePlan.objects.select_for_update().get(pk=action.goal.plan_id)
    action = PlanAction.objects.get(pk=action_pk)  # re-read under the plan's lock
    if action.status in rules.ACTION_CLOSED_STATUSES or plan.status != CasePlan.Status.ACTIVE:
        return None
    action.status = PlanAction.Status.DONE
    action.completed_on = completed_on
    action.save(update_fields=["status", "completed_on"])
    _save_change(
        actor,
        plan,
        verb="action_changed",
        description=f"Action done ({because}): {action.description}"[:200],
        row=action,
        changed=["status", "completed_on"],
        details={"status": action.status, "trigger": because, **(details or {})},
    )
    return action


# --- reviews -------------------------------------------------------------------------------------


def record_review(
    actor: Actor,
    *,
    plan_id,
    version: int,
    held_on: dt.date,
    attendees: Iterable[str],
    summary: str,
    persons_words: str = "",
    next_review_on: dt.date | None = None,
) -> PlanReview:
    """Record a review: when it was held, who attended, a summary, what the person said, and the next
    review date, which becomes the plan's. Audited as ``rehabilitation.case_plan_reviewed``."""
    actor.require(MANAGE)
    plan = _plan_for_change(actor, plan_id, version)
    if isinstance(attendees, str):
        attendees = attendees.splitlines()
    names = rules.clean_attendees(attendees)
    _raise_problem(rules.attendees_problem(names))
    summary = _clean_text(summary, "summary", 5000, required=True, label="review summary")
    persons_words = _clean_text(persons_words, "persons_words", 5000, label="person's own words")
    _raise_problem(rules.review_problem(held_on=held_on, next_review_on=next_review_on, today=clock.today()))
    review = PlanReview.objects.create(
        plan=plan,
        held_on=held_on,
        attendees=names,
        summary=summary,
        persons_words=persons_words,
        next_review_on=next_review_on,
        recorded_by_id=actor.user_id,
        recorded_at=clock.now(),
    )
    plan.next_review_on = next_review_on
    next_text = f"; next review {next_review_on:%d %b %Y}" if next_review_on else ""
    _save_change(
        actor,
        plan,
        verb="reviewed",
        description=f"Review held {held_on:%d %b %Y}{next_text}",
        row=review,
        changed=["next_review_on"],
        details={"held_on": held_on.isoformat(), "attendees": len(names)},
    )
    return review


# --- goals from needs ----------------------------------------------------------------------------


def _derive(
    actor: Actor, plan: CasePlan, assessment: Assessment, *, new_plan: bool, trigger: str, reopened: bool = False
) -> list[PlanGoal]:
    """Add a goal (with its suggested first action) for each standard or severe need without an open
    goal, and record the assessment on the plan; one version and one audit event."""
    open_needs = plan.goals.filter(status=PlanGoal.Status.OPEN).exclude(need="").values_list("need", flat=True)
    to_add = rules.goals_to_add(rules.suggested_goals(assessment.answers or {}), open_needs)
    if not to_add and plan.needs_assessment_id == assessment.pk and not (new_plan or reopened):
        return []
    now = clock.now()
    assessed_on = assessment.completed_on or clock.today()
    position = _next_position(plan)
    goals = []
    for n, suggestion in enumerate(to_add):
        goal = PlanGoal.objects.create(
            plan=plan,
            need=suggestion.need,
            need_level=suggestion.level,
            title=suggestion.title,
            description=f"From the needs assessment of {assessed_on:%d %b %Y}: {suggestion.level} need.",
            position=position + n,
            created_at=now,
        )
        PlanAction.objects.create(
            goal=goal,
            description=suggestion.first_action,
            owner_kind=suggestion.first_action_owner,
            target_on=assessed_on + dt.timedelta(days=rules.FIRST_ACTION_DAYS[suggestion.level]),
            created_at=now,
        )
        goals.append(goal)
    plan.needs_assessment = assessment
    added = ", ".join(s.need.replace("_", " ") for s in to_add) or "no new needs"
    description = f"Goals from the needs assessment of {assessed_on:%d %b %Y}: {added}"
    if new_plan or reopened:
        description = f"Plan {'opened' if new_plan else 'reopened'}. {description}"
    _save_change(
        actor,
        plan,
        verb="opened" if new_plan else "reopened" if reopened else "goals_derived",
        description=description,
        changed=["needs_assessment", "goals"],
        details={
            "assessment_id": str(assessment.public_id),
            "needs_added": [s.need for s in to_add],
            "trigger": trigger,
        },
        new_plan=new_plan,
    )
    return goals


def update_goals_from_needs(actor: Actor, *, plan_id, version: int) -> list[PlanGoal]:
    """Add goals for the needs the person's current criminogenic-needs assessment found that have no
    open goal yet (a need now rated no_need keeps its goal: staff close it). Audited as
    ``rehabilitation.case_plan_goals_derived``. Returns the goals added."""
    actor.require(MANAGE)
    plan = _plan_for_change(actor, plan_id, version)
    assessment = queries.latest_needs_assessment(plan.person)
    if assessment is None:
        raise RuleViolation("The person has no completed needs assessment", code="rehabilitation.no_needs_assessment")
    return _derive(actor, plan, assessment, new_plan=False, trigger="manual")


def derive_goals_on_assessment_completed(actor: Actor, event: Event) -> None:
    """Subscribed to ``assessment.assessment_completed``: for a criminogenic-needs assessment, open the
    person's plan if they have none (or reopen a closed one) and add goals for its needs.

    Runs in the assessment's transaction under the assessor. Not checked against manage_plans on
    purpose: completing the assessment (assessment.assess, person in scope) is the authority, and the
    plan change is its recorded consequence (audit details ``trigger``: the event name)."""
    payload = event.payload
    if payload.get("instrument") != rules.NEEDS_INSTRUMENT:
        return
    person = find_person(actor, payload["person_id"], for_update=True)
    assessment = Assessment.objects.filter(
        public_id=parse_public_id(payload["assessment_id"], code="assessment.not_found"), person=person
    ).first()
    if assessment is None:
        return
    plan = CasePlan.objects.select_for_update().filter(person=person).first()
    if plan is None:
        plan = _new_plan(actor, person)
        _derive(actor, plan, assessment, new_plan=True, trigger=DERIVED_TRIGGER)
        return
    reopened = plan.status != CasePlan.Status.ACTIVE
    if reopened:
        # The person is being worked with again (a new sentence, a recall): the plan comes back.
        plan.status = CasePlan.Status.ACTIVE
        plan.closed_reason = ""
    _derive(actor, plan, assessment, new_plan=False, trigger=DERIVED_TRIGGER, reopened=reopened)
