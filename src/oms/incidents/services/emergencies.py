"""Emergency response: declare, update instructions, log, authorise movement exceptions, stand down,
record the after-action review and link incidents. Also the movement guard custody asks before
recording a movement (registered in ``apps.py``).

Every change writes one audit event and one line of the emergency's timeline. Several emergencies
may be active at a facility at once (a fire in one wing during a lockdown of another), but not two
with exactly the same scope: that is the same emergency declared twice (``incidents.emergency_already_active``).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q

from oms.accounts.models import RolePermission, User
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor, Scope
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.core.ids import parse_public_id
from oms.core.notifications import Message, Recipient, notify
from oms.custody.services.movement_guards import PlannedMove
from oms.facilities.models import Location, Site
from oms.incidents.models import Emergency, EmergencyAction, Incident, MovementException
from oms.incidents.queries.emergencies import facility_in_reach, get_emergency
from oms.incidents.rules import emergencies as rules
from oms.people.queries.records import find_person

DECLARE = "incidents.declare_emergency"
ROLL = "incidents.emergency_roll"
BLOCKED_CODE = "custody.movement_blocked_by_emergency"


def _text(value, field: str, *, max_length: int, required: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(required, code="incidents.required", field=field)
    if len(value) > max_length:
        raise RuleViolation(f"Must be {max_length:,} characters or less.", code="incidents.text_too_long", field=field)
    return value


def _action(emergency: Emergency, actor: Actor, kind: str, text: str) -> EmergencyAction:
    return EmergencyAction.objects.create(
        emergency=emergency, at=clock.now(), by_id=actor.user_id, kind=kind, text=text
    )


def _audit(actor: Actor, action: str, emergency: Emergency, *, person_id: int | None = None, **details) -> None:
    record_event(
        actor,
        action,
        object_type="emergency",
        object_id=str(emergency.public_id),
        subject_person_id=person_id,
        site_id=emergency.facility_id,
        details=details,
    )


def _active(actor: Actor, emergency_id, permission: str) -> Emergency:
    emergency = get_emergency(actor, emergency_id, permission=permission, for_update=True)
    if emergency.status != Emergency.Status.ACTIVE:
        raise Conflict("This emergency has been stood down.", code="incidents.emergency_stood_down", field="emergency")
    return emergency


def scope_label(emergency: Emergency) -> str:
    keys = sorted(emergency.locations.values_list("key", flat=True))
    return "Whole facility" if not keys else ", ".join(keys)


def staff_on_duty(facility: Site) -> list[User]:
    """Who is told of an emergency. OMS has no duty roster, so "on duty" means: active accounts (not
    disabled or locked) holding ``incidents.emergency_roll`` through a role, whose scope reaches the
    facility (named sites including it, its organisation, or national)."""
    roles = RolePermission.objects.filter(permission=ROLL).values("role_id")
    reach = (
        Q(scope=Scope.NATIONAL)
        | Q(scope=Scope.ORGANISATION, organisation_id=facility.organisation_id)
        | Q(scope__in=(Scope.SITES, Scope.CASELOAD), sites=facility)
    )
    return list(
        User.objects.filter(reach, is_active=True, disabled_at__isnull=True, locked_at__isnull=True)
        .filter(role_grants__role_id__in=roles)
        .distinct()
        .order_by("username")
    )


def _scope_locations(facility: Site, location_ids: Sequence) -> list[Location]:
    ids = []
    for value in location_ids or ():
        ids.append(parse_public_id(value, code="incidents.unknown_location"))
    found = list(Location.objects.filter(site=facility, public_id__in=ids))
    if len(found) != len(set(ids)):
        raise RuleViolation(
            "Select locations of this facility", code="incidents.unknown_location", field="location_ids"
        )
    return found


def declare_emergency(
    actor: Actor,
    *,
    facility_id,
    kind: str,
    instructions: str,
    location_ids: Sequence = (),
    blocks_movements: bool = True,
) -> Emergency:
    """Declare an emergency at a facility in the actor's reach (``incidents.declare_emergency``): the
    whole facility when no locations are given, else those locations and everything under them. Staff
    on duty (see ``staff_on_duty``) are notified after the change is decided."""
    facility = facility_in_reach(actor, facility_id, permission=DECLARE)
    if kind not in rules.KINDS:
        raise RuleViolation(
            "Kind must be lockdown, evacuation, escape, medical or fire", code="incidents.invalid_kind", field="kind"
        )
    instructions = _text(instructions, "instructions", max_length=5000, required="Enter the instructions to staff")
    with transaction.atomic():
        locations = _scope_locations(facility, location_ids)
        for other in Emergency.objects.select_for_update().filter(facility=facility, status=Emergency.Status.ACTIVE):
            if rules.same_scope(other.locations.values_list("pk", flat=True), [loc.pk for loc in locations]):
                raise Conflict(
                    f"An emergency with the same scope is already active ({other.get_kind_display()}, declared "
                    f"{other.declared_at:%H:%M}); update its instructions instead.",
                    code="incidents.emergency_already_active",
                    field="location_ids",
                )
        emergency = Emergency.objects.create(
            facility=facility,
            kind=kind,
            instructions=instructions,
            blocks_movements=bool(blocks_movements),
            declared_by_id=actor.user_id,
            declared_at=clock.now(),
        )
        emergency.locations.set(locations)
        scope = scope_label(emergency)
        _action(
            emergency,
            actor,
            "declared",
            f"{emergency.get_kind_display()} declared ({scope}); movements "
            f"{'blocked' if emergency.blocks_movements else 'not blocked'}. {instructions}",
        )
        _audit(
            actor,
            "incidents.emergency_declared",
            emergency,
            kind=kind,
            scope=scope,
            blocks_movements=emergency.blocks_movements,
        )
    staff = staff_on_duty(facility)
    notify(
        Message(
            kind="incidents.emergency_declared",
            subject=f"{emergency.get_kind_display()} at {facility.name}: {scope}",
            body=instructions,
            recipients=tuple(Recipient(u.username, u.email) for u in staff),
            link=f"/incidents/emergencies/{emergency.public_id}/",
            details={"emergency_id": str(emergency.public_id), "kind": kind},
        )
    )
    return emergency


def update_instructions(actor: Actor, *, emergency_id, instructions: str, version: int | None = None) -> Emergency:
    with transaction.atomic():
        emergency = _active(actor, emergency_id, DECLARE)
        if version is not None and version != emergency.version:
            raise Conflict(
                "Someone changed the instructions meanwhile; reload and try again.",
                code="incidents.stale_version",
                field="version",
            )
        emergency.instructions = _text(
            instructions, "instructions", max_length=5000, required="Enter the instructions to staff"
        )
        emergency.version += 1
        emergency.save(update_fields=["instructions", "version"])
        _action(emergency, actor, "instructions_updated", emergency.instructions)
        _audit(actor, "incidents.emergency_instructions_updated", emergency)
    return emergency


def add_log_entry(actor: Actor, *, emergency_id, text: str) -> EmergencyAction:
    """A free-text line in the timeline, by anyone taking part in the response (``incidents.emergency_roll``)."""
    text = _text(text, "text", max_length=2000, required="Enter what happened")
    with transaction.atomic():
        emergency = _active(actor, emergency_id, ROLL)
        action = _action(emergency, actor, "log", text)
        _audit(actor, "incidents.emergency_logged", emergency)
    return action


def authorise_movement_exception(actor: Actor, *, emergency_id, person_id, reason: str) -> MovementException:
    """Allow one movement of one person during a blocking emergency (a hospital escort): used by the
    next movement recorded for them, then spent."""
    reason = _text(reason, "reason", max_length=1000, required="Enter why this movement is allowed")
    with transaction.atomic():
        emergency = _active(actor, emergency_id, DECLARE)
        person = find_person(actor, person_id)
        exception = MovementException.objects.create(
            emergency=emergency, person=person, reason=reason, authorised_by_id=actor.user_id, authorised_at=clock.now()
        )
        _action(emergency, actor, "exception_authorised", f"Movement allowed for {person.system_number}: {reason}")
        _audit(actor, "incidents.movement_exception_authorised", emergency, person_id=person.pk)
    return exception


def stand_down(actor: Actor, *, emergency_id, note: str = "") -> Emergency:
    """End the emergency: movements are no longer blocked by it; the timeline and roll stay."""
    note = _text(note, "note", max_length=2000)
    with transaction.atomic():
        emergency = _active(actor, emergency_id, DECLARE)
        emergency.status = Emergency.Status.STOOD_DOWN
        emergency.stood_down_by_id = actor.user_id
        emergency.stood_down_at = clock.now()
        emergency.version += 1
        emergency.save(update_fields=["status", "stood_down_by", "stood_down_at", "version"])
        emergency.rolls.filter(completed_at__isnull=True).update(completed_at=emergency.stood_down_at)
        _action(emergency, actor, "stood_down", f"Stood down. {note}".strip())
        _audit(actor, "incidents.emergency_stood_down", emergency)
    return emergency


def record_review(actor: Actor, *, emergency_id, text: str) -> Emergency:
    """The after-action review, written once the emergency is stood down (may be revised)."""
    text = _text(text, "after_action_review", max_length=20000, required="Enter the review")
    with transaction.atomic():
        emergency = get_emergency(actor, emergency_id, permission=DECLARE, for_update=True)
        if emergency.status != Emergency.Status.STOOD_DOWN:
            raise Conflict(
                "Stand the emergency down before writing the review.",
                code="incidents.emergency_still_active",
                field="after_action_review",
            )
        emergency.after_action_review = text
        emergency.version += 1
        emergency.save(update_fields=["after_action_review", "version"])
        _action(emergency, actor, "review_recorded", "After-action review recorded.")
        _audit(actor, "incidents.emergency_review_recorded", emergency)
    return emergency


def link_incident_to_emergency(actor: Actor, *, emergency_id, incident_id) -> Incident:
    """Link an incident report of the same facility to the emergency it arose from."""
    with transaction.atomic():
        emergency = get_emergency(actor, emergency_id, permission=DECLARE, for_update=True)
        pk = parse_public_id(incident_id, code="incidents.incident_not_found")
        incident = Incident.objects.select_for_update().filter(public_id=pk, facility_id=emergency.facility_id).first()
        if incident is None:
            raise NotFound("Incident not found.", code="incidents.incident_not_found", field="incident_id")
        incident.emergency = emergency
        incident.save(update_fields=["emergency"])
        _action(emergency, actor, "incident_linked", f"Incident {incident.public_id} linked.")
        _audit(actor, "incidents.incident_linked_to_emergency", emergency, incident_id=str(incident.public_id))
    return incident


def refuse_blocked_movements(moves: Sequence[PlannedMove]) -> None:
    """Custody's movement guard: refuse a movement from a place in the scope of an active emergency that
    blocks movements, unless an authorised, unused exception exists for the person (it is then spent)."""
    moves = [m for m in moves if m.kind not in rules.UNBLOCKABLE_KINDS]
    site_ids = {m.site_id for m in moves}
    emergencies = list(
        Emergency.objects.filter(facility_id__in=site_ids, status=Emergency.Status.ACTIVE, blocks_movements=True)
        .prefetch_related("locations")
        .order_by("declared_at", "pk")
    )
    if not emergencies:
        return
    location_ids = {m.from_location_id for m in moves} | {m.to_location_id for m in moves}
    paths = dict(Location.objects.filter(pk__in=location_ids - {None}).values_list("pk", "path"))
    blocked: list[tuple[PlannedMove, Emergency]] = []
    for move in moves:
        for emergency in emergencies:
            if emergency.facility_id != move.site_id:
                continue
            scope = [loc.path for loc in emergency.locations.all()]
            if rules.in_scope(paths.get(move.from_location_id), scope) or (
                move.to_location_id and scope and rules.in_scope(paths.get(move.to_location_id), scope)
            ):
                blocked.append((move, emergency))
                break
    if not blocked:
        return
    exceptions = {
        (e.emergency_id, e.person_id): e
        for e in MovementException.objects.select_for_update()
        .filter(
            emergency_id__in={em.pk for _, em in blocked},
            person_id__in={m.person_id for m, _ in blocked},
            used_at__isnull=True,
        )
        .order_by("-authorised_at")
    }
    now = clock.now()
    for move, emergency in blocked:
        exception = exceptions.get((emergency.pk, move.person_id))
        if exception is None:
            raise Conflict(
                f"Movements are blocked by the {emergency.get_kind_display().lower()} declared at "
                f"{emergency.declared_at:%H:%M} ({scope_label(emergency)}); ask the emergency's commander for "
                f"an exception (emergency {emergency.public_id}).",
                code=BLOCKED_CODE,
                field="episode_id",
            )
    for move, emergency in blocked:
        exception = exceptions[(emergency.pk, move.person_id)]
        exception.used_at = now
        exception.save(update_fields=["used_at"])
        EmergencyAction.objects.create(
            emergency=emergency, at=now, kind="exception_used", text=f"Exception used: {exception.reason}"
        )
