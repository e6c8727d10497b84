"""Creating, changing, deactivating and reactivating one location."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict, replace

from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.facilities import queries, rules
from oms.facilities.models import Location

MANAGE = "facilities.manage_locations"
EDITABLE_FIELDS = (
    "name",
    "security_level",
    "sex",
    "accessible",
    "specialist_type",
    "in_count",
    "certified_capacity",
    "working_capacity",
    "maximum_capacity",
)
_TEXT_FIELDS = ("name", "security_level", "sex", "specialist_type")


def _raise_first(problems: list[rules.Problem]) -> None:
    if problems:
        first = problems[0]
        raise RuleViolation(first.message, code=first.code, field=first.field)


def _cleaned(changes: dict) -> dict:
    """Text trimmed (choices lower-cased); flags and numbers passed through for the rules to judge."""
    cleaned = {}
    for field, value in changes.items():
        if field in _TEXT_FIELDS:
            value = (value or "").strip()
            cleaned[field] = value if field == "name" else value.lower()
        elif field in ("accessible", "in_count"):
            cleaned[field] = bool(value)
        else:
            cleaned[field] = value
    return cleaned


def _attributes_of(location: Location) -> rules.LocationAttributes:
    return rules.LocationAttributes(kind=location.kind, **{f: getattr(location, f) for f in EDITABLE_FIELDS})


def _bed_counts(cell: Location) -> tuple[int, int]:
    """(active beds, all beds) directly in ``cell``."""
    counts = Location.objects.filter(parent=cell, kind=Location.Kind.BED).aggregate(
        total=Count("pk"), active=Count("pk", filter=Q(active=True))
    )
    return counts["active"], counts["total"]


def _check_version(location: Location, version: int | None) -> None:
    if version is not None and location.version != version:
        raise Conflict(
            "Someone else changed this location since you opened it. Reload it and try again.",
            code="facilities.version_conflict",
            field="version",
        )


def create_location(
    actor: Actor,
    *,
    site_id: uuid.UUID | str,
    parent_id: uuid.UUID | str | None = None,
    kind: str,
    code: str,
    name: str = "",
    security_level: str = "",
    sex: str = "any",
    accessible: bool = False,
    specialist_type: str = "",
    in_count: bool = True,
    certified_capacity: int = 0,
    working_capacity: int = 0,
    maximum_capacity: int = 0,
) -> Location:
    """Add a location under ``parent_id`` (or at the top of the site). Permission:
    facilities.manage_locations at the site. The kind must be allowed under the parent's kind
    (``rules.ALLOWED_CHILDREN``) and the key (parent's key + code) unused in the site, else
    RuleViolation / Conflict naming the field. Audited as ``facilities.location_created``."""
    attributes = {
        "name": name,
        "security_level": security_level,
        "sex": sex,
        "accessible": accessible,
        "specialist_type": specialist_type,
        "in_count": in_count,
        "certified_capacity": certified_capacity,
        "working_capacity": working_capacity,
        "maximum_capacity": maximum_capacity,
    }
    site = queries.get_site(actor, site_id, permission=MANAGE)
    parent = None
    if parent_id:
        try:
            parent = queries.get_location(actor, parent_id, permission=MANAGE)
        except NotFound:
            parent = None
        if parent is None or parent.site_id != site.pk:
            raise NotFound("Parent location not found.", code="facilities.parent_not_found", field="parent_id")
    code = rules.normalise_code(code)
    problem = rules.code_problem(code)
    if problem:
        raise RuleViolation(problem, code="facilities.invalid_code", field="code")
    kind = (kind or "").strip().lower()
    parent_kind = parent.kind if parent else rules.ROOT
    if kind not in rules.KINDS:
        raise RuleViolation("Select a valid kind of location", code="facilities.invalid_kind", field="kind")
    if not rules.may_sit_under(kind, parent_kind):
        allowed = ", ".join(k.replace("_", " ") for k in rules.allowed_kinds_under(parent_kind)) or "nothing"
        raise RuleViolation(
            f"{rules.kind_label(kind).capitalize()} cannot go under {rules.kind_label(parent_kind)}. "
            f"Under {rules.kind_label(parent_kind)} you can add: {allowed}",
            code="facilities.kind_not_allowed",
            field="kind",
        )
    attrs = rules.LocationAttributes(kind=kind, **_cleaned(attributes))
    _raise_first(rules.attribute_problems(attrs))
    key = rules.key_for(parent.key if parent else None, code)
    if len(key) > rules.KEY_MAX_LENGTH:
        raise RuleViolation(
            f"The full key would be longer than {rules.KEY_MAX_LENGTH} characters: use a shorter code",
            code="facilities.key_too_long",
            field="code",
        )
    if Location.objects.filter(site=site, key=key).exists():
        raise Conflict(f"There is already a location {key} in this site", code="facilities.duplicate_key", field="code")
    values = {f: v for f, v in asdict(attrs).items() if f != "kind"}
    location = Location(site=site, kind=kind, code=code, residential=kind in rules.RESIDENTIAL_KINDS, **values)
    location.place_under(parent)
    try:
        # A savepoint: two people adding the same key at once meet the unique index, answered as a
        # conflict without spoiling the caller's transaction.
        with transaction.atomic():
            location.save()
    except IntegrityError:
        raise Conflict(
            f"There is already a location {key} in this site", code="facilities.duplicate_key", field="code"
        ) from None
    location.set_path()
    location.save(update_fields=["path"])
    defaults = rules.LocationAttributes(kind=kind)
    record_event(
        actor,
        "facilities.location_created",
        object_type="location",
        object_id=location.public_id,
        site_id=site.pk,
        changed_fields=[
            "kind",
            "code",
            "parent",
            *(f for f in EDITABLE_FIELDS if getattr(attrs, f) != getattr(defaults, f)),
        ],
        details={"key": key, "kind": kind},
    )
    return location


def update_location(actor: Actor, *, location_id, version: int, **changes) -> Location:
    """Change a location's attributes and capacities (``EDITABLE_FIELDS``; code, kind and parent are
    fixed because keys are never reused). Permission: facilities.manage_locations at its site.
    ``version`` must be the one the editor read, else Conflict ``facilities.version_conflict``. A cell
    is not worked above its active beds nor below the people sleeping in it now. Audited as
    ``facilities.location_updated`` with the changed fields and old and new capacities."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise RuleViolation(f"Unknown field: {unknown[0]}.", code="facilities.unknown_field", field=unknown[0])
    location = queries.get_location(actor, location_id, permission=MANAGE, for_update=True)
    _check_version(location, version)
    cleaned = _cleaned(changes)
    attrs = replace(_attributes_of(location), **cleaned)
    _raise_first(rules.attribute_problems(attrs))
    changed = [f for f, v in cleaned.items() if getattr(location, f) != v]
    if not changed:
        return location
    if location.kind == Location.Kind.CELL and "working_capacity" in changed:
        active_beds, total_beds = _bed_counts(location)
        problem = rules.cell_bed_problem(
            working_capacity=attrs.working_capacity, active_beds=active_beds, total_beds=total_beds
        )
        _raise_first([problem] if problem else [])
        occupants = queries.occupants_in(location)
        if attrs.working_capacity < occupants:
            raise Conflict(
                f"{occupants} people sleep in this cell now: move someone out before lowering its working "
                f"capacity to {attrs.working_capacity}",
                code="facilities.capacity_below_occupancy",
                field="working_capacity",
            )
    details = {f: {"from": getattr(location, f), "to": cleaned[f]} for f in changed if f != "name"}
    for field in changed:
        setattr(location, field, cleaned[field])
    location.version += 1
    location.save(update_fields=[*changed, "version", "updated_at"])
    record_event(
        actor,
        "facilities.location_updated",
        object_type="location",
        object_id=location.public_id,
        site_id=location.site_id,
        changed_fields=changed,
        details={"key": location.key, **details},
    )
    return location


def deactivate_location(
    actor: Actor,
    *,
    location_id,
    reason: str,
    expected_return_on: dt.date | None = None,
    version: int | None = None,
) -> Location:
    """Take a location out of use with a reason and, optionally, the date it is expected back.
    Permission: facilities.manage_locations at its site.

    Only the location's own row changes: everything beneath it becomes unusable by inheritance
    (``queries.location_is_usable``), so a later reactivation restores the subtree as it was. Refused
    (Conflict ``facilities.location_occupied``) while anyone sleeps in it or below it, by the counter
    custody registers. A bed's cell is not worked above its remaining active beds: its working
    capacity is lowered with it. Audited as ``facilities.location_deactivated`` with the reason."""
    location = queries.get_location(actor, location_id, permission=MANAGE, for_update=True)
    _check_version(location, version)
    if not location.active:
        raise Conflict("This location is already inactive", code="facilities.already_inactive", field="location")
    reason = (reason or "").strip()
    _raise_first(rules.deactivation_problems(reason=reason, expected_return_on=expected_return_on, today=clock.today()))
    occupants = queries.occupants_in(location)
    if occupants:
        someone = "1 person sleeps" if occupants == 1 else f"{occupants} people sleep"
        raise Conflict(
            f"{someone} in {location.key}: move them before deactivating it",
            code="facilities.location_occupied",
            field="location",
        )
    location.active = False
    location.deactivated_reason = reason
    location.deactivated_on = clock.today()
    location.expected_return_on = expected_return_on
    location.version += 1
    location.save(
        update_fields=["active", "deactivated_reason", "deactivated_on", "expected_return_on", "version", "updated_at"]
    )
    details: dict = {"key": location.key}
    if location.kind == Location.Kind.BED and location.parent_id:
        cell = Location.objects.select_for_update().get(pk=location.parent_id)
        active_beds, _ = _bed_counts(cell)
        if cell.working_capacity > active_beds:
            details["cell_working_capacity"] = {"cell": cell.key, "from": cell.working_capacity, "to": active_beds}
            cell.working_capacity = active_beds
            cell.version += 1
            cell.save(update_fields=["working_capacity", "version", "updated_at"])
    record_event(
        actor,
        "facilities.location_deactivated",
        object_type="location",
        object_id=location.public_id,
        site_id=location.site_id,
        changed_fields=["active", "deactivated_reason", "deactivated_on", "expected_return_on"],
        details=details,
        reason=reason,
    )
    return location


def reactivate_location(actor: Actor, *, location_id, version: int | None = None) -> Location:
    """Bring a deactivated location back into use (the deactivation details are cleared; the audit
    trail keeps them). Permission: facilities.manage_locations at its site. Locations beneath become
    usable again unless closed themselves; a location under a still-inactive ancestor stays unusable.
    A cell's working capacity is not raised automatically when a bed returns: someone decides.
    Audited as ``facilities.location_reactivated``."""
    location = queries.get_location(actor, location_id, permission=MANAGE, for_update=True)
    _check_version(location, version)
    if location.active:
        raise Conflict("This location is already active", code="facilities.already_active", field="location")
    details = {
        "key": location.key,
        "was_deactivated_on": location.deactivated_on.isoformat() if location.deactivated_on else None,
    }
    location.active = True
    location.deactivated_reason = ""
    location.deactivated_on = None
    location.expected_return_on = None
    location.version += 1
    location.save(
        update_fields=["active", "deactivated_reason", "deactivated_on", "expected_return_on", "version", "updated_at"]
    )
    record_event(
        actor,
        "facilities.location_reactivated",
        object_type="location",
        object_id=location.public_id,
        site_id=location.site_id,
        changed_fields=["active", "deactivated_reason", "deactivated_on", "expected_return_on"],
        details=details,
    )
    return location
