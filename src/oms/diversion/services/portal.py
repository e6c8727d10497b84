"""What a participant does in the portal (diversion.use_portal), always on their own participation.

- ``log_own_hours``: community service worked (date, minutes, place, supervisor); the entry awaits
  verification by a coordinator like any other, and since ``verify_hours`` refuses the user who logged
  it the participant can never verify their own hours. The coordinators are told hours await them.
- ``check_in``: a short attendance and wellbeing check-in, one a day. When the participation has a
  check-ins requirement it also counts as an attended check-in session. "Struggling" or "please contact
  me" is passed straight to the coordinators.

Audited as ``diversion.hours_logged`` (logged_by participant) and ``diversion.portal_checked_in``.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.diversion.models import ClassAttendance, HoursEntry, Participation, PortalCheckIn, Requirement
from oms.diversion.queries import portal as queries
from oms.diversion.queries.participations import detail_of
from oms.diversion.services import notices
from oms.diversion.services._common import audit, check_choice, clean_text
from oms.diversion.services.progress import checked_requirement, write_hours

USE_PORTAL = "diversion.use_portal"


def log_own_hours(
    actor: Actor, *, requirement_id, worked_on, minutes: int, place: str, supervisor_name: str, description: str = ""
) -> HoursEntry:
    actor.require(USE_PORTAL)
    requirement = checked_requirement(queries.my_requirement(actor, requirement_id), ("community_service",))
    entry = write_hours(
        actor,
        requirement,
        worked_on=worked_on,
        minutes=minutes,
        description=description,
        place=place,
        supervisor_name=supervisor_name,
        logged_by="participant",
        place_required=True,
    )
    transaction.on_commit(lambda: notices.notify_coordinators_of_hours(entry))
    return entry


def _check_in_requirement(participation: Participation, today) -> Requirement | None:
    """The check-ins requirement this check-in counts toward: the earliest due one not yet met."""
    detail = detail_of(participation, today=today)
    items = [i for i in detail.requirements if i.requirement.kind == Requirement.Kind.CHECK_INS]
    open_items = [i for i in items if i.status.status != "met"]
    chosen = (open_items or items)[:1]
    return chosen[0].requirement if chosen else None


def check_in(actor: Actor, *, wellbeing: str, wants_contact: bool = False, note: str = "") -> PortalCheckIn:
    actor.require(USE_PORTAL)
    participation = queries.current_participation(actor)
    participation = (
        Participation.objects.select_for_update().select_related("person", "programme__site").get(pk=participation.pk)
    )
    if participation.state != Participation.State.ACTIVE:
        raise RuleViolation(
            "You can check in once your programme has started", code="diversion.not_active", field="state"
        )
    wellbeing = check_choice(wellbeing, PortalCheckIn.Wellbeing.values, "wellbeing")
    note = clean_text(note, "note", 1000)
    today = clock.today()
    if participation.portal_check_ins.filter(on=today).exists():
        raise Conflict("You have already checked in today", code="diversion.already_checked_in", field="wellbeing")
    attendance = None
    requirement = _check_in_requirement(participation, today)
    if requirement is not None and (participation.starts_on is None or participation.starts_on <= today):
        attendance = ClassAttendance.objects.create(
            requirement=requirement,
            on=today,
            outcome=ClassAttendance.Outcome.ATTENDED,
            note="Checked in on the portal",
            recorded_at=clock.now(),
            recorded_by_id=actor.user_id,
        )
    try:
        with transaction.atomic():  # the unique constraint settles two check-ins racing on one day
            made = PortalCheckIn.objects.create(
                participation=participation,
                on=today,
                wellbeing=wellbeing,
                wants_contact=bool(wants_contact),
                note=note,
                attendance=attendance,
                checked_in_at=clock.now(),
                checked_in_by_id=actor.user_id,
            )
    except IntegrityError as error:
        raise Conflict(
            "You have already checked in today", code="diversion.already_checked_in", field="wellbeing"
        ) from error
    audit(
        actor,
        participation,
        "portal_checked_in",
        changed=["portal_check_ins", "attendances"] if attendance else ["portal_check_ins"],
        details={"check_in": str(made.public_id), "wellbeing": wellbeing, "wants_contact": made.wants_contact},
    )
    if made.wants_contact or wellbeing == PortalCheckIn.Wellbeing.STRUGGLING:
        transaction.on_commit(lambda: notices.notify_coordinators_of_check_in(made))
    return made
