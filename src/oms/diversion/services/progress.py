"""Recording progress against the agreement's requirements.

- ``log_hours`` (diversion.record_progress): community service worked, while the participation is active;
- ``verify_hours`` (diversion.verify_hours): a coordinator other than the one who logged the hours
  confirms them; only verified hours count toward the target;
- ``record_ledger_entry`` (diversion.record_progress; a waiver needs diversion.manage): a charge, payment
  or waiver in integer minor units against restitution or, with no requirement, the programme fee;
- ``record_attendance`` (diversion.record_progress): a class, counselling session, drug test or check-in,
  kept or missed; a missed session or a positive test is followed up at once (notices);
- ``record_new_arrest`` (diversion.manage): breaks the no-new-arrest requirement.

Each writes one audit event ``diversion.<entity>_<past verb>`` against the participation.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.diversion.models import ClassAttendance, HoursEntry, LedgerEntry, Participation, Requirement
from oms.diversion.queries import participations as queries
from oms.diversion.services import notices
from oms.diversion.services._common import audit, check_choice, check_date, check_not_future, check_whole, clean_text

RECORD = "diversion.record_progress"
VERIFY = "diversion.verify_hours"
MANAGE = "diversion.manage"
SESSION_KINDS = ("classes", "counselling", "drug_tests", "check_ins")
LEDGER_STATES = ("agreement_signed", "active", "completed", "terminated")


def _requirement(actor: Actor, requirement_id, kinds, *, states=("active",)) -> Requirement:
    return checked_requirement(queries.find_requirement(actor, requirement_id), kinds, states=states)


def checked_requirement(requirement: Requirement, kinds, *, states=("active",)) -> Requirement:
    """The requirement, of one of ``kinds``, with its participation locked and in one of ``states``."""
    if requirement.kind not in kinds:
        raise RuleViolation(
            f"This is not a requirement of kind {' or '.join(kinds)}",
            code="diversion.wrong_requirement_kind",
            field="requirement_id",
        )
    participation = Participation.objects.select_for_update().get(pk=requirement.participation_id)
    if participation.state not in states:
        raise RuleViolation(
            f"Progress is recorded only while the participation is {' or '.join(states)}; it is {participation.state}",
            code="diversion.not_active",
            field="state",
        )
    return requirement


def _in_agreement(requirement: Requirement, on: dt.date, field: str) -> dt.date:
    starts = requirement.participation.starts_on
    if starts and on < starts:
        raise RuleViolation("The date is before the agreement started", code="diversion.before_start", field=field)
    return check_not_future(on, field)


def log_hours(
    actor: Actor,
    *,
    requirement_id,
    worked_on: dt.date,
    minutes: int,
    description: str = "",
    place: str = "",
    supervisor_name: str = "",
) -> HoursEntry:
    actor.require(RECORD)
    requirement = _requirement(actor, requirement_id, ("community_service",))
    return write_hours(
        actor,
        requirement,
        worked_on=worked_on,
        minutes=minutes,
        description=description,
        place=place,
        supervisor_name=supervisor_name,
        logged_by="staff",
    )


def write_hours(
    actor: Actor,
    requirement: Requirement,
    *,
    worked_on,
    minutes,
    description: str,
    place: str,
    supervisor_name: str,
    logged_by: str,
    place_required: bool = False,
) -> HoursEntry:
    """Write an hours entry (unverified) on a checked, locked community-service requirement; audited."""
    worked_on = _in_agreement(requirement, check_date(worked_on, "worked_on"), "worked_on")
    entry = HoursEntry.objects.create(
        requirement=requirement,
        worked_on=worked_on,
        minutes=check_whole(minutes, "minutes", 1, 24 * 60),
        description=clean_text(description, "description", 500),
        place=clean_text(place, "place", 200, required=place_required, label="place of work"),
        supervisor_name=clean_text(supervisor_name, "supervisor_name", 200, required=place_required),
        logged_at=clock.now(),
        logged_by_id=actor.user_id,
    )
    audit(
        actor,
        requirement.participation,
        "hours_logged",
        changed=["hours_entries"],
        details={
            "entry": str(entry.public_id),
            "minutes": entry.minutes,
            "worked_on": worked_on.isoformat(),
            "logged_by": logged_by,
        },
    )
    return entry


def verify_hours(actor: Actor, *, entry_id) -> HoursEntry:
    actor.require(VERIFY)
    entry = queries.find_hours_entry(actor, entry_id, for_update=True)
    if entry.verified_at is not None:
        raise Conflict("These hours are already verified", code="diversion.already_verified", field="entry_id")
    if entry.logged_by_id is not None and entry.logged_by_id == actor.user_id:
        raise RuleViolation(
            "Hours must be verified by someone other than the person who logged them",
            code="diversion.self_verification",
            field="verified_by",
        )
    entry.verified_at = clock.now()
    entry.verified_by_id = actor.user_id
    entry.save(update_fields=["verified_at", "verified_by"])
    audit(
        actor,
        entry.requirement.participation,
        "hours_verified",
        changed=["hours_entries"],
        details={"entry": str(entry.public_id), "minutes": entry.minutes},
    )
    return entry


def record_ledger_entry(
    actor: Actor,
    *,
    participation_id,
    kind: str,
    amount_minor: int,
    on: dt.date | None = None,
    requirement_id=None,
    note: str = "",
) -> LedgerEntry:
    actor.require(RECORD)
    kind = check_choice(kind, LedgerEntry.Kind.values, "kind")
    if kind == LedgerEntry.Kind.WAIVER:
        actor.require(MANAGE)
    participation = queries.find_participation(actor, participation_id, for_update=True)
    if participation.state not in LEDGER_STATES:
        raise RuleViolation("The agreement is not signed yet", code="diversion.not_active", field="state")
    requirement = None
    if requirement_id not in (None, ""):
        requirement = queries.find_requirement(actor, requirement_id)
        if requirement.participation_id != participation.pk:
            raise RuleViolation(
                "The requirement belongs to another participation",
                code="diversion.wrong_participation",
                field="requirement_id",
            )
        if requirement.kind != Requirement.Kind.RESTITUTION:
            raise RuleViolation(
                "Only restitution has an account", code="diversion.wrong_requirement_kind", field="requirement_id"
            )
    on = check_not_future(check_date(on or clock.today(), "on"), "on")
    note = clean_text(
        note,
        "note",
        500,
        required=kind == LedgerEntry.Kind.WAIVER,
        label="reason for the waiver" if kind == "waiver" else "note",
    )
    entry = LedgerEntry.objects.create(
        participation=participation,
        requirement=requirement,
        kind=kind,
        amount_minor=check_whole(amount_minor, "amount_minor", 1, 10_000_000_000),
        on=on,
        note=note,
        recorded_at=clock.now(),
        recorded_by_id=actor.user_id,
    )
    audit(
        actor,
        participation,
        f"ledger_{'charged' if kind == 'charge' else 'paid' if kind == 'payment' else 'waived'}",
        changed=["ledger"],
        details={
            "entry": str(entry.public_id),
            "amount_minor": entry.amount_minor,
            "account": "restitution" if requirement else "fee",
        },
        reason=note if kind == LedgerEntry.Kind.WAIVER else "",
    )
    return entry


def record_attendance(
    actor: Actor, *, requirement_id, on: dt.date, outcome: str, test_result: str = "", note: str = ""
) -> ClassAttendance:
    actor.require(RECORD)
    requirement = _requirement(actor, requirement_id, SESSION_KINDS)
    on = _in_agreement(requirement, check_date(on, "on"), "on")
    outcome = check_choice(outcome, ClassAttendance.Outcome.values, "outcome")
    test_result = test_result or ""
    if requirement.kind == Requirement.Kind.DRUG_TESTS and outcome == "attended":
        test_result = check_choice(test_result, ("negative", "positive"), "test_result")
    elif test_result:
        raise RuleViolation(
            "Only an attended drug test has a result", code="diversion.bad_test_result", field="test_result"
        )
    attendance = ClassAttendance.objects.create(
        requirement=requirement,
        on=on,
        outcome=outcome,
        test_result=test_result,
        note=clean_text(note, "note", 500),
        recorded_at=clock.now(),
        recorded_by_id=actor.user_id,
    )
    participation = requirement.participation
    audit(
        actor,
        participation,
        "attendance_recorded",
        changed=["attendances"],
        details={"requirement": requirement.kind, "outcome": outcome, "on": on.isoformat()},
    )
    if outcome == "missed" or test_result == "positive":
        what = "a positive drug test" if test_result == "positive" else "a missed session"
        transaction.on_commit(lambda: notices.notify_follow_up(requirement, f"{what} on {on.isoformat()}"))
    return attendance


def record_new_arrest(actor: Actor, *, requirement_id, arrested_on: dt.date, note: str) -> Requirement:
    actor.require(MANAGE)
    requirement = _requirement(actor, requirement_id, ("no_new_arrest",), states=("agreement_signed", "active"))
    if requirement.breached_on is not None:
        raise Conflict("A new arrest is already recorded", code="diversion.already_breached", field="arrested_on")
    requirement.breached_on = check_not_future(check_date(arrested_on, "arrested_on"), "arrested_on")
    requirement.breach_note = clean_text(note, "note", 1000, required=True)
    requirement.save(update_fields=["breached_on", "breach_note"])
    audit(
        actor,
        requirement.participation,
        "new_arrest_recorded",
        changed=["requirements"],
        details={"arrested_on": requirement.breached_on.isoformat()},
        reason=requirement.breach_note,
    )
    transaction.on_commit(
        lambda: notices.notify_follow_up(requirement, f"a new arrest on {requirement.breached_on.isoformat()}")
    )
    return requirement
