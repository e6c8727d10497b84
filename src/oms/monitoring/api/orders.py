"""Monitoring orders (make, read, vary, import zones, end), the device inventory (add, fit, return,
faults) and the alert queue (list, acknowledge, outcome). Keyed by public ids; a record whose person is
out of the caller's scope answers 404; bad input 422 naming the field; a stale order version 409.
"""

import datetime as dt
import json
from typing import Any, Literal

from ninja import Field, Query, Router, Schema, Status

from oms.monitoring.models import Alert, Condition, Device, MonitoringOrder
from oms.monitoring.queries import orders as queries
from oms.monitoring.services import alerts as alert_services
from oms.monitoring.services import devices as device_services
from oms.monitoring.services import orders as services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router()

VIEW = "monitoring.view"
MANAGE = "monitoring.manage_orders"
DEVICES = "monitoring.manage_devices"
HANDLE = "monitoring.handle_alerts"

ConditionKind = Literal[tuple(Condition.Kind.values)]
ZoneKind = Literal["inclusion_zone", "exclusion_zone"]
OrderStatus = Literal[tuple(MonitoringOrder.Status.values)]
DeviceKind = Literal[tuple(Device.Kind.values)]
DeviceStatus = Literal[tuple(Device.Status.values)]
AlertKind = Literal[tuple(Alert.Kind.values)]
Outcome = Literal[tuple(v for v in Alert.Outcome.values if v)]
Version = Field(..., ge=1, le=2_000_000_000, description="the order version you read")


# --- schemas -------------------------------------------------------------------------------------


class MonitoringWindowIn(StrictIn):
    days: list[int] = Field(..., min_length=1, max_length=7, description="weekdays the window starts, Monday = 0")
    start: str = Field(..., max_length=5, description="HH:MM local time")
    end: str = Field(..., max_length=5, description="HH:MM; not after start means it runs past midnight")


class MonitoringConditionIn(StrictIn):
    kind: ConditionKind
    label: str = Field("", max_length=200)
    zone: dict[str, Any] | None = Field(
        None, description="GeoJSON Polygon, MultiPolygon, Point (a circle, with radius_m) or a Feature of one"
    )
    radius_m: float | None = Field(None, description="the circle's radius in metres, for a Point")
    zone_name: str = Field("", max_length=100)
    timetable: list[MonitoringWindowIn] = Field([], max_length=50)


class MonitoringOrderIn(StrictIn):
    person_id: str = Field(..., max_length=40)
    reference: str = Field("", max_length=60)
    starts_on: dt.date
    ends_on: dt.date | None = None
    time_zone: str = Field("Europe/London", max_length=60)
    conditions: list[MonitoringConditionIn] = Field(..., max_length=services.MAX_CONDITIONS)


class MonitoringVariationIn(StrictIn):
    version: int = Version
    reason: str = Field(..., min_length=1, max_length=1000)
    reference: str | None = Field(None, max_length=60)
    ends_on: dt.date | None = None
    conditions: list[MonitoringConditionIn] = Field(..., max_length=services.MAX_CONDITIONS)


class MonitoringZoneImportIn(StrictIn):
    version: int = Version
    kind: ZoneKind
    reason: str = Field(..., min_length=1, max_length=1000)
    geojson: dict[str, Any] = Field(..., description="a GeoJSON Feature or FeatureCollection, one zone a feature")


class MonitoringOrderEndIn(StrictIn):
    version: int = Version
    reason: str = Field(..., min_length=1, max_length=500)


class MonitoringOrderListQuery(Schema):
    person_id: str | None = Field(None, max_length=40)
    status: OrderStatus | None = None


class MonitoringZoneOut(Schema):
    id: str
    name: str
    geojson: dict[str, Any]
    radius_m: int | None


class MonitoringConditionOut(Schema):
    id: str
    kind: str
    label: str
    zone: MonitoringZoneOut | None
    timetable: list[dict[str, Any]]


class MonitoringFittedOut(Schema):
    device_id: str
    serial: str
    assigned_at: dt.datetime
    returned_at: dt.datetime | None


class MonitoringOrderSummaryOut(Schema):
    id: str
    person_id: str
    person_name: str
    reference: str
    status: str
    version: int
    starts_on: dt.date
    ends_on: dt.date | None


class MonitoringOrderOut(MonitoringOrderSummaryOut):
    lineage: str
    previous_id: str | None
    time_zone: str
    variation_reason: str
    ended_reason: str
    conditions: list[MonitoringConditionOut]
    devices: list[MonitoringFittedOut]


class MonitoringDeviceIn(StrictIn):
    serial: str = Field(..., min_length=1, max_length=40)
    kind: DeviceKind
    notes: str = Field("", max_length=1000)


class MonitoringAssignIn(StrictIn):
    order_id: str = Field(..., max_length=40)


class MonitoringReturnIn(StrictIn):
    reason: str = Field("", max_length=500)


class MonitoringFaultIn(StrictIn):
    description: str = Field(..., min_length=1, max_length=1000)


class MonitoringDeviceListQuery(Schema):
    status: DeviceStatus | None = None


class MonitoringDeviceOut(Schema):
    id: str
    serial: str
    kind: str
    status: str
    notes: str


class MonitoringAlertListQuery(Schema):
    open_only: bool = True
    unacknowledged: bool = False
    kind: AlertKind | None = None
    order_id: str | None = Field(None, max_length=40)


class MonitoringAlertOut(Schema):
    id: str
    order_id: str
    person_id: str
    person_name: str
    kind: str
    condition_id: str | None
    condition: str | None
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    outcome: str
    outcome_notes: str


class MonitoringOutcomeIn(StrictIn):
    outcome: Outcome
    notes: str = Field("", max_length=2000)


# --- shaping -------------------------------------------------------------------------------------


def _name(person) -> str:
    return f"{person.family_name.upper()}, {person.given_name}"


def _summary(order: MonitoringOrder) -> dict:
    return {
        "id": str(order.public_id),
        "person_id": str(order.person.public_id),
        "person_name": _name(order.person),
        "reference": order.reference,
        "status": order.status,
        "version": order.version,
        "starts_on": order.starts_on,
        "ends_on": order.ends_on,
    }


def order_out(order: MonitoringOrder) -> dict:
    previous = MonitoringOrder.objects.filter(pk=order.previous_id).values_list("public_id", flat=True).first()
    return {
        **_summary(order),
        "lineage": str(order.lineage),
        "previous_id": str(previous) if previous else None,
        "time_zone": order.time_zone,
        "variation_reason": order.variation_reason,
        "ended_reason": order.ended_reason,
        "conditions": [
            {
                "id": str(c.public_id),
                "kind": c.kind,
                "label": c.label,
                "zone": {
                    "id": str(c.zone.public_id),
                    "name": c.zone.name,
                    "geojson": json.loads(c.zone.geojson),
                    "radius_m": c.zone.radius_m,
                }
                if c.zone_id
                else None,
                "timetable": c.timetable,
            }
            for c in queries.conditions_of(order)
        ],
        "devices": [
            {
                "device_id": str(a.device.public_id),
                "serial": a.device.serial,
                "assigned_at": a.assigned_at,
                "returned_at": a.returned_at,
            }
            for a in queries.devices_of(order)
        ],
    }


def _device(device: Device) -> dict:
    return {
        "id": str(device.public_id),
        "serial": device.serial,
        "kind": device.kind,
        "status": device.status,
        "notes": device.notes,
    }


def alert_out(alert: Alert) -> dict:
    person = alert.order.person
    return {
        "id": str(alert.public_id),
        "order_id": str(alert.order.public_id),
        "person_id": str(person.public_id),
        "person_name": _name(person),
        "kind": alert.kind,
        "condition_id": str(alert.condition.public_id) if alert.condition_id else None,
        "condition": str(alert.condition) if alert.condition_id else None,
        "opened_at": alert.opened_at,
        "closed_at": alert.closed_at,
        "acknowledged_at": alert.acknowledged_at,
        "acknowledged_by": alert.acknowledged_by.get_username() if alert.acknowledged_by_id else None,
        "outcome": alert.outcome,
        "outcome_notes": alert.outcome_notes,
    }


def _conditions(items: list[MonitoringConditionIn]) -> list[services.ConditionSpec]:
    return [services.ConditionSpec(**c.model_dump()) for c in items]


# --- orders --------------------------------------------------------------------------------------


@router.get("/orders", response={200: list[MonitoringOrderSummaryOut], **ERRORS}, summary="Orders you can reach")
@api(VIEW)
def list_orders(request, filters: Query[MonitoringOrderListQuery]):
    found = queries.orders(request.actor, person_id=filters.person_id, status=filters.status)
    return [_summary(o) for o in found[:500]]


@router.post("/orders", response={201: MonitoringOrderOut, **ERRORS}, summary="Make a monitoring order")
@api(MANAGE)
def make_order(request, payload: MonitoringOrderIn):
    data = payload.model_dump()
    data["conditions"] = _conditions(payload.conditions)
    return Status(201, order_out(services.make_order(request.actor, **data)))


@router.get("/orders/{order_id}", response={200: MonitoringOrderOut, **ERRORS}, summary="One order version")
@api(VIEW)
def get_order(request, order_id: str):
    return order_out(queries.get_order(request.actor, order_id))


@router.post("/orders/{order_id}/variations", response={201: MonitoringOrderOut, **ERRORS}, summary="Vary an order")
@api(MANAGE)
def vary_order(request, order_id: str, payload: MonitoringVariationIn):
    data = payload.model_dump()
    data["conditions"] = _conditions(payload.conditions)
    return Status(201, order_out(services.vary_order(request.actor, order_id=order_id, **data)))


@router.post(
    "/orders/{order_id}/zones",
    response={201: MonitoringOrderOut, **ERRORS},
    summary="Import inclusion or exclusion zones from GeoJSON (a variation)",
)
@api(MANAGE)
def import_zones(request, order_id: str, payload: MonitoringZoneImportIn):
    return Status(201, order_out(services.import_zones(request.actor, order_id=order_id, **payload.model_dump())))


@router.post("/orders/{order_id}/end", response={200: MonitoringOrderOut, **ERRORS}, summary="End an order")
@api(MANAGE)
def end_order(request, order_id: str, payload: MonitoringOrderEndIn):
    return order_out(services.end_order(request.actor, order_id=order_id, **payload.model_dump()))


# --- devices -------------------------------------------------------------------------------------


@router.get("/devices", response={200: list[MonitoringDeviceOut], **ERRORS}, summary="The device inventory")
@api(VIEW)
def list_devices(request, filters: Query[MonitoringDeviceListQuery]):
    return [_device(d) for d in queries.devices(request.actor, status=filters.status)[:2000]]


@router.post("/devices", response={201: MonitoringDeviceOut, **ERRORS}, summary="Add a device to the inventory")
@api(DEVICES)
def add_device(request, payload: MonitoringDeviceIn):
    return Status(201, _device(device_services.add_device(request.actor, **payload.model_dump())))


@router.post(
    "/devices/{device_id}/assignment", response={200: MonitoringDeviceOut, **ERRORS}, summary="Fit to an order"
)
@api(DEVICES)
def assign_device(request, device_id: str, payload: MonitoringAssignIn):
    assignment = device_services.assign_device(request.actor, device_id=device_id, order_id=payload.order_id)
    return _device(assignment.device)


@router.post("/devices/{device_id}/return", response={200: MonitoringDeviceOut, **ERRORS}, summary="Take back")
@api(DEVICES)
def return_device(request, device_id: str, payload: MonitoringReturnIn):
    return _device(device_services.return_device(request.actor, device_id=device_id, reason=payload.reason))


@router.post("/devices/{device_id}/faults", response={201: MonitoringDeviceOut, **ERRORS}, summary="Record a fault")
@api(DEVICES)
def report_fault(request, device_id: str, payload: MonitoringFaultIn):
    fault = device_services.report_fault(request.actor, device_id=device_id, description=payload.description)
    fault.device.refresh_from_db()
    return Status(201, _device(fault.device))


# --- alerts --------------------------------------------------------------------------------------


@router.get("/alerts", response={200: list[MonitoringAlertOut], **ERRORS}, summary="The alert queue")
@api(VIEW)
def list_alerts(request, filters: Query[MonitoringAlertListQuery]):
    found = queries.alerts(
        request.actor,
        open_only=filters.open_only,
        unacknowledged=filters.unacknowledged,
        kind=filters.kind,
        order_id=filters.order_id,
    )
    return [alert_out(a) for a in found[:1000]]


@router.post(
    "/alerts/{alert_id}/acknowledge", response={200: MonitoringAlertOut, **ERRORS}, summary="Acknowledge an alert"
)
@api(HANDLE)
def acknowledge_alert(request, alert_id: str):
    alert_services.acknowledge_alert(request.actor, alert_id=alert_id)
    return alert_out(queries.find_alert(request.actor, alert_id))


@router.post(
    "/alerts/{alert_id}/outcome", response={200: MonitoringAlertOut, **ERRORS}, summary="Record an alert's outcome"
)
@api(HANDLE)
def record_outcome(request, alert_id: str, payload: MonitoringOutcomeIn):
    alert_services.record_outcome(request.actor, alert_id=alert_id, **payload.model_dump())
    return alert_out(queries.find_alert(request.actor, alert_id))
