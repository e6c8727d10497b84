"""Remote check-ins: the officer sets a schedule on a case, the schedule opens check-ins, the person
submits one on the portal, the officer reviews it; unsubmitted ones expire after the grace period.

Permissions: setting or ending a schedule and reviewing need supervision.record_contacts on a case whose
person is in scope (else NotFound); submitting needs supervision.use_portal and reaches only the
participant's own check-ins (``portal_person``). Opening, expiring and the reminders run as the system
actor from ``supervision.tasks``. State rules in ``rules.checkins``. A submission whose identity answers
do not match the person record is kept and flagged, never refused, and the officer is told.

Audited as ``supervision.check_in_schedule_set``, ``supervision.check_in_schedule_ended``,
``supervision.check_in_opened``, ``supervision.check_in_submitted`` (identity result and flags, never
the answers or the photo), ``supervision.check_in_expired``, ``supervision.check_in_reviewed``.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.urls import reverse
from django.utils import timezone

from oms.audit.services import record_event
from oms.core import clock, notifications
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.people import rules as people_rules
from oms.people.queries.portal import portal_recipients
from oms.supervision.models import CheckIn, CheckInSchedule, SupervisionCase
from oms.supervision.queries import cases as case_queries
from oms.supervision.queries import checkins as queries
from oms.supervision.rules import checkins as rules
from oms.supervision.services._common import check_choice, check_date, check_open, clean_text

RECORD = "supervision.record_contacts"
USE_PORTAL = "supervision.use_portal"


def _opening_instant(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the service's time zone (settings.TIME_ZONE), as UTC."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min)).astimezone(dt.UTC)


def _check_version(check_in: CheckIn, version: int | None) -> None:
    if version is not None and check_in.version != version:
        raise Conflict(
            "Someone else changed this check-in since you read it: reload it and try again",
            code="supervision.check_in_version_conflict",
            field="version",
        )


def _move(check_in: CheckIn, action: str) -> None:
    target = rules.next_state(check_in.state, action)
    if target is None:
        raise Conflict(
            f"The check-in is {check_in.get_state_display().lower()}", code="supervision.check_in_state", field="state"
        )
    check_in.state = target
    check_in.version += 1


# --- the schedule --------------------------------------------------------------------------------


def set_schedule(
    actor: Actor, *, case_id, frequency: str, starts_on: dt.date, window_hours: int = 72
) -> CheckInSchedule:
    """Start remote check-ins on an open case (replacing the schedule in force). A schedule that starts
    today or earlier opens its current check-in at once."""
    actor.require(RECORD)
    case = case_queries.find_case(actor, case_id, for_update=True)
    check_open(case)
    frequency = check_choice(frequency, rules.FREQUENCY_DAYS, "frequency", label="how often")
    starts_on = check_date(starts_on, "starts_on", label="start date", required=True)
    if starts_on < case.starts_on or (case.ends_on and starts_on > case.ends_on):
        raise RuleViolation(
            "The start date must fall within the case", code="supervision.outside_case", field="starts_on"
        )
    if not isinstance(window_hours, int) or not rules.MIN_WINDOW_HOURS <= window_hours <= rules.MAX_WINDOW_HOURS:
        raise RuleViolation(
            "Each check-in must stay open between 1 and 168 hours",
            code="supervision.bad_window",
            field="window_hours",
        )
    now = clock.now()
    replaced = list(case.check_in_schedules.select_for_update().filter(active=True))
    for old in replaced:
        old.active, old.ended_at = False, now
        old.save(update_fields=["active", "ended_at"])
    schedule = CheckInSchedule.objects.create(
        case=case,
        frequency=frequency,
        starts_on=starts_on,
        window_hours=window_hours,
        created_at=now,
        created_by_id=actor.user_id,
    )
    record_event(
        actor,
        "supervision.check_in_schedule_set",
        object_type="supervision_check_in_schedule",
        object_id=schedule.public_id,
        subject_person_id=case.person_id,
        site_id=case.office_id,
        details={
            "case_id": str(case.public_id),
            "frequency": frequency,
            "starts_on": starts_on.isoformat(),
            "window_hours": window_hours,
            "replaced": [str(s.public_id) for s in replaced],
        },
    )
    _open_current(actor, schedule, now)
    return schedule


def end_schedule(actor: Actor, *, case_id) -> CheckInSchedule:
    """Stop opening check-ins on the case (those already open stay open)."""
    actor.require(RECORD)
    case = case_queries.find_case(actor, case_id, for_update=True)
    schedule = case.check_in_schedules.select_for_update().filter(active=True).first()
    if schedule is None:
        raise Conflict("The case has no check-in schedule", code="supervision.no_check_in_schedule")
    schedule.active, schedule.ended_at = False, clock.now()
    schedule.save(update_fields=["active", "ended_at"])
    record_event(
        actor,
        "supervision.check_in_schedule_ended",
        object_type="supervision_check_in_schedule",
        object_id=schedule.public_id,
        subject_person_id=case.person_id,
        site_id=case.office_id,
        details={"case_id": str(case.public_id)},
    )
    return schedule


def _open_current(actor: Actor, schedule: CheckInSchedule, now: dt.datetime) -> CheckIn | None:
    """The schedule's check-in for the current period, created once (the unique opening holds it)."""
    day = rules.opening_on(schedule.starts_on, schedule.frequency, timezone.localdate(now))
    if day is None:
        return None
    opens_at = _opening_instant(day)
    closes_at = opens_at + dt.timedelta(hours=schedule.window_hours)
    if now >= rules.expires_at(closes_at) or schedule.case.check_ins.filter(opens_at=opens_at).exists():
        return None
    check_in = CheckIn.objects.create(
        case=schedule.case, schedule=schedule, opens_at=opens_at, closes_at=closes_at, created_at=now
    )
    record_event(
        actor,
        "supervision.check_in_opened",
        object_type="supervision_check_in",
        object_id=check_in.public_id,
        subject_person_id=schedule.case.person_id,
        site_id=schedule.case.office_id,
        details={"case_id": str(schedule.case.public_id), "closes_at": closes_at.isoformat()},
    )
    return check_in


def open_due_check_ins(actor: Actor, *, now: dt.datetime | None = None) -> list[CheckIn]:
    """Open the current check-in of every active schedule on an open case that does not have it yet."""
    now = now or clock.now()
    schedules = CheckInSchedule.objects.filter(active=True, case__status=SupervisionCase.Status.OPEN).select_related(
        "case"
    )
    opened = []
    for schedule in schedules.order_by("id"):
        check_in = _open_current(actor, schedule, now)
        if check_in is not None:
            opened.append(check_in)
    return opened


# --- the participant -----------------------------------------------------------------------------


def submit_check_in(
    actor: Actor,
    *,
    check_in_id,
    date_of_birth: dt.date | None,
    postcode: str,
    answers: dict,
    message: str = "",
    photo_name: str = "",
    photo_content: bytes | None = None,
) -> CheckIn:
    """The participant completes their own open check-in. The identity answers are checked against the
    person record (date of birth, postcode of the current address); a mismatch is recorded and flagged,
    as are worrying survey answers, and a flagged submission notifies the officer."""
    actor.require(USE_PORTAL)
    check_in = queries.find_own_check_in(actor, check_in_id, for_update=True)
    now = clock.now()
    if not rules.can_submit(check_in.state, check_in.closes_at, check_in.opens_at, now):
        raise Conflict("This check-in is no longer open", code="supervision.check_in_closed")
    date_of_birth = check_date(date_of_birth, "date_of_birth", label="date of birth", required=True)
    postcode = clean_text(postcode, "postcode", 20, required=True)
    answers = {key: (answers or {}).get(key) for key in rules.SURVEY}
    problems = rules.survey_problems(answers)
    if problems:
        field, text = next(iter(problems.items()))
        raise RuleViolation(text, code="supervision.survey_incomplete", field=field)
    answers["message"] = clean_text(message, "message", rules.MESSAGE_LIMIT)
    if photo_content:
        if len(photo_content) > people_rules.PHOTO_MAX_BYTES:
            raise RuleViolation(
                "The photo must be smaller than 2 MB", code="supervision.photo_too_large", field="photo"
            )
        content_type = people_rules.photo_content_type(photo_name, photo_content[:16])
        if content_type is None:
            raise RuleViolation("The photo must be a JPEG or PNG", code="supervision.photo_type", field="photo")
        check_in.photo, check_in.photo_content_type = photo_content, content_type
        check_in.photo_sha256 = hashlib.sha256(photo_content).hexdigest()
    person = check_in.case.person
    failures = rules.identity_failures(
        queries.identity_record(person, timezone.localdate(now)), date_of_birth=date_of_birth, postcode=postcode
    )
    _move(check_in, "submit")
    check_in.submitted_at = now
    check_in.identity_date_of_birth, check_in.identity_postcode = date_of_birth, postcode
    check_in.identity_failures = failures
    check_in.answers = answers
    check_in.flags = rules.flags_of(failures, answers)
    check_in.flagged = bool(check_in.flags)
    check_in.save()
    record_event(
        actor,
        "supervision.check_in_submitted",
        object_type="supervision_check_in",
        object_id=check_in.public_id,
        subject_person_id=person.pk,
        site_id=check_in.case.office_id,
        changed_fields=["state", "answers", *(["photo"] if check_in.photo_sha256 else [])],
        details={
            "case_id": str(check_in.case.public_id),
            "identity_confirmed": not failures,
            "identity_failures": failures,
            "flags": check_in.flags,
            "late": now >= check_in.closes_at,
        },
    )
    if check_in.flagged:
        _notify_officer(check_in, now)
    return check_in


# --- the officer ---------------------------------------------------------------------------------


def review_check_in(actor: Actor, *, check_in_id, outcome: str, note: str = "", version: int | None = None) -> CheckIn:
    """The officer's review of a submitted check-in: satisfactory, concerns or follow-up needed (the last
    two with a note)."""
    actor.require(RECORD)
    check_in = queries.find_check_in(actor, check_in_id, for_update=True)
    _check_version(check_in, version)
    note = clean_text(note, "note", 2000)
    problem = rules.review_problem(outcome, note)
    if problem:
        field = "outcome" if outcome not in rules.REVIEW_OUTCOMES else "note"
        raise RuleViolation(problem, code="supervision.review_incomplete", field=field)
    _move(check_in, "review")
    check_in.review_outcome, check_in.review_note = outcome, note
    check_in.reviewed_at, check_in.reviewed_by_id = clock.now(), actor.user_id
    check_in.save()
    record_event(
        actor,
        "supervision.check_in_reviewed",
        object_type="supervision_check_in",
        object_id=check_in.public_id,
        subject_person_id=check_in.case.person_id,
        site_id=check_in.case.office_id,
        changed_fields=["state", "review_outcome", "review_note"],
        details={"case_id": str(check_in.case.public_id), "outcome": outcome},
    )
    return check_in


# --- the jobs ------------------------------------------------------------------------------------


def expire_check_ins(actor: Actor, *, now: dt.datetime | None = None) -> int:
    """Expire every created check-in past its window and grace period; returns how many."""
    now = now or clock.now()
    rows = CheckIn.objects.select_for_update(of=("self",)).filter(
        state=CheckIn.State.CREATED, closes_at__lte=now - rules.GRACE
    )
    count = 0
    for check_in in rows.select_related("case").defer("photo").order_by("id"):
        if not rules.should_expire(check_in.state, check_in.closes_at, now):
            continue
        _move(check_in, "expire")
        check_in.save(update_fields=["state", "version"])
        record_event(
            actor,
            "supervision.check_in_expired",
            object_type="supervision_check_in",
            object_id=check_in.public_id,
            subject_person_id=check_in.case.person_id,
            site_id=check_in.case.office_id,
            changed_fields=["state"],
            details={"case_id": str(check_in.case.public_id)},
        )
        count += 1
    return count


def person_recipient(person) -> notifications.Recipient | None:
    """Where the person's notices go: their open portal account's e-mail and phone; None without one."""
    recipients = portal_recipients(person)
    return recipients[0] if recipients else None


def _portal_link() -> str:
    return reverse("supervision:portal")


def _notify_person(check_in: CheckIn, kind: str, subject: str, body: str) -> bool:
    recipient = person_recipient(check_in.case.person)
    if recipient is None:
        return False
    notifications.notify(
        notifications.Message(
            kind,
            subject,
            body,
            recipients=(recipient,),
            link=_portal_link(),
            details={"check_in_id": str(check_in.public_id)},
        )
    )
    return True


def _notify_officer(check_in: CheckIn, now: dt.datetime) -> None:
    officer = check_in.case.officer
    if officer is not None:
        labels = ", ".join(rules.FLAG_LABELS.get(f, f) for f in check_in.flags)
        notifications.notify(
            notifications.Message(
                "supervision.check_in_flagged",
                "A check-in needs your attention",
                f"{check_in.case.person} submitted a check-in with flags: {labels}.",
                recipients=(notifications.Recipient(officer.username, officer.email or ""),),
                link=reverse("supervision:check_in_review", kwargs={"check_in_id": check_in.public_id}),
                details={"check_in_id": str(check_in.public_id), "flags": list(check_in.flags)},
            )
        )
    check_in.flag_notice_at = now
    check_in.save(update_fields=["flag_notice_at"])


def send_reminders(actor: Actor, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Open due check-ins, then send each notice once: "open now" to the person when a check-in opens,
    a reminder 24 hours before it closes, and the officer's notice of a flagged submission not yet sent.
    A notice is stamped on the check-in when taken care of (also when the person has no portal account
    to send it to), so a rerun sends nothing twice."""
    now = now or clock.now()
    open_due_check_ins(actor, now=now)
    sent = {"opened": 0, "reminders": 0, "flagged": 0}
    waiting = (
        CheckIn.objects.select_for_update(of=("self",))
        .filter(state=CheckIn.State.CREATED, opens_at__lte=now, closes_at__gt=now - rules.GRACE)
        .select_related("case__person")
        .defer("photo")
        .order_by("id")
    )
    for check_in in waiting:
        if check_in.opened_notice_at is None:
            when = timezone.localtime(check_in.closes_at)
            if _notify_person(
                check_in,
                "supervision.check_in_open",
                "Your check-in is open",
                f"Please complete your check-in by {when:%H:%M on %d %B %Y}.",
            ):
                sent["opened"] += 1
            check_in.opened_notice_at = now
            check_in.save(update_fields=["opened_notice_at"])
        if rules.reminder_due(check_in.state, check_in.closes_at, now, check_in.reminder_at is not None):
            when = timezone.localtime(check_in.closes_at)
            if _notify_person(
                check_in,
                "supervision.check_in_reminder",
                "Reminder: complete your check-in",
                f"Your check-in closes at {when:%H:%M on %d %B %Y}.",
            ):
                sent["reminders"] += 1
            check_in.reminder_at = now
            check_in.save(update_fields=["reminder_at"])
    unsent = CheckIn.objects.select_for_update(of=("self",)).filter(
        state=CheckIn.State.SUBMITTED, flagged=True, flag_notice_at__isnull=True
    )
    for check_in in unsent.select_related("case__person", "case__officer").defer("photo").order_by("id"):
        _notify_officer(check_in, now)
        sent["flagged"] += 1
    return sent
