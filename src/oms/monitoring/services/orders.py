"""Monitoring orders: make one with its conditions, vary it (a new version), import zones into it, end it.

Permission monitoring.manage_orders, on a person in the actor's scope (else NotFound). An order needs at
least one condition (RuleViolation ``monitoring.no_condition``). A variation takes the ``version`` the
caller read (Conflict ``monitoring.order_version_conflict`` when stale), writes a new version with the
given conditions, supersedes the old one, closes the old version's open condition alerts (the conditions
they were about no longer apply) and carries its device alerts (no fix, tamper, battery) over.
Audited as ``monitoring.order_made``, ``monitoring.order_varied``, ``monitoring.order_ended``.

An alcohol condition may carry a timetable: the windows in which a scheduled breath test is due
(services.alcohol); without one it is continuous (transdermal) monitoring.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.monitoring.models import Alert, Condition, MonitoringOrder, Zone
from oms.monitoring.queries.orders import find_order
from oms.monitoring.rules.curfew import TimetableError, parse_timetable, timetable_json
from oms.monitoring.rules.zones import ZoneError, parse_zone
from oms.monitoring.services._common import audit, clean_text
from oms.people.queries.records import find_person

MANAGE = "monitoring.manage_orders"
MAX_CONDITIONS = 50
ZONED = {Condition.Kind.CURFEW, Condition.Kind.INCLUSION_ZONE, Condition.Kind.EXCLUSION_ZONE, Condition.Kind.ATTENDANCE}
TIMED = {Condition.Kind.CURFEW, Condition.Kind.ATTENDANCE}


@dataclass
class ConditionSpec:
    kind: str
    label: str = ""
    zone: dict | None = None  # GeoJSON: Polygon, MultiPolygon, Point (with radius_m), Feature
    radius_m: float | None = None
    timetable: list = field(default_factory=list)
    zone_name: str = ""


@dataclass
class _Checked:
    kind: str
    label: str
    zone: tuple[dict, int | None] | None
    timetable: list
    zone_name: str


def _check_conditions(specs: list[ConditionSpec]) -> list[_Checked]:
    if not specs:
        raise RuleViolation("An order needs at least one condition", code="monitoring.no_condition", field="conditions")
    if len(specs) > MAX_CONDITIONS:
        raise RuleViolation(
            f"At most {MAX_CONDITIONS} conditions", code="monitoring.too_many_conditions", field="conditions"
        )
    checked = []
    for i, spec in enumerate(specs):
        where = f"conditions[{i}]"
        if spec.kind not in Condition.Kind.values:
            raise RuleViolation("Select the kind of condition", code="monitoring.bad_choice", field=f"{where}.kind")
        label = clean_text(spec.label, f"{where}.label", 200, label="label")
        zone = None
        if spec.kind in ZONED:
            if spec.zone is None:
                raise RuleViolation(
                    "This condition needs a place (GeoJSON)", code="monitoring.zone_missing", field=f"{where}.zone"
                )
            try:
                zone = parse_zone(spec.zone, spec.radius_m)
            except ZoneError as error:
                field_name = f"{where}.radius_m" if error.field == "radius_m" else f"{where}.zone"
                raise RuleViolation(str(error), code="monitoring.bad_zone", field=field_name) from None
        elif spec.zone is not None:
            raise RuleViolation(
                "This kind of condition has no place", code="monitoring.zone_not_used", field=f"{where}.zone"
            )
        timetable: list = []
        if spec.kind in TIMED or (spec.kind == Condition.Kind.ALCOHOL and spec.timetable):
            try:
                timetable = timetable_json(parse_timetable(spec.timetable))
            except TimetableError as error:
                raise RuleViolation(
                    str(error), code="monitoring.bad_timetable", field=f"{where}.{error.field}"
                ) from None
        elif spec.timetable:
            raise RuleViolation(
                "This kind of condition has no timetable",
                code="monitoring.timetable_not_used",
                field=f"{where}.timetable",
            )
        zone_name = clean_text(spec.zone_name, f"{where}.zone_name", 100, label="zone name")
        checked.append(_Checked(spec.kind, label, zone, timetable, zone_name))
    return checked


def _check_time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except Exception:  # ZoneInfoNotFoundError, ValueError for malformed keys
        raise RuleViolation("Unknown time zone", code="monitoring.bad_time_zone", field="time_zone") from None
    return value


def _check_dates(starts_on: dt.date, ends_on: dt.date | None) -> None:
    if not dt.date(2000, 1, 1) <= starts_on <= dt.date(2200, 12, 31):
        raise RuleViolation("The start date is out of range", code="monitoring.date_out_of_range", field="starts_on")
    if ends_on is not None and not starts_on <= ends_on <= dt.date(2200, 12, 31):
        raise RuleViolation(
            "The end date must be on or after the start date", code="monitoring.ends_before_start", field="ends_on"
        )


def _write_conditions(order: MonitoringOrder, checked: list[_Checked]) -> None:
    now = clock.now()
    for position, item in enumerate(checked):
        zone = None
        if item.zone is not None:
            geometry, radius = item.zone
            zone = Zone.objects.create(
                name=item.zone_name or item.label or Condition.Kind(item.kind).label,
                geojson=json.dumps(geometry),
                radius_m=radius,
                created_at=now,
            )
        Condition.objects.create(
            order=order, kind=item.kind, label=item.label, zone=zone, timetable=item.timetable, position=position
        )


def make_order(
    actor: Actor,
    *,
    person_id,
    starts_on: dt.date,
    conditions: list[ConditionSpec],
    ends_on: dt.date | None = None,
    reference: str = "",
    time_zone: str = "Europe/London",
) -> MonitoringOrder:
    """Make a monitoring order (monitoring.manage_orders, person in scope) with at least one condition.
    Audited as ``monitoring.order_made``."""
    actor.require(MANAGE)
    reference = clean_text(reference, "reference", 60)
    time_zone = _check_time_zone(time_zone)
    _check_dates(starts_on, ends_on)
    checked = _check_conditions(conditions)
    person = find_person(actor, person_id, for_update=True)
    now = clock.now()
    order = MonitoringOrder.objects.create(
        person=person,
        lineage=uuid.uuid4(),
        reference=reference,
        starts_on=starts_on,
        ends_on=ends_on,
        time_zone=time_zone,
        created_at=now,
        created_by_id=actor.user_id,
        updated_at=now,
    )
    _write_conditions(order, checked)
    audit(
        actor,
        "monitoring.order_made",
        object_type="monitoring_order",
        object_id=order.public_id,
        person_id=person.pk,
        details={"version": 1, "conditions": [c.kind for c in checked]},
    )
    return order


def _check_version(order: MonitoringOrder, version: int | None) -> None:
    if order.status != MonitoringOrder.Status.ACTIVE:
        raise Conflict("This order is no longer in force", code="monitoring.order_not_active")
    if version != order.version:
        raise Conflict(
            "Someone else changed this order since you read it: reload it and try again",
            code="monitoring.order_version_conflict",
            field="version",
        )


def vary_order(
    actor: Actor,
    *,
    order_id,
    version: int,
    reason: str,
    conditions: list[ConditionSpec],
    ends_on: dt.date | None = None,
    reference: str | None = None,
) -> MonitoringOrder:
    """Vary an order: a new version with these conditions (monitoring.manage_orders). Audited as
    ``monitoring.order_varied`` on the new version."""
    actor.require(MANAGE)
    reason = clean_text(reason, "reason", 1000, required=True, label="reason for the variation")
    checked = _check_conditions(conditions)
    old = find_order(actor, order_id, for_update=True)
    _check_version(old, version)
    _check_dates(old.starts_on, ends_on)
    now = clock.now()
    old.status = MonitoringOrder.Status.SUPERSEDED
    old.updated_at = now
    old.save(update_fields=["status", "updated_at"])
    new = MonitoringOrder.objects.create(
        person_id=old.person_id,
        lineage=old.lineage,
        version=old.version + 1,
        previous=old,
        reference=old.reference if reference is None else clean_text(reference, "reference", 60),
        starts_on=old.starts_on,
        ends_on=ends_on,
        time_zone=old.time_zone,
        variation_reason=reason,
        created_at=now,
        created_by_id=actor.user_id,
        updated_at=now,
    )
    _write_conditions(new, checked)
    Alert.objects.filter(order=old, closed_at__isnull=True, condition__isnull=False).update(closed_at=now)
    Alert.objects.filter(order=old, closed_at__isnull=True, condition__isnull=True).update(order=new)
    audit(
        actor,
        "monitoring.order_varied",
        object_type="monitoring_order",
        object_id=new.public_id,
        person_id=new.person_id,
        details={"version": new.version, "previous": str(old.public_id), "conditions": [c.kind for c in checked]},
        reason=reason,
    )
    return new


def current_conditions(order: MonitoringOrder) -> list[ConditionSpec]:
    """The order's conditions as specs, to vary an order by adding to what it has."""
    specs = []
    for c in order.conditions.select_related("zone").order_by("position"):
        zone = json.loads(c.zone.geojson) if c.zone_id else None
        specs.append(
            ConditionSpec(
                kind=c.kind,
                label=c.label,
                zone=zone,
                radius_m=c.zone.radius_m if c.zone_id else None,
                timetable=c.timetable,
                zone_name=c.zone.name if c.zone_id else "",
            )
        )
    return specs


def import_zones(actor: Actor, *, order_id, version: int, kind: str, geojson, reason: str) -> MonitoringOrder:
    """Add inclusion or exclusion zones from a GeoJSON Feature or FeatureCollection (one zone per feature,
    named by its ``name`` property; Points need a ``radius_m`` property): a variation of the order."""
    actor.require(MANAGE)
    if kind not in (Condition.Kind.INCLUSION_ZONE, Condition.Kind.EXCLUSION_ZONE):
        raise RuleViolation("Choose inclusion or exclusion zones", code="monitoring.bad_choice", field="kind")
    features = _features(geojson)
    order = find_order(actor, order_id)
    added = []
    for i, feature in enumerate(features):
        props = feature.get("properties") or {}
        name = props.get("name") if isinstance(props, dict) else None
        name = name if isinstance(name, str) else f"Zone {i + 1}"
        try:
            parse_zone(feature)
        except ZoneError as error:
            raise RuleViolation(str(error), code="monitoring.bad_zone", field=f"geojson.features[{i}]") from None
        added.append(ConditionSpec(kind=kind, label=name[:200], zone=feature, zone_name=name[:100]))
    return vary_order(
        actor,
        order_id=order.public_id,
        version=version,
        reason=reason,
        conditions=current_conditions(order) + added,
        ends_on=order.ends_on,
    )


def _features(geojson) -> list[dict]:
    if isinstance(geojson, dict) and geojson.get("type") == "FeatureCollection":
        features = geojson.get("features")
    elif isinstance(geojson, dict) and geojson.get("type") == "Feature":
        features = [geojson]
    else:
        features = None
    if not isinstance(features, list) or not features or not all(isinstance(f, dict) for f in features):
        raise RuleViolation(
            "Give a GeoJSON Feature or FeatureCollection of zones", code="monitoring.bad_zone", field="geojson"
        )
    if len(features) > MAX_CONDITIONS:
        raise RuleViolation(f"At most {MAX_CONDITIONS} zones", code="monitoring.too_many_conditions", field="geojson")
    return features


def end_order(actor: Actor, *, order_id, version: int, reason: str) -> MonitoringOrder:
    """End an order (monitoring.manage_orders): its open alerts close. Audited as ``monitoring.order_ended``."""
    actor.require(MANAGE)
    reason = clean_text(reason, "reason", 500, required=True)
    order = find_order(actor, order_id, for_update=True)
    _check_version(order, version)
    now = clock.now()
    order.status = MonitoringOrder.Status.ENDED
    order.ended_reason = reason
    order.ends_on = order.ends_on or clock.today()
    order.updated_at = now
    order.save()
    Alert.objects.filter(order=order, closed_at__isnull=True).update(closed_at=now)
    audit(
        actor,
        "monitoring.order_ended",
        object_type="monitoring_order",
        object_id=order.public_id,
        person_id=order.person_id,
        reason=reason,
    )
    return order
