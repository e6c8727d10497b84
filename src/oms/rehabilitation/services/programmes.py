"""The programme catalogue: add, change and retire courses and work assignments.

Needs rehabilitation.manage_catalogue and the programme's facility within the actor's reach (else 404,
like a missing record). Eligibility rules and the timetable are data checked on the way in
(``rules.eligibility``, ``rules.timetable``), errors naming the part at fault. A change names the
version it read (optimistic locking: 409 if someone changed it since). Retiring closes the programme
to new referrals and allocations; places already given stay until they end. Each change writes one
audit event.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.facilities.models import Location, Site
from oms.rehabilitation.models import Allocation, Programme
from oms.rehabilitation.queries import programmes as queries
from oms.rehabilitation.rules import eligibility as eligibility_rules
from oms.rehabilitation.rules import timetable as timetable_rules

MANAGE = "rehabilitation.manage_catalogue"
MAX_CAPACITY = 10_000
# Fields a change may name; anything else is not part of the catalogue entry.
CHANGEABLE = (
    "title",
    "kind",
    "description",
    "eligibility",
    "addresses_needs",
    "capacity",
    "location",
    "timetable",
    "starts_on",
    "ends_on",
    "sessions_required",
    "earns_time_credits",
    "qualification",
)


# --- input ---------------------------------------------------------------------------------------


def text(value, field: str, *, max_length: int, required: str = "") -> str:
    """Trimmed text within ``max_length``; RuleViolation on ``field`` when missing (if required) or long."""
    value = value.strip() if isinstance(value, str) else ("" if value is None else str(value).strip())
    if required and not value:
        raise RuleViolation(required, code="rehabilitation.required", field=field)
    if len(value) > max_length:
        raise RuleViolation(
            f"Must be {max_length} characters or less.", code="rehabilitation.text_too_long", field=field
        )
    return value


def _facility(actor: Actor, code) -> Site:
    code = text(code, "facility", max_length=20, required="Select the facility that runs the programme")
    site = Site.objects.filter(code=code).first()
    if site is None or not actor.can_reach_site(site.pk, site.organisation_id):
        raise NotFound("Facility not found.", code="facilities.site_not_found", field="facility")
    return site


def _kind(value) -> str:
    if value not in Programme.Kind.values:
        raise RuleViolation("Select the kind of programme", code="rehabilitation.invalid_choice", field="kind")
    return value


def _capacity(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_CAPACITY:
        raise RuleViolation(
            f"Capacity must be a whole number from 1 to {MAX_CAPACITY}",
            code="rehabilitation.invalid_capacity",
            field="capacity",
        )
    return value


def _location(site: Site, key) -> Location | None:
    key = text(key, "location", max_length=120)
    if not key:
        return None
    location = Location.objects.filter(site=site, key=key, active=True).first()
    if location is None:
        raise RuleViolation(
            f"There is no active location {key} at {site.name}",
            code="rehabilitation.unknown_location",
            field="location",
        )
    return location


def _timetable(raw) -> list[dict]:
    try:
        return [slot.as_dict() for slot in timetable_rules.parse_timetable(raw)]
    except timetable_rules.TimetableError as bad:
        raise RuleViolation(bad.detail, code="rehabilitation.invalid_timetable", field=bad.field)


def _eligibility(raw) -> dict:
    try:
        return eligibility_rules.parse_rules(raw, known_needs=queries.known_need_domains())
    except eligibility_rules.EligibilityDataError as bad:
        raise RuleViolation(bad.detail, code="rehabilitation.invalid_eligibility", field=bad.field)


def _needs(raw) -> list[str]:
    if raw is None:
        return []
    known = queries.known_need_domains()
    if not isinstance(raw, list | tuple) or any(not isinstance(n, str) or n not in known for n in raw):
        raise RuleViolation(
            f"Need domains must be among: {', '.join(known)}",
            code="rehabilitation.invalid_need",
            field="addresses_needs",
        )
    return list(dict.fromkeys(raw))


def _date(value, field: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise RuleViolation("Enter a date", code="rehabilitation.invalid_date", field=field)
    return value


def _sessions_required(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
        raise RuleViolation(
            "Sessions required must be a whole number from 1 to 1000",
            code="rehabilitation.invalid_sessions_required",
            field="sessions_required",
        )
    return value


def _clean(site: Site, values: dict) -> dict:
    """Every changeable field present in ``values`` checked and normalised."""
    cleaners = {
        "title": lambda v: text(v, "title", max_length=200, required="Enter the title"),
        "kind": _kind,
        "description": lambda v: text(v, "description", max_length=5000),
        "eligibility": _eligibility,
        "addresses_needs": _needs,
        "capacity": _capacity,
        "location": lambda v: _location(site, v),
        "timetable": _timetable,
        "starts_on": lambda v: _date(v, "starts_on"),
        "ends_on": lambda v: _date(v, "ends_on"),
        "sessions_required": _sessions_required,
        "earns_time_credits": bool,
        "qualification": lambda v: text(v, "qualification", max_length=200),
    }
    return {name: cleaners[name](value) for name, value in values.items()}


def _check_dates(starts_on: dt.date | None, ends_on: dt.date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise RuleViolation(
            "The end date must be on or after the start date", code="rehabilitation.invalid_dates", field="ends_on"
        )


# --- use cases -----------------------------------------------------------------------------------


def add_programme(
    actor: Actor,
    *,
    facility: str,
    code: str,
    title: str,
    kind: str,
    capacity: int,
    description: str = "",
    eligibility: dict | None = None,
    addresses_needs: list[str] | None = None,
    location: str = "",
    timetable: list[dict] | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    sessions_required: int | None = None,
    earns_time_credits: bool = False,
    qualification: str = "",
) -> Programme:
    """Add a course or work assignment at a facility (rehabilitation.manage_catalogue; facility in
    reach). The code is unique per facility (409 if taken). Audit: ``rehabilitation.programme_added``."""
    actor.require(MANAGE)
    site = _facility(actor, facility)
    # Upper-cased before the length check: some letters grow when upper-cased ("ß" -> "SS").
    code = text(str(code or "").upper(), "code", max_length=30, required="Enter a short code, for example TSP-1")
    values = _clean(
        site,
        {
            "title": title,
            "kind": kind,
            "description": description,
            "eligibility": eligibility,
            "addresses_needs": addresses_needs,
            "capacity": capacity,
            "location": location,
            "timetable": timetable,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "sessions_required": sessions_required,
            "earns_time_credits": earns_time_credits,
            "qualification": qualification,
        },
    )
    _check_dates(values["starts_on"], values["ends_on"])
    taken = Conflict(
        f"{site.name} already has a programme with the code {code}", code="rehabilitation.code_taken", field="code"
    )
    if Programme.objects.filter(facility=site, code=code).exists():
        raise taken
    now = clock.now()
    try:
        with transaction.atomic():
            programme = Programme.objects.create(facility=site, code=code, created_at=now, updated_at=now, **values)
    except IntegrityError:  # the same code added at the same moment by someone else
        raise taken
    record_event(
        actor,
        "rehabilitation.programme_added",
        object_type="programme",
        object_id=str(programme.public_id),
        site_id=site.pk,
        details={"code": code, "kind": programme.kind, "capacity": programme.capacity},
    )
    return programme


def _for_change(actor: Actor, programme_id, version: int | None) -> Programme:
    actor.require(MANAGE)
    programme = queries.find_programme(actor, programme_id, for_update=True)
    if version is not None and programme.version != version:
        raise Conflict(
            "The programme changed since you read it: reload it and try again.",
            code="rehabilitation.version_conflict",
            field="version",
        )
    return programme


def change_programme(actor: Actor, *, programme_id, version: int | None, changes: dict) -> Programme:
    """Change a programme's catalogue entry (rehabilitation.manage_catalogue; in reach; ``version`` as
    read, 409 if it moved). Capacity may not drop below the places already given. Only the fields
    named in ``changes`` change. Audit: ``rehabilitation.programme_changed`` with the changed fields."""
    programme = _for_change(actor, programme_id, version)
    unknown = sorted(set(changes) - set(CHANGEABLE))
    if unknown:
        raise RuleViolation("This cannot be changed here.", code="rehabilitation.not_changeable", field=unknown[0])
    values = _clean(programme.facility, changes)
    _check_dates(values.get("starts_on", programme.starts_on), values.get("ends_on", programme.ends_on))
    if "capacity" in values:
        taken = queries.live_allocation_count(programme)
        if values["capacity"] < taken:
            raise RuleViolation(
                f"{taken} places are already given: capacity cannot go below that",
                code="rehabilitation.capacity_below_allocated",
                field="capacity",
            )
    changed = [name for name, value in values.items() if getattr(programme, name) != value]
    if not changed:
        return programme
    for name in changed:
        setattr(programme, name, values[name])
    programme.version += 1
    programme.updated_at = clock.now()
    programme.save(update_fields=[*changed, "version", "updated_at"])
    record_event(
        actor,
        "rehabilitation.programme_changed",
        object_type="programme",
        object_id=str(programme.public_id),
        site_id=programme.facility_id,
        changed_fields=changed,
    )
    return programme


def retire_programme(actor: Actor, *, programme_id, version: int | None, reason: str) -> Programme:
    """Close a programme to new referrals and allocations (rehabilitation.manage_catalogue). Open
    referrals and live places are left for staff to end one by one, each with its own reason; the
    audit event counts them. Audit: ``rehabilitation.programme_retired``."""
    programme = _for_change(actor, programme_id, version)
    reason = text(reason, "reason", max_length=500, required="Enter why the programme is being retired")
    if programme.status == Programme.Status.RETIRED:
        raise Conflict("The programme is already retired.", code="rehabilitation.programme_retired")
    programme.status = Programme.Status.RETIRED
    programme.version += 1
    programme.updated_at = clock.now()
    programme.save(update_fields=["status", "version", "updated_at"])
    record_event(
        actor,
        "rehabilitation.programme_retired",
        object_type="programme",
        object_id=str(programme.public_id),
        site_id=programme.facility_id,
        changed_fields=["status"],
        reason=reason,
        details={
            "live_allocations": Allocation.objects.filter(
                programme=programme, status__in=Allocation.LIVE_STATUSES
            ).count()
        },
    )
    return programme
