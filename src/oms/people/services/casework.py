"""Alerts, case notes, and the site links and caseloads that decide scope."""

from __future__ import annotations

import datetime as dt

from oms.accounts.models import User
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.facilities.models import Site
from oms.people import queries
from oms.people.models import (
    Alert,
    Allocation,
    CaseNote,
    PersonSiteLink,
)
from oms.people.services._common import (
    _choice,
    _person_for_change,
    _site_in_reach,
    _text,
    _touch,
)

# --- alerts and case notes ---------------------------------------------------------------------------


def add_alert(
    actor: Actor,
    *,
    person_id,
    type: str,
    level: str = Alert.Level.MEDIUM,
    description: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Alert:
    """Raise an alert (people.add_alert). Audited as ``people.alert_added`` with its type and level."""
    person = _person_for_change(actor, "people.add_alert", person_id)
    type = _choice(type, Alert.Type, "type")
    level = _choice(level, Alert.Level, "level")
    description = _text(description, "description", max_length=4000)
    starts_on = starts_on or clock.today()
    if ends_on and ends_on < starts_on:
        raise RuleViolation(
            "End date must be the same as or after the start date", code="people.date_order", field="ends_on"
        )
    alert = Alert.objects.create(
        person=person,
        type=type,
        level=level,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by_id=actor.user_id,
    )
    _touch(person)
    record_event(
        actor,
        "people.alert_added",
        object_type="alert",
        object_id=alert.public_id,
        subject_person_id=person.pk,
        changed_fields=["type", "level", "description", "starts_on", "ends_on"],
        details={"type": type, "level": level},
    )
    return alert


def close_alert(actor: Actor, *, person_id, alert_id, reason: str) -> Alert:
    """Close an open alert with a reason (people.close_alert). Audited as ``people.alert_closed``."""
    person = _person_for_change(actor, "people.close_alert", person_id)
    reason = _text(reason, "reason", required=True, max_length=500)
    alert = person.alerts.filter(public_id=queries._parse_public_id(alert_id)).first()
    if alert is None:
        raise NotFound("Alert not found.", code="people.alert_not_found")
    if alert.closed_at:
        raise Conflict("The alert is already closed.", code="people.alert_closed")
    alert.closed_at = clock.now()
    alert.closed_by_id = actor.user_id
    alert.closed_reason = reason
    alert.save(update_fields=["closed_at", "closed_by", "closed_reason", "updated_at"])
    _touch(person)
    record_event(
        actor,
        "people.alert_closed",
        object_type="alert",
        object_id=alert.public_id,
        subject_person_id=person.pk,
        changed_fields=["closed_at", "closed_reason"],
        reason=reason,
        details={"type": alert.type},
    )
    return alert


def add_case_note(actor: Actor, *, person_id, type: str, text: str, sensitive: bool = False) -> CaseNote:
    """Write a case note (people.add_note); the text is encrypted at rest. Health notes also need
    people.view_health_notes and security notes people.view_security_notes (nobody writes what they
    may not read). Health notes are always sensitive. Audited as ``people.case_note_added`` without
    the text."""
    person = _person_for_change(actor, "people.add_note", person_id)
    type = _choice(type, CaseNote.Type, "type")
    if type not in queries.readable_note_types(actor):
        actor.require("people.view_health_notes" if type == CaseNote.Type.HEALTH else "people.view_security_notes")
    text = _text(text, "text", required=True, max_length=10000)
    site_id = next((s for s in sorted(actor.site_ids)), None)
    note = CaseNote.objects.create(
        person=person,
        type=type,
        text=text,
        author_id=actor.user_id,
        site_id=site_id,
        sensitive=sensitive or type == CaseNote.Type.HEALTH,
    )
    record_event(
        actor,
        "people.case_note_added",
        object_type="case_note",
        object_id=note.public_id,
        subject_person_id=person.pk,
        site_id=site_id,
        changed_fields=["type", "text", "sensitive"],
        details={"type": type},
    )
    return note


# --- scope: site links and caseloads ------------------------------------------------------------------


def link_person_to_site(
    actor: Actor, *, person_id, site_id, kind: str, started_on: dt.date | None = None
) -> PersonSiteLink:
    """Record that a site works with the person (people.edit), which brings the record into that
    site's scope. Any active site may be linked (a referral goes elsewhere). Audited as
    ``people.site_linked``."""
    person = _person_for_change(actor, "people.edit", person_id)
    kind = _choice(kind, PersonSiteLink.Kind, "kind")
    site = Site.objects.filter(public_id=queries._parse_public_id(site_id), active=True).first()
    if site is None:
        raise NotFound("Site not found.", code="facilities.site_not_found", field="site")
    if person.site_links.filter(site=site, kind=kind, ended_on__isnull=True).exists():
        raise Conflict("The person is already linked to this site.", code="people.site_link_exists", field="site")
    link = PersonSiteLink.objects.create(person=person, site=site, kind=kind, started_on=started_on or clock.today())
    record_event(
        actor,
        "people.site_linked",
        object_type="person_site_link",
        object_id=link.pk,
        subject_person_id=person.pk,
        site_id=site.pk,
        changed_fields=["site", "kind", "started_on"],
        details={"kind": kind, "site": site.code},
    )
    return link


def link_present_person(
    actor: Actor,
    *,
    purpose: str,
    person_id,
    site_id,
    kind: str,
    family_name: str,
    given_name: str,
    date_of_birth: dt.date | None,
    started_on: dt.date | None = None,
) -> PersonSiteLink:
    """Link a person physically present to a site in the actor's reach, even when their record is held
    outside the actor's scope (the permission the purpose names, e.g. custody.receive for "reception").

    The record must be one of the matches for the details given (``queries.choose_present_person``,
    which audits the choice with the purpose); anything else is not found. The link brings the record into
    the site's scope. Audited as ``people.site_linked`` with the purpose.
    """
    queries.require_purpose(actor, purpose)
    site = _site_in_reach(actor, site_id)
    kind = _choice(kind, PersonSiteLink.Kind, "kind")
    person = queries.choose_present_person(
        actor,
        purpose=purpose,
        person_id=person_id,
        site_id=site.pk,
        family_name=family_name,
        given_name=given_name,
        date_of_birth=date_of_birth,
        for_update=True,
    )
    existing = person.site_links.filter(site=site, kind=kind, ended_on__isnull=True).first()
    if existing is not None:
        return existing
    link = PersonSiteLink.objects.create(person=person, site=site, kind=kind, started_on=started_on or clock.today())
    record_event(
        actor,
        "people.site_linked",
        object_type="person_site_link",
        object_id=link.pk,
        subject_person_id=person.pk,
        site_id=site.pk,
        changed_fields=["site", "kind", "started_on"],
        details={"kind": kind, "site": site.code, "purpose": purpose},
        reason=purpose,
    )
    return link


def allocate(actor: Actor, *, person_id, staff_username: str, site_id, started_on: dt.date | None = None) -> Allocation:
    """Put a person on a member of staff's caseload at a site in reach (people.edit). Audited as
    ``people.person_allocated``."""
    person = _person_for_change(actor, "people.edit", person_id)
    site = _site_in_reach(actor, site_id)
    staff = User.objects.filter(username=staff_username, is_active=True).first()
    if staff is None or not staff.sites.filter(pk=site.pk).exists():
        raise RuleViolation(
            "Select a member of staff who works at that site", code="people.invalid_staff", field="staff"
        )
    if person.allocations.filter(staff=staff, ended_on__isnull=True).exists():
        raise Conflict("The person is already on this caseload.", code="people.already_allocated", field="staff")
    allocation = Allocation.objects.create(
        person=person, staff=staff, site=site, started_on=started_on or clock.today()
    )
    record_event(
        actor,
        "people.person_allocated",
        object_type="allocation",
        object_id=allocation.pk,
        subject_person_id=person.pk,
        site_id=site.pk,
        changed_fields=["staff", "site", "started_on"],
        details={"staff": staff.username},
    )
    return allocation


def _end_date(ended_on: dt.date | None, started_on: dt.date) -> dt.date:
    """The day a link or allocation ends: today unless given; not before it started, not in the future
    (a planned end is recorded on the day, so scope never changes on a date nobody is watching)."""
    ended_on = ended_on or clock.today()
    if ended_on < started_on:
        raise RuleViolation(
            "End date must be the same as or after the start date", code="people.date_order", field="ended_on"
        )
    if ended_on > clock.today():
        raise RuleViolation("End date must be today or in the past", code="people.date_in_future", field="ended_on")
    return ended_on


def end_site_link(
    actor: Actor, *, person_id, link_id: int, reason: str, ended_on: dt.date | None = None
) -> PersonSiteLink:
    """End a site's work with the person (people.edit), which takes the record out of that site's scope
    once no other open link reaches it. Only a link at a site in the actor's reach may be ended (one
    elsewhere is not found). Audited as ``people.site_link_ended`` with the reason."""
    person = _person_for_change(actor, "people.edit", person_id)
    reason = _text(reason, "reason", required=True, max_length=500)
    link = person.site_links.select_related("site").filter(pk=link_id).first()
    if link is None or not actor.can_reach_site(link.site_id, link.site.organisation_id):
        raise NotFound("Site link not found.", code="people.site_link_not_found")
    if link.ended_on is not None:
        raise Conflict("The link to this site has already ended.", code="people.site_link_ended")
    link.ended_on = _end_date(ended_on, link.started_on)
    link.save(update_fields=["ended_on"])
    _touch(person)
    record_event(
        actor,
        "people.site_link_ended",
        object_type="person_site_link",
        object_id=link.pk,
        subject_person_id=person.pk,
        site_id=link.site_id,
        changed_fields=["ended_on"],
        reason=reason,
        details={"kind": link.kind, "site": link.site.code},
    )
    return link


def end_allocation(
    actor: Actor, *, person_id, allocation_id: int, reason: str, ended_on: dt.date | None = None
) -> Allocation:
    """Take the person off a member of staff's caseload (people.edit), at a site in the actor's reach
    (one elsewhere is not found). Audited as ``people.allocation_ended`` with the reason."""
    person = _person_for_change(actor, "people.edit", person_id)
    reason = _text(reason, "reason", required=True, max_length=500)
    allocation = person.allocations.select_related("site", "staff").filter(pk=allocation_id).first()
    if allocation is None or not actor.can_reach_site(allocation.site_id, allocation.site.organisation_id):
        raise NotFound("Allocation not found.", code="people.allocation_not_found")
    if allocation.ended_on is not None:
        raise Conflict("This allocation has already ended.", code="people.allocation_ended")
    allocation.ended_on = _end_date(ended_on, allocation.started_on)
    allocation.save(update_fields=["ended_on"])
    _touch(person)
    record_event(
        actor,
        "people.allocation_ended",
        object_type="allocation",
        object_id=allocation.pk,
        subject_person_id=person.pk,
        site_id=allocation.site_id,
        changed_fields=["ended_on"],
        reason=reason,
        details={"staff": allocation.staff.username},
    )
    return allocation
