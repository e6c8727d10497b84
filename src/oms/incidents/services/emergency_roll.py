"""The emergency roll: who should be where, frozen when the roll starts, marked by several staff at once.

Generation reads custody's current roll in three set queries (active episodes at the facility, their
open bed assignments, the latest open out-movement of those who are out) and writes the entries with
one bulk insert, so a 10,000-person facility takes well under a second.

Marking is a compare-and-set: ``UPDATE ... WHERE id = ? AND version = ?`` bumping ``version``. Two
staff marking the same person from the same view: one succeeds, the other is told someone marked the
person meanwhile (``incidents.roll_entry_changed``, 409) with the current mark, so no mark is
overwritten unseen and none is lost.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.core.ids import parse_public_id
from oms.custody.models import BedAssignment, CustodyEpisode, Movement
from oms.facilities.models import Location
from oms.incidents.models import EmergencyAction, EmergencyRoll, RollEntry
from oms.incidents.queries.emergencies import get_roll
from oms.incidents.rules import emergencies as rules
from oms.incidents.services.emergencies import DECLARE, ROLL, _action, _active, _audit, _text


def _expected(emergency) -> list[RollEntry]:
    scope = [loc.path for loc in emergency.locations.all()]
    episodes = list(
        CustodyEpisode.objects.filter(site_id=emergency.facility_id, status=CustodyEpisode.Status.ACTIVE).values_list(
            "pk", "person_id", "in_out", "current_location_id"
        )
    )
    beds = {
        episode_id: (cell_id, cell_key, bed_path)
        for episode_id, cell_id, cell_key, bed_path in BedAssignment.objects.filter(
            site_id=emergency.facility_id, ended_at__isnull=True
        ).values_list("episode_id", "cell_id", "cell__key", "bed__path")
    }
    places = dict(
        (pk, (key, path))
        for pk, key, path in Location.objects.filter(site_id=emergency.facility_id, residential=False).values_list(
            "pk", "key", "path"
        )
    )
    out_ids = [pk for pk, _, in_out, _ in episodes if in_out == CustodyEpisode.InOut.OUT]
    away: dict[int, str] = {}
    for episode_id, destination, kind in (
        Movement.objects.filter(
            episode_id__in=out_ids, direction=Movement.Direction.OUT, status=Movement.Status.COMPLETED
        )
        .order_by("occurred_at", "pk")
        .values_list("episode_id", "destination", "kind")
    ):
        away[episode_id] = destination or kind.replace("_", " ")  # the latest out movement wins
    entries = []
    for episode_id, person_id, in_out, current_location_id in episodes:
        cell_id, cell_key, bed_path = beds.get(episode_id, (None, "", ""))
        here_key, here_path = places.get(current_location_id, ("", ""))
        if not (rules.in_scope(bed_path, scope) or (here_path and rules.in_scope(here_path, scope))):
            if scope or bed_path or here_path:
                continue
        if in_out == CustodyEpisode.InOut.OUT:
            where = f"Out: {away.get(episode_id, 'outside')}"
        elif here_key:
            where = here_key if not cell_key else f"{here_key} (from {cell_key})"
        else:
            where = cell_key or "Not housed (reception)"
        entries.append(
            RollEntry(
                person_id=person_id, expected_location_id=cell_id, expected_where=where[:200], status="unaccounted"
            )
        )
    return entries


def start_roll(actor: Actor, *, emergency_id) -> EmergencyRoll:
    """Start a roll of everyone who should be in the emergency's scope, frozen now
    (``incidents.emergency_roll``). A roll already running is completed first; the newest is current."""
    with transaction.atomic():
        emergency = _active(actor, emergency_id, ROLL)
        now = clock.now()
        emergency.rolls.filter(completed_at__isnull=True).update(completed_at=now)
        roll = EmergencyRoll.objects.create(emergency=emergency, started_by_id=actor.user_id, started_at=now)
        entries = _expected(emergency)
        for entry in entries:
            entry.roll_id = roll.pk
        RollEntry.objects.bulk_create(entries, batch_size=2000)
        roll.expected = len(entries)
        roll.save(update_fields=["expected"])
        _action(emergency, actor, "roll_started", f"Roll started: {len(entries)} people expected.")
        _audit(actor, "incidents.emergency_roll_started", emergency, roll_id=str(roll.public_id), expected=len(entries))
    return roll


def mark_person(
    actor: Actor, *, roll_id, person_id, mark: str, version: int | None = None, found_at: str = ""
) -> RollEntry:
    """Mark one person on a running roll: ``accounted`` (where expected), ``missing``, or ``found``
    (accounted for elsewhere, with where). ``version`` is the entry version the marker saw; when omitted
    the current one is used (a single click on a fresh page). ``incidents.emergency_roll``."""
    if mark not in rules.ROLL_MARKS:
        raise RuleViolation("Mark must be accounted, missing or found", code="incidents.invalid_mark", field="mark")
    found_at = _text(
        found_at, "found_at", max_length=200, required="Enter where the person was found" if mark == "found" else ""
    )
    roll = get_roll(actor, roll_id, permission=ROLL)
    if roll.completed_at is not None:
        raise Conflict("This roll is finished.", code="incidents.roll_completed", field="roll")
    emergency = roll.emergency  # not locked: markers must not queue on the emergency row
    if emergency.status != emergency.Status.ACTIVE:
        raise Conflict("This emergency has been stood down.", code="incidents.emergency_stood_down", field="roll")
    with transaction.atomic():
        pk = parse_public_id(person_id, code="incidents.roll_entry_not_found")
        entry = roll.entries.select_related("person").filter(person__public_id=pk).first()
        if entry is None:
            raise NotFound("That person is not on this roll.", code="incidents.roll_entry_not_found", field="person_id")
        seen = entry.version if version is None else version
        now = clock.now()
        changed = RollEntry.objects.filter(pk=entry.pk, version=seen).update(
            status=rules.mark_status(mark),
            found_at_text=found_at if mark == "found" else "",
            marked_by_id=actor.user_id,
            marked_at=now,
            version=F("version") + 1,
        )
        if not changed:
            current = RollEntry.objects.get(pk=entry.pk)
            raise Conflict(
                f"Someone marked {entry.person.system_number} meanwhile (now {current.get_status_display().lower()}); "
                "check and mark again if needed.",
                code="incidents.roll_entry_changed",
                field="version",
            )
        if mark in ("missing", "found"):
            text = f"{entry.person.system_number} missing (expected {entry.expected_where})"
            if mark == "found":
                text = f"{entry.person.system_number} found at {found_at}"
            EmergencyAction.objects.create(
                emergency=emergency, at=now, by_id=actor.user_id, kind=f"person_{mark}", text=text
            )
        record_event(
            actor,
            "incidents.roll_entry_marked",
            object_type="emergency_roll",
            object_id=str(roll.public_id),
            subject_person_id=entry.person_id,
            site_id=emergency.facility_id,
            details={"mark": mark},
        )
    entry.refresh_from_db()
    return entry


def finish_roll(actor: Actor, *, roll_id) -> EmergencyRoll:
    """Finish a running roll (``incidents.emergency_roll``): no more marks. The emergency's timeline gets
    the result ("4 of 4 accounted for, 0 missing, 0 not checked"). Anyone still missing or unchecked
    stays so on the finished roll, for the control room to follow up; a new roll can be started."""
    with transaction.atomic():
        roll = get_roll(actor, roll_id, permission=ROLL)
        roll = EmergencyRoll.objects.select_for_update().select_related("emergency").get(pk=roll.pk)
        if roll.completed_at is not None:
            raise Conflict("This roll is already finished.", code="incidents.roll_completed", field="roll")
        counts = {status: 0 for status in ("accounted", "missing", "unaccounted")}
        for status in roll.entries.values_list("status", flat=True):
            counts[status] = counts.get(status, 0) + 1
        roll.completed_at = clock.now()
        roll.save(update_fields=["completed_at"])
        text = (
            f"Roll finished: {counts['accounted']} of {roll.expected} accounted for, {counts['missing']} missing, "
            f"{counts['unaccounted']} not checked."
        )
        _action(roll.emergency, actor, "roll_finished", text)
        _audit(actor, "incidents.emergency_roll_finished", roll.emergency, roll_id=str(roll.public_id), **counts)
    return roll


__all__ = ["DECLARE", "finish_roll", "mark_person", "start_roll"]
