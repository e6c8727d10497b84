"""Formal counts: count times per site, starting a count (scheduled or emergency), officers' figures,
reconciliation against the roll snapshot, discrepancies, recounts, and the supervisor's clearing.

Permissions (oms.custody.permissions): ``custody.count`` to start a scheduled count, enter figures and
record or resolve discrepancies; ``custody.manage_counts`` to configure count times, call an emergency
count, order a recount and clear sessions and counts. A site out of the actor's reach answers 404.
Every change writes one audit event ``custody.count_*``. Services never commit: the entry point owns
the transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import IntegrityError, transaction

from oms.audit.models import AuditEvent
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.custody.models import Count, CountDiscrepancy, CountEntry, CountSession, CountTime, CustodyEpisode
from oms.custody.queries.counts import late_tolerance, missed_slots
from oms.custody.queries.episodes import site_in_reach
from oms.custody.queries.roll import unit_people
from oms.custody.rules import counts as rules
from oms.facilities.models import Location, Site
from oms.people.models import Person

MAX_COUNTED = 100_000  # no unit holds more; a larger figure is a typing slip
PAPER_ENTRY_WINDOW = dt.timedelta(hours=24)  # a paper count is entered within a day of being taken


def _as_uuid(value, code: str, detail: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        raise NotFound(detail, code=code)


def _text(value: str | None, *, field: str, code: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(f"Enter {label}.", code=code, field=field)
    if len(value) > max_length:
        raise RuleViolation(
            f"{label[0].upper()}{label[1:]} must be {max_length} characters or less.", code=code, field=field
        )
    return value


# --- count times -------------------------------------------------------------------------------------


def _count_time_in_reach(actor: Actor, count_time_id) -> CountTime:
    actor.require("custody.manage_counts")
    try:
        pk = int(count_time_id)
    except (TypeError, ValueError):
        pk = 0
    count_time = CountTime.objects.select_related("site").filter(pk=pk).first() if 0 < pk < 2**62 else None
    if count_time is None or not actor.can_reach_site(count_time.site_id, count_time.site.organisation_id):
        raise NotFound("Count time not found.", code="custody.count_time_not_found")
    return count_time


def _refuse_duplicate_time(site: Site, time_of_day: dt.time, exclude_pk: int | None = None) -> None:
    clash = CountTime.objects.filter(site=site, time_of_day=time_of_day, active=True).exclude(pk=exclude_pk)
    if clash.exists():
        raise Conflict(
            f"There is already a count at {time_of_day:%H:%M} at this site.",
            code="custody.count_time_duplicate",
            field="time_of_day",
        )


def create_count_time(actor: Actor, *, site_id, name: str, time_of_day: dt.time) -> CountTime:
    """Add a formal count time at a site (local wall time). ``custody.manage_counts``; audited
    ``custody.count_time_created``. Two active count times at the same minute are refused."""
    actor.require("custody.manage_counts")
    site = site_in_reach(actor, site_id, permission="custody.manage_counts")
    name = _text(name, field="name", code="custody.count_time_name", label="a name for the count", max_length=60)
    if not isinstance(time_of_day, dt.time):
        raise RuleViolation("Enter the time of the count.", code="custody.count_time_time", field="time_of_day")
    time_of_day = time_of_day.replace(second=0, microsecond=0, tzinfo=None)
    _refuse_duplicate_time(site, time_of_day)
    count_time = CountTime.objects.create(site=site, name=name, time_of_day=time_of_day)
    record_event(
        actor,
        "custody.count_time_created",
        object_type="count_time",
        object_id=count_time.pk,
        site_id=site.pk,
        changed_fields=["name", "time_of_day"],
        details={"time_of_day": time_of_day.strftime("%H:%M")},
    )
    return count_time


def update_count_time(
    actor: Actor, *, count_time_id, name: str | None = None, time_of_day: dt.time | None = None, active=None
) -> CountTime:
    """Rename, move or (de)activate a count time (a count time is never deleted: its counts keep it).
    ``custody.manage_counts``; audited ``custody.count_time_changed`` with the fields changed."""
    count_time = _count_time_in_reach(actor, count_time_id)
    changed = []
    if name is not None:
        name = _text(name, field="name", code="custody.count_time_name", label="a name for the count", max_length=60)
        if name != count_time.name:
            count_time.name, changed = name, [*changed, "name"]
    if time_of_day is not None:
        time_of_day = time_of_day.replace(second=0, microsecond=0, tzinfo=None)
        if time_of_day != count_time.time_of_day:
            count_time.time_of_day, changed = time_of_day, [*changed, "time_of_day"]
    if active is not None and bool(active) != count_time.active:
        count_time.active, changed = bool(active), [*changed, "active"]
    if not changed:
        return count_time
    if count_time.active:
        _refuse_duplicate_time(count_time.site, count_time.time_of_day, exclude_pk=count_time.pk)
    count_time.save(update_fields=changed)
    record_event(
        actor,
        "custody.count_time_changed",
        object_type="count_time",
        object_id=count_time.pk,
        site_id=count_time.site_id,
        changed_fields=changed,
        details={"time_of_day": count_time.time_of_day.strftime("%H:%M"), "active": count_time.active},
    )
    return count_time


# --- starting a count ----------------------------------------------------------------------------------


def _units_to_count(site: Site, unit_ids) -> list[Location]:
    units = Location.objects.filter(site=site, parent__isnull=True, residential=True, active=True).order_by("key")
    in_count = [u for u in units if u.in_count]
    if unit_ids is None:
        chosen = in_count
    else:
        wanted = [_as_uuid(u, "custody.unit_not_in_count", "Unit not found.") for u in unit_ids]
        by_id = {u.public_id: u for u in in_count}
        missing = [u for u in wanted if u not in by_id]
        if missing:
            raise RuleViolation(
                "A unit chosen is not counted at this site (not a unit here, inactive, or out of count).",
                code="custody.unit_not_in_count",
                field="unit_ids",
            )
        chosen = [by_id[u] for u in dict.fromkeys(wanted)]
    if not chosen:
        raise RuleViolation("This site has no units in count.", code="custody.no_units_in_count", field="unit_ids")
    return chosen


def _snapshot(site: Site, unit: Location) -> tuple[int, list[dict]]:
    """The unit's roll as the officers will check it: who should be in (present) and who is away,
    by name, with where and the responsible party."""
    people = unit_people(site, unit)
    rows = [
        {
            "person_id": p.person_id,
            "name": p.name,
            "system_number": p.system_number,
            "location": p.cell,
            "present": p.present,
            "where": p.where,
            "escort": p.escort,
        }
        for p in people
    ]
    return sum(1 for p in people if p.present), rows


def _open_session(count: Count, unit: Location, *, two_officer: bool, recount_of=None) -> CountSession:
    expected, people = _snapshot(count.site, unit)
    return CountSession.objects.create(
        count=count,
        unit=unit,
        expected=expected,
        expected_people=people,
        two_officer=two_officer,
        recount_of=recount_of,
        opened_at=clock.now(),
    )


def start_count(
    actor: Actor,
    *,
    site_id,
    count_time_id=None,
    on: dt.date | None = None,
    emergency_reason: str = "",
    emergency: bool = False,
    unit_ids=None,
    two_officer: bool = False,
) -> Count:
    """Start a formal count: one session per unit in count (or the units named), each with the roll
    snapshot it is checked against. A scheduled count names its count time and the local date (today
    by default); an emergency count needs ``custody.manage_counts`` and a reason. Only one count runs
    at a site at a time. ``custody.count``; audited ``custody.count_started``."""
    actor.require("custody.count")
    emergency = emergency or bool((emergency_reason or "").strip())
    if emergency:
        actor.require("custody.manage_counts")
    site = site_in_reach(actor, site_id, permission="custody.count")
    # Lock the site row so two officers starting the same count at once get one count and one refusal.
    Site.objects.select_for_update().filter(pk=site.pk).first()
    now = clock.now()
    count_time = None
    if emergency:
        reason = _text(emergency_reason, field="reason", code="custody.emergency_reason", label="why", max_length=200)
        kind, due = Count.Kind.EMERGENCY, now
    else:
        if count_time_id in (None, ""):
            raise RuleViolation(
                "Choose the count time, or call an emergency count with a reason.",
                code="custody.count_time_required",
                field="count_time",
            )
        count_time = _count_time_in_reach_for_count(actor, count_time_id, site)
        day = on or rules.local_date(now, site.time_zone)
        kind, due, reason = Count.Kind.SCHEDULED, rules.due_at(day, count_time.time_of_day, site.time_zone), ""
        if Count.objects.filter(site=site, count_time=count_time, due_at=due).exists():
            raise Conflict("That count has already been started.", code="custody.count_already_started")
    running = Count.objects.filter(site=site, status=Count.Status.IN_PROGRESS).first()
    if running is not None:
        raise Conflict(
            "A count is already in progress at this site: clear it first.",
            code="custody.count_in_progress",
        )
    units = _units_to_count(site, unit_ids)
    try:
        with transaction.atomic():
            count = Count.objects.create(
                site=site,
                count_time=count_time,
                kind=kind,
                due_at=due,
                started_at=now,
                started_by_id=actor.user_id,
                reason=reason,
            )
    except IntegrityError:
        raise Conflict("That count has already been started.", code="custody.count_already_started")
    for unit in units:
        _open_session(count, unit, two_officer=two_officer)
    record_event(
        actor,
        "custody.count_started",
        object_type="count",
        object_id=count.public_id,
        site_id=site.pk,
        changed_fields=["status"],
        details={
            "kind": kind,
            "due_at": due.isoformat(),
            "units": [u.key for u in units],
            "two_officer": two_officer,
        },
        reason=reason,
    )
    return count


def _count_time_in_reach_for_count(actor: Actor, count_time_id, site: Site) -> CountTime:
    try:
        pk = int(count_time_id)
    except (TypeError, ValueError):
        pk = 0
    count_time = CountTime.objects.filter(pk=pk, site=site, active=True).first() if 0 < pk < 2**62 else None
    if count_time is None:
        raise RuleViolation(
            "Choose one of this site's count times.", code="custody.count_time_unknown", field="count_time"
        )
    return count_time


# --- sessions ------------------------------------------------------------------------------------------


def _session(actor: Actor, session_id, permission: str) -> CountSession:
    actor.require(permission)
    pk = _as_uuid(session_id, "custody.count_session_not_found", "Count session not found.")
    session = (
        CountSession.objects.select_for_update(of=("self",))
        .select_related("count__site", "unit")
        .filter(public_id=pk)
        .first()
    )
    if session is None or not actor.can_reach_site(session.count.site_id, session.count.site.organisation_id):
        raise NotFound("Count session not found.", code="custody.count_session_not_found")
    return session


def _refuse_finished(session: CountSession) -> None:
    if session.status == CountSession.Status.CLEARED or session.count.status == Count.Status.CLEARED:
        raise Conflict("This unit's count is already cleared.", code="custody.count_session_already_cleared")
    if session.status == CountSession.Status.RECOUNT:
        raise Conflict(
            "This session was superseded by a recount: use the recount.", code="custody.count_session_superseded"
        )


def enter_count(
    actor: Actor, *, session_id, counted: int, on_paper: bool = False, counted_at: dt.datetime | None = None
) -> CountEntry:
    """An officer's number for a unit. With two-officer counting each officer enters once and the
    session is reconciled when both are in; otherwise the first figure decides. A paper count is
    entered afterwards with the time it was actually counted. ``custody.count``; audited
    ``custody.count_entered`` with the outcome."""
    session = _session(actor, session_id, "custody.count")
    if actor.user_id is None:
        raise RuleViolation("A count is entered by a named officer.", code="custody.count_needs_officer")
    if isinstance(counted, bool) or not isinstance(counted, int):
        raise RuleViolation(
            "Enter the number counted as a whole number.", code="custody.count_invalid", field="counted"
        )
    if counted < 0:
        raise RuleViolation("The number counted cannot be negative.", code="custody.count_negative", field="counted")
    if counted > MAX_COUNTED:
        raise RuleViolation(
            f"The number counted must be {MAX_COUNTED:,} or fewer.", code="custody.count_too_large", field="counted"
        )
    _refuse_finished(session)
    now = clock.now()
    if on_paper:
        if counted_at is None:
            raise RuleViolation(
                "Enter the time the paper count was taken.", code="custody.counted_at_required", field="counted_at"
            )
        if counted_at > now:
            raise RuleViolation(
                "The time counted cannot be in the future.", code="custody.counted_at_future", field="counted_at"
            )
        if counted_at < now - PAPER_ENTRY_WINDOW:
            raise RuleViolation(
                "A paper count must be entered within 24 hours of being taken.",
                code="custody.counted_at_too_old",
                field="counted_at",
            )
    elif counted_at is not None:
        raise RuleViolation(
            "Only a paper count has a separate time counted.",
            code="custody.counted_at_only_on_paper",
            field="counted_at",
        )
    entries = list(session.entries.all())
    if any(e.officer_id == actor.user_id for e in entries):
        raise Conflict(
            "You have already entered a number for this unit: a second figure must come from another officer.",
            code="custody.count_entry_duplicate",
            field="counted",
        )
    if session.status != CountSession.Status.OPEN or len(entries) >= rules.officers_needed(session.two_officer):
        raise Conflict(
            "This unit has been counted: order a recount to count it again.", code="custody.count_session_counted"
        )
    entry = CountEntry.objects.create(
        session=session,
        officer_id=actor.user_id,
        counted=counted,
        counted_at=counted_at if on_paper else now,
        entered_at=now,
        on_paper=on_paper,
    )
    result = rules.reconcile(
        session.expected, [e.counted for e in entries] + [counted], two_officer=session.two_officer
    )
    changed = []
    if result.outcome != rules.WAITING:
        session.status = (
            CountSession.Status.MATCHED if result.outcome == rules.MATCHED else CountSession.Status.DISCREPANCY
        )
        changed.append("status")
    if on_paper and not session.on_paper:
        session.on_paper = True
        changed.append("on_paper")
    if changed:
        session.save(update_fields=changed)
    record_event(
        actor,
        "custody.count_entered",
        object_type="count_session",
        object_id=session.public_id,
        site_id=session.count.site_id,
        changed_fields=["entries", *changed],
        details={
            "unit": session.unit.key,
            "counted": counted,
            "outcome": result.outcome,
            "on_paper": on_paper,
            **({"counted_at": counted_at.isoformat()} if on_paper else {}),
        },
    )
    return entry


def order_recount(actor: Actor, *, session_id, reason: str) -> CountSession:
    """Count a unit again: the session is marked superseded and a new one opens with the roll as it
    is now. ``custody.manage_counts``; audited ``custody.count_recount_ordered``."""
    session = _session(actor, session_id, "custody.manage_counts")
    _refuse_finished(session)
    reason = _text(reason, field="reason", code="custody.recount_reason", label="why it is recounted", max_length=200)
    session.status = CountSession.Status.RECOUNT
    session.save(update_fields=["status"])
    recount = _open_session(session.count, session.unit, two_officer=session.two_officer, recount_of=session)
    record_event(
        actor,
        "custody.count_recount_ordered",
        object_type="count_session",
        object_id=recount.public_id,
        site_id=session.count.site_id,
        changed_fields=["status"],
        details={"unit": session.unit.key, "superseded": str(session.public_id)},
        reason=reason,
    )
    return recount


def record_discrepancy(actor: Actor, *, session_id, description: str, person_id=None) -> CountDiscrepancy:
    """Name a difference between the count and the roll (who is missing or extra, and what is known).
    ``custody.count``; audited ``custody.count_discrepancy_recorded``."""
    session = _session(actor, session_id, "custody.count")
    _refuse_finished(session)
    description = _text(
        description, field="description", code="custody.discrepancy_description", label="what is wrong", max_length=500
    )
    person = None
    if person_id not in (None, ""):
        try:
            person_uuid = uuid.UUID(str(person_id))
        except ValueError:
            person_uuid = None
        # Only someone on this site's books can be named, so the list cannot be used to probe others.
        person = (
            Person.objects.filter(
                public_id=person_uuid,
                custody_episodes__site_id=session.count.site_id,
                custody_episodes__status=CustodyEpisode.Status.ACTIVE,
            ).first()
            if person_uuid
            else None
        )
        if person is None:
            raise RuleViolation(
                "Choose a person in custody at this site.", code="custody.discrepancy_person_unknown", field="person_id"
            )
    discrepancy = CountDiscrepancy.objects.create(session=session, person=person, description=description)
    record_event(
        actor,
        "custody.count_discrepancy_recorded",
        object_type="count_discrepancy",
        object_id=discrepancy.pk,
        subject_person_id=person.pk if person else None,
        site_id=session.count.site_id,
        changed_fields=["description", "person"],
        details={"session": str(session.public_id), "unit": session.unit.key},
    )
    return discrepancy


def resolve_discrepancy(actor: Actor, *, session_id, discrepancy_id, resolution: str) -> CountDiscrepancy:
    """Say how a discrepancy was accounted for. ``custody.count``; audited
    ``custody.count_discrepancy_resolved``."""
    session = _session(actor, session_id, "custody.count")
    _refuse_finished(session)
    try:
        pk = int(discrepancy_id)
    except (TypeError, ValueError):
        pk = 0
    discrepancy = session.discrepancies.filter(pk=pk).first() if 0 < pk < 2**62 else None
    if discrepancy is None:
        raise NotFound("Discrepancy not found.", code="custody.discrepancy_not_found")
    if discrepancy.resolved_at is not None:
        raise Conflict("This discrepancy is already resolved.", code="custody.discrepancy_already_resolved")
    discrepancy.resolution = _text(
        resolution,
        field="resolution",
        code="custody.discrepancy_resolution",
        label="how it was resolved",
        max_length=500,
    )
    discrepancy.resolved_at = clock.now()
    discrepancy.resolved_by_id = actor.user_id
    discrepancy.save(update_fields=["resolution", "resolved_at", "resolved_by"])
    record_event(
        actor,
        "custody.count_discrepancy_resolved",
        object_type="count_discrepancy",
        object_id=discrepancy.pk,
        subject_person_id=discrepancy.person_id,
        site_id=session.count.site_id,
        changed_fields=["resolution", "resolved_at", "resolved_by"],
        details={"session": str(session.public_id), "unit": session.unit.key},
    )
    return discrepancy


def clear_session(actor: Actor, *, session_id, note: str = "") -> CountSession:
    """The supervisor signs off one unit: a match, or a discrepancy accounted for by name (every
    discrepancy resolved). ``custody.manage_counts``; audited ``custody.count_session_cleared``."""
    session = _session(actor, session_id, "custody.manage_counts")
    note = _text(note, field="note", code="custody.clear_note", label="a note", max_length=500, required=False)
    discrepancies = list(session.discrepancies.values_list("resolved_at", flat=True))
    refusal = rules.clear_refusal(
        session.status,
        discrepancies=len(discrepancies),
        unresolved=sum(1 for resolved in discrepancies if resolved is None),
    )
    if refusal is None and session.count.status == Count.Status.CLEARED:
        refusal = ("custody.count_session_already_cleared", "This count is already cleared.")
    if refusal:
        raise Conflict(refusal[1], code=refusal[0])
    session.status = CountSession.Status.CLEARED
    session.cleared_at = clock.now()
    session.cleared_by_id = actor.user_id
    session.clear_note = note
    session.save(update_fields=["status", "cleared_at", "cleared_by", "clear_note"])
    record_event(
        actor,
        "custody.count_session_cleared",
        object_type="count_session",
        object_id=session.public_id,
        site_id=session.count.site_id,
        changed_fields=["status", "cleared_at", "cleared_by", "clear_note"],
        details={"unit": session.unit.key},
        reason=note,
    )
    return session


def clear_count(actor: Actor, *, count_id, note: str = "") -> Count:
    """The officer in charge clears the whole count once every unit's current session is cleared;
    movements are no longer flagged after this. ``custody.manage_counts``; audited
    ``custody.count_cleared`` (with whether it was late)."""
    actor.require("custody.manage_counts")
    pk = _as_uuid(count_id, "custody.count_not_found", "Count not found.")
    count = Count.objects.select_for_update(of=("self",)).select_related("site").filter(public_id=pk).first()
    if count is None or not actor.can_reach_site(count.site_id, count.site.organisation_id):
        raise NotFound("Count not found.", code="custody.count_not_found")
    note = _text(note, field="note", code="custody.clear_note", label="a note", max_length=500, required=False)
    if count.status == Count.Status.CLEARED:
        raise Conflict("This count is already cleared.", code="custody.count_already_cleared")
    waiting = (
        count.sessions.exclude(status__in=(CountSession.Status.CLEARED, CountSession.Status.RECOUNT))
        .select_related("unit")
        .order_by("unit__key")
    )
    units = [s.unit.key for s in waiting]
    if units:
        raise Conflict(
            f"Clear every unit first; not yet cleared: {', '.join(units)}.", code="custody.count_sessions_uncleared"
        )
    now = clock.now()
    count.status = Count.Status.CLEARED
    count.cleared_at = now
    count.cleared_by_id = actor.user_id
    count.save(update_fields=["status", "cleared_at", "cleared_by"])
    late = rules.timeliness(count.due_at, now, now, late_tolerance()) == rules.LATE
    record_event(
        actor,
        "custody.count_cleared",
        object_type="count",
        object_id=count.public_id,
        site_id=count.site_id,
        changed_fields=["status", "cleared_at", "cleared_by"],
        details={"late": late, "kind": count.kind},
        reason=note,
    )
    return count


def record_missed_counts(actor: Actor, *, days: int = 2) -> int:
    """Write a compliance record for each count time that was missed (due, past the late tolerance,
    never started) over the last ``days`` local days at every prison in reach, once per count time
    and due time: one audit event ``custody.count_missed`` each. The history shows missed counts
    whether or not this ran; the event makes the breach part of the tamper-evident trail.
    ``custody.manage_counts`` (the scheduled job runs as the system actor). Returns how many were
    written."""
    actor.require("custody.manage_counts")
    written = 0
    sites = Site.objects.filter(kind=Site.Kind.PRISON, active=True, count_times__active=True).distinct()
    for site in sites:
        if not actor.can_reach_site(site.pk, site.organisation_id):
            continue
        slots = missed_slots(site, days=days)
        keys = {f"{slot.count_time_id}@{slot.due_at:%Y-%m-%dT%H:%MZ}": slot for slot in slots}
        done = set(
            AuditEvent.objects.filter(
                action="custody.count_missed", object_type="count_time", object_id__in=list(keys)
            ).values_list("object_id", flat=True)
        )
        for key, slot in keys.items():
            if key in done:
                continue
            record_event(
                actor,
                "custody.count_missed",
                object_type="count_time",
                object_id=key,
                site_id=site.pk,
                details={"name": slot.name, "due_at": slot.due_at.isoformat()},
            )
            written += 1
    return written
