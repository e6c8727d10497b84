"""Appointments: book one, or a weekly or fortnightly series, and record what happened.

Permission: supervision.record_contacts, on a case whose person is in scope (else NotFound). Booking
needs an open case; the appointment's ``counts_toward_compliance`` is fixed at booking from its kind
(office, video and home visits count; a phone call only with ``OMS_SUPERVISION_PHONE_COUNTS``).
Recording an outcome again (a correction) needs a reason, and the audit event keeps the earlier
outcome. Audited as ``supervision.appointments_booked`` and ``supervision.appointment_outcome_recorded``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from django.utils import timezone

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import RuleViolation
from oms.supervision.models import Appointment, SupervisionCase
from oms.supervision.queries import cases as queries
from oms.supervision.rules import contact as rules
from oms.supervision.services._common import EARLIEST, LATEST, check_choice, check_open, clean_text

RECORD = "supervision.record_contacts"
RECORDED_OUTCOMES = tuple(o for o in Appointment.Outcome.values if o != Appointment.Outcome.NOT_RECORDED)


def _zone(case: SupervisionCase):
    """Repeats keep the wall-clock time of the office (10:00 stays 10:00 across a clock change)."""
    if case.office_id:
        try:
            return ZoneInfo(case.office.time_zone)
        except (KeyError, ValueError):
            pass
    return timezone.get_current_timezone()


def book_appointments(
    actor: Actor,
    *,
    case_id,
    kind: str,
    starts_at: dt.datetime,
    repeat: str = "none",
    weeks: int = 1,
    notes: str = "",
) -> list[Appointment]:
    """Book an appointment, or a weekly or fortnightly series within ``weeks`` weeks (at most 52), on an
    open case. Every appointment falls within the case (on or after its start, not after its end)."""
    actor.require(RECORD)
    case = queries.find_case(actor, case_id, for_update=True)
    check_open(case)
    kind = check_choice(kind, Appointment.Kind.values, "kind", label="kind of appointment")
    repeat = check_choice(repeat, rules.REPEATS, "repeat", label="repeat")
    if weeks is None or not 1 <= weeks <= rules.MAX_REPEAT_WEEKS:
        raise RuleViolation(
            f"The number of weeks must be from 1 to {rules.MAX_REPEAT_WEEKS}",
            code="supervision.bad_weeks",
            field="weeks",
        )
    notes = clean_text(notes, "notes", 2000)
    if starts_at is None:
        raise RuleViolation("Enter the date and time", code="supervision.missing", field="starts_at")
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at, _zone(case))
    if not EARLIEST <= starts_at.date() <= LATEST:
        raise RuleViolation("Enter a real date and time", code="supervision.date_out_of_range", field="starts_at")
    times = rules.repeat_times(starts_at.astimezone(_zone(case)), repeat=repeat, weeks=weeks)
    if queries.local_date(times[0]) < case.starts_on:
        raise RuleViolation(
            "The appointment must be on or after the case start", code="supervision.outside_case", field="starts_at"
        )
    if case.ends_on and queries.local_date(times[-1]) > case.ends_on:
        raise RuleViolation(
            "The appointments must end by the case end date", code="supervision.outside_case", field="starts_at"
        )
    counts = rules.counts_toward_compliance(kind, phone_counts=queries.phone_counts())
    series = uuid.uuid4() if len(times) > 1 else None
    now = clock.now()
    booked = Appointment.objects.bulk_create(
        [
            Appointment(
                case=case,
                kind=kind,
                starts_at=at.astimezone(dt.UTC),
                counts_toward_compliance=counts,
                notes=notes,
                series=series,
                booked_at=now,
                booked_by_id=actor.user_id,
            )
            for at in times
        ]
    )
    record_event(
        actor,
        "supervision.appointments_booked",
        object_type="supervision_case",
        object_id=case.public_id,
        subject_person_id=case.person_id,
        site_id=case.office_id,
        changed_fields=["kind", "starts_at"],
        details={
            "kind": kind,
            "count": len(booked),
            "first": times[0].isoformat(),
            "repeat": repeat,
            "counts_toward_compliance": counts,
            "appointment_ids": [str(a.public_id) for a in booked],
        },
    )
    return booked


def record_outcome(
    actor: Actor, *, appointment_id, outcome: str, notes: str | None = None, reason: str = ""
) -> Appointment:
    """Record what happened at an appointment that has started. A failure to attend without acceptable
    reason, or unacceptable behaviour, counts as a failure to comply (``rules.FAILURE_OUTCOMES``).
    Changing an outcome already recorded needs a reason; the audit keeps the earlier outcome."""
    actor.require(RECORD)
    appointment = queries.find_appointment(actor, appointment_id, for_update=True)
    outcome = check_choice(outcome, RECORDED_OUTCOMES, "outcome")
    notes = appointment.notes if notes is None else clean_text(notes, "notes", 2000)
    reason = clean_text(reason, "reason", 500)
    if appointment.starts_at > clock.now():
        raise RuleViolation(
            "The appointment has not happened yet", code="supervision.appointment_in_future", field="outcome"
        )
    previous = appointment.outcome
    correcting = previous != Appointment.Outcome.NOT_RECORDED
    if correcting and not reason:
        raise RuleViolation(
            "Enter why the recorded outcome is being changed", code="supervision.missing", field="reason"
        )
    if outcome == previous and notes == appointment.notes:
        return appointment
    appointment.outcome = outcome
    appointment.notes = notes
    appointment.recorded_at = clock.now()
    appointment.recorded_by_id = actor.user_id
    appointment.save(update_fields=["outcome", "notes", "recorded_at", "recorded_by"])
    case = appointment.case
    record_event(
        actor,
        "supervision.appointment_outcome_recorded",
        object_type="supervision_appointment",
        object_id=appointment.public_id,
        subject_person_id=case.person_id,
        site_id=case.office_id,
        changed_fields=["outcome", "notes"],
        details={
            "case_id": str(case.public_id),
            "outcome": outcome,
            "previous_outcome": previous,
            "corrected": correcting,
            "failure_to_comply": outcome in rules.FAILURE_OUTCOMES and appointment.counts_toward_compliance,
        },
        reason=reason,
    )
    return appointment
