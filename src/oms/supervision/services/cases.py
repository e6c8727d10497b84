"""Changing supervision cases: open a case, allocate its officer and office, override the level, close
it, and open a licence case when custody releases a person on licence.

Permissions: supervision.manage_cases (open, allocate, close), supervision.override_level (the level
override), on a person in the actor's scope (else NotFound). Changes to an existing case take the
``version`` the caller read (Conflict ``supervision.case_version_conflict`` when stale) and bump it.
Every change writes one audit event ``supervision.case_<past verb>``.

Scope: a case at an office links the person to that office (``people`` site link of kind
supervision), so the office's staff can reach the record; the link ends when the last open case there
closes or moves away.
"""

from __future__ import annotations

import datetime as dt

from oms.accounts.models import User
from oms.accounts.queries import actor_for_user
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.core.events import Event
from oms.core.ids import parse_public_id
from oms.facilities.models import Site
from oms.people import services as people_services
from oms.people.models import Person, PersonSiteLink
from oms.people.queries.records import find_person
from oms.sentencing.queries.calculations import key_dates
from oms.supervision.models import CaseEntry, Level, SupervisionCase
from oms.supervision.queries import cases as queries
from oms.supervision.services._common import (
    check_choice,
    check_date,
    check_open,
    check_period,
    check_version,
    clean_text,
)

MANAGE = "supervision.manage_cases"
OVERRIDE = "supervision.override_level"
OFFICER_PERMISSION = "supervision.record_contacts"  # who may be named the supervising officer
RELEASE_TRIGGER = "custody.person_released"
LICENCE_END_DATE_TYPES = ("LED", "SLED")  # the first the person's key dates hold is the licence end


# --- office and officer --------------------------------------------------------------------------


def _office(actor: Actor, office_id) -> Site | None:
    """The supervising office: an active site the actor can reach."""
    if office_id in (None, ""):
        return None
    wanted = parse_public_id(office_id, code="supervision.office_not_found")
    site = Site.objects.filter(public_id=wanted, active=True).first()
    if site is None or not actor.can_reach_site(site.pk, site.organisation_id):
        raise NotFound("No such office", code="supervision.office_not_found", field="office_id")
    return site


def _officer(actor: Actor, officer_id, office: Site | None) -> User | None:
    """The supervising officer: an active user who records contacts and reaches the office (if any),
    within the actor's organisation unless the actor is national."""
    if officer_id in (None, ""):
        return None
    wanted = parse_public_id(officer_id, code="supervision.officer_not_found")
    user = User.objects.filter(public_id=wanted, is_active=True).first()
    if user is None or not (actor.is_national or user.organisation_id == actor.organisation_id):
        raise NotFound("No such officer", code="supervision.officer_not_found", field="officer_id")
    officer = actor_for_user(user, channel=actor.channel)
    if not officer.has(OFFICER_PERMISSION):
        raise RuleViolation(
            "This user does not record supervision contacts", code="supervision.not_an_officer", field="officer_id"
        )
    if office is not None and not officer.can_reach_site(office.pk, office.organisation_id):
        raise RuleViolation(
            "This officer does not work at the supervising office",
            code="supervision.officer_not_at_office",
            field="officer_id",
        )
    return user


def _link_to_office(actor: Actor, person: Person, office: Site | None, on: dt.date) -> None:
    if office is None:
        return
    open_link = PersonSiteLink.objects.filter(
        person=person, site=office, kind=PersonSiteLink.Kind.SUPERVISION, ended_on__isnull=True
    ).exists()
    if not open_link:
        people_services.link_person_to_site(
            actor.lent("people.edit"),
            person_id=person.public_id,
            site_id=office.public_id,
            kind=PersonSiteLink.Kind.SUPERVISION,
            started_on=min(on, clock.today()),
        )


def _unlink_from_office(actor: Actor, case: SupervisionCase, office_id: int | None, reason: str) -> None:
    """End the person's supervision link to an office no other open case of theirs is held at."""
    if office_id is None:
        return
    others = SupervisionCase.objects.filter(
        person_id=case.person_id, office_id=office_id, status=SupervisionCase.Status.OPEN
    ).exclude(pk=case.pk)
    if others.exists():
        return
    link = PersonSiteLink.objects.filter(
        person_id=case.person_id, site_id=office_id, kind=PersonSiteLink.Kind.SUPERVISION, ended_on__isnull=True
    ).first()
    if link is not None and actor.can_reach_site(office_id, link.site.organisation_id):
        people_services.end_site_link(
            actor.lent("people.edit"), person_id=case.person.public_id, link_id=link.pk, reason=reason
        )


# --- audit ---------------------------------------------------------------------------------------


def _audit(actor: Actor, case: SupervisionCase, verb: str, *, changed=(), details=None, reason: str = "") -> None:
    record_event(
        actor,
        f"supervision.case_{verb}",
        object_type="supervision_case",
        object_id=case.public_id,
        subject_person_id=case.person_id,
        site_id=case.office_id,
        changed_fields=changed,
        details={"version": case.version, "kind": case.kind, **(details or {})},
        reason=reason,
    )


def _save(case: SupervisionCase) -> None:
    case.version += 1
    case.updated_at = clock.now()
    case.save()


def _add_entry(actor: Actor, case: SupervisionCase, kind: str, text: str) -> CaseEntry:
    return CaseEntry.objects.create(
        case=case, kind=kind, text=text[:5000], recorded_at=clock.now(), recorded_by_id=actor.user_id
    )


# --- open ----------------------------------------------------------------------------------------


def _refuse_second_open(person: Person, kind: str) -> None:
    if SupervisionCase.objects.filter(person=person, kind=kind, status=SupervisionCase.Status.OPEN).exists():
        raise Conflict(
            f"This person already has an open {SupervisionCase.Kind(kind).label.lower()} case",
            code="supervision.case_exists",
            field="kind",
        )


def open_case(
    actor: Actor,
    *,
    person_id,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    reference: str = "",
    office_id=None,
    officer_id=None,
    notes: str = "",
) -> SupervisionCase:
    """Open a supervision case (supervision.manage_cases, person in scope). One open case of each kind
    per person (Conflict ``supervision.case_exists``). The office must be in the actor's reach and the
    officer must record contacts there. Audited as ``supervision.case_opened``."""
    actor.require(MANAGE)
    kind = check_choice(kind, SupervisionCase.Kind.values, "kind", label="kind of supervision")
    starts_on = check_date(starts_on, "starts_on", label="start date", required=True)
    ends_on = check_date(ends_on, "ends_on", label="end date")
    check_period(starts_on, ends_on)
    reference = clean_text(reference, "reference", 60, label="order or licence reference")
    notes = clean_text(notes, "notes", 5000)
    person = find_person(actor, person_id, for_update=True)
    office = _office(actor, office_id)
    officer = _officer(actor, officer_id, office)
    _refuse_second_open(person, kind)
    now = clock.now()
    case = SupervisionCase.objects.create(
        person=person,
        kind=kind,
        reference=reference,
        starts_on=starts_on,
        ends_on=ends_on,
        office=office,
        officer=officer,
        notes=notes,
        created_at=now,
        created_by_id=actor.user_id,
        updated_at=now,
    )
    _link_to_office(actor, person, office, starts_on)
    _audit(
        actor,
        case,
        "opened",
        changed=["kind", "reference", "starts_on", "ends_on", "office", "officer"],
        details={"office": office.code if office else None, "officer": officer.username if officer else None},
    )
    return case


# --- allocate, override, close -------------------------------------------------------------------


def allocate_case(actor: Actor, *, case_id, version: int, office_id=None, officer_id=None) -> SupervisionCase:
    """Change the supervising office and officer (supervision.manage_cases). Both are given as they
    should stand (empty leaves the case unallocated). Audited as ``supervision.case_allocated`` with
    the previous office and officer."""
    actor.require(MANAGE)
    case = queries.find_case(actor, case_id, for_update=True)
    check_version(case, version)
    check_open(case)
    office = _office(actor, office_id)
    officer = _officer(actor, officer_id, office)
    before = {
        "office": case.office.code if case.office_id else None,
        "officer": case.officer.username if case.officer_id else None,
    }
    changed = [f for f, now, was in (("office", office, case.office), ("officer", officer, case.officer)) if now != was]
    if not changed:
        return case
    previous_office_id = case.office_id
    case.office, case.officer = office, officer
    _save(case)
    if previous_office_id != case.office_id:
        _link_to_office(actor, case.person, office, clock.today())
        _unlink_from_office(actor, case, previous_office_id, "Supervision moved to another office")
    _audit(
        actor,
        case,
        "allocated",
        changed=changed,
        details={
            "before": before,
            "after": {"office": office.code if office else None, "officer": officer.username if officer else None},
        },
    )
    return case


def override_level(actor: Actor, *, case_id, version: int, level: str | None, reason: str = "") -> SupervisionCase:
    """Override the supervision level the assessment gives (supervision.override_level), with a reason;
    ``level`` empty removes the override (the assessed level applies again; a reason is still needed).
    Audited as ``supervision.case_level_overridden`` or ``supervision.case_level_override_removed``
    with the levels before and after."""
    actor.require(OVERRIDE)
    case = queries.find_case(actor, case_id, for_update=True)
    check_version(case, version)
    check_open(case)
    level = level or ""
    if level:
        check_choice(level, Level.values, "level", label="supervision level")
    reason = clean_text(reason, "reason", 1000, required=True, label="reason for the override")
    if level == case.level_override:
        raise Conflict("The case already has this level override", code="supervision.level_unchanged", field="level")
    before = case.level_override
    case.level_override = level
    case.level_override_reason = reason if level else ""
    case.level_overridden_by_id = actor.user_id if level else None
    case.level_overridden_at = clock.now() if level else None
    _save(case)
    _audit(
        actor,
        case,
        "level_overridden" if level else "level_override_removed",
        changed=["level_override"],
        details={"before": before or None, "after": level or None},
        reason=reason,
    )
    return case


def close_case(
    actor: Actor, *, case_id, version: int, reason: str, closed_on: dt.date | None = None
) -> SupervisionCase:
    """Close a case (supervision.manage_cases) with the reason; the date defaults to today and may not be
    before the start or in the future. Audited as ``supervision.case_closed``."""
    actor.require(MANAGE)
    case = queries.find_case(actor, case_id, for_update=True)
    check_version(case, version)
    check_open(case)
    reason = clean_text(reason, "reason", 500, required=True, label="reason for closing the case")
    closed_on = check_date(closed_on, "closed_on", label="closing date") or clock.today()
    if closed_on > clock.today():
        raise RuleViolation(
            "The closing date cannot be in the future", code="supervision.closed_in_future", field="closed_on"
        )
    if closed_on < case.starts_on:
        raise RuleViolation(
            "The closing date must be on or after the start date",
            code="supervision.closed_before_start",
            field="closed_on",
        )
    case.status = SupervisionCase.Status.CLOSED
    case.closed_on = closed_on
    case.closed_reason = reason
    _save(case)
    _unlink_from_office(actor, case, case.office_id, "Supervision case closed")
    _audit(actor, case, "closed", changed=["status", "closed_on", "closed_reason"], reason=reason)
    return case


# --- the release subscriber ----------------------------------------------------------------------


def _licence_end(person: Person) -> tuple[dt.date | None, str]:
    """The licence end date from the person's key dates (latest calculation with overrides)."""
    dates = {d.type: d.effective for d in key_dates(person).dates}
    for date_type in LICENCE_END_DATE_TYPES:
        if dates.get(date_type):
            return dates[date_type], date_type
    return None, ""


def open_licence_case_on_release(actor: Actor, event: Event) -> None:
    """Subscribed to ``custody.person_released``: a release on licence opens the person's licence case
    from the release date to the licence end date of their latest calculation, with a hand-over entry.

    Runs in the release's transaction under the releasing officer, who need not hold
    supervision.manage_cases: the release is the authority and the case its recorded consequence
    (audit ``details.trigger``). The payload names no probation office or officer and carries no
    licence conditions (docs/supervision-cases.md), so the case opens unallocated and the hand-over
    says so. A person already on an open licence case gets the hand-over entry on that case instead.
    """
    payload = event.payload
    if payload.get("reason") != "licence":
        return
    # Looked up directly, not through the releasing officer's scope: custody has just ended its own link
    # to the person in this transaction, and the event is custody's word that the person exists.
    person = (
        Person.objects.select_for_update()
        .filter(public_id=parse_public_id(payload["person_id"], code="people.not_found"))
        .first()
    )
    if person is None:
        return
    released_on = clock.today()
    source = f"Released on licence from {payload.get('site', 'custody')} (booking {payload.get('booking_number', '')})"
    existing = SupervisionCase.objects.filter(
        person=person, kind=SupervisionCase.Kind.LICENCE, status=SupervisionCase.Status.OPEN
    ).first()
    if existing is not None:
        _add_entry(
            actor,
            existing,
            CaseEntry.Kind.HANDOVER,
            f"{source} on {released_on:%d %B %Y} while this licence case was open.",
        )
        _audit(
            actor,
            existing,
            "handover_added",
            details={"trigger": RELEASE_TRIGGER, "episode_id": payload.get("episode_id")},
        )
        return
    ends_on, end_type = _licence_end(person)
    if ends_on is not None and ends_on < released_on:
        ends_on, end_type = None, ""
    notes = (
        f"Licence end date from the latest release-date calculation ({end_type})."
        if ends_on
        else "No licence end date: the person has no release-date calculation giving one. Enter it when known."
    )
    now = clock.now()
    case = SupervisionCase.objects.create(
        person=person,
        kind=SupervisionCase.Kind.LICENCE,
        starts_on=released_on,
        ends_on=ends_on,
        notes=notes,
        created_at=now,
        created_by_id=actor.user_id,
        updated_at=now,
    )
    _add_entry(
        actor,
        case,
        CaseEntry.Kind.HANDOVER,
        f"{source} on {released_on:%d %B %Y}. The release named no probation office or supervising officer: "
        "allocate them, and record the licence conditions as requirements.",
    )
    _audit(
        actor,
        case,
        "opened",
        changed=["kind", "starts_on", "ends_on"],
        details={
            "trigger": RELEASE_TRIGGER,
            "episode_id": payload.get("episode_id"),
            "licence_end_type": end_type or None,
        },
    )
