"""Reading monitoring orders, their alerts and trail, and the device inventory.

Orders and alerts are about a person: scoped through the person (out of scope = NotFound). Devices are
equipment: anyone with monitoring.view sees the inventory.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.core.ids import parse_public_id
from oms.monitoring.models import Alert, Device, DeviceAssignment, Fix, MonitoringOrder
from oms.people.queries.records import one_in_scope, rows_in_scope

VIEW = "monitoring.view"


def find_order(actor: Actor, order_id, *, for_update: bool = False) -> MonitoringOrder:
    """The order version with this id, person in scope (no permission check: for services)."""
    return one_in_scope(
        actor,
        MonitoringOrder.objects.select_related("person"),
        order_id,
        person_path="person",
        code="monitoring.order_not_found",
        for_update=for_update,
    )


def orders(actor: Actor, *, person_id=None, status: str | None = None) -> QuerySet[MonitoringOrder]:
    actor.require(VIEW)
    rows = rows_in_scope(actor, MonitoringOrder.objects.select_related("person"), "person")
    if person_id:
        rows = rows.filter(person__public_id=parse_public_id(person_id, code="people.not_found"))
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk")


def get_order(actor: Actor, order_id) -> MonitoringOrder:
    """One order version (monitoring.view); audited as ``monitoring.order_viewed``."""
    actor.require(VIEW)
    order = find_order(actor, order_id)
    record_event(
        actor,
        "monitoring.order_viewed",
        object_type="monitoring_order",
        object_id=str(order.public_id),
        subject_person_id=order.person_id,
    )
    return order


def conditions_of(order: MonitoringOrder):
    return list(order.conditions.select_related("zone").order_by("position"))


def versions_of(order: MonitoringOrder) -> list[MonitoringOrder]:
    return list(MonitoringOrder.objects.filter(lineage=order.lineage).order_by("version"))


def devices_of(order: MonitoringOrder) -> list[DeviceAssignment]:
    return list(
        DeviceAssignment.objects.filter(lineage=order.lineage).select_related("device").order_by("-assigned_at")
    )


@dataclass(frozen=True)
class TrailPoint:
    at: dt.datetime
    longitude: float
    latitude: float
    accuracy_m: float


def trail(order: MonitoringOrder, *, hours: int = 24, limit: int = 2000) -> list[TrailPoint]:
    """The order's recent fixes (oldest first), at most ``limit`` of the last ``hours``."""
    since = clock.now() - dt.timedelta(hours=hours)
    rows = (
        Fix.objects.filter(lineage=order.lineage, recorded_at__gte=since)
        .order_by("-recorded_at")
        .values_list("recorded_at", "longitude", "latitude", "accuracy_m")[:limit]
    )
    return [TrailPoint(*row) for row in reversed(list(rows))]


def alerts(
    actor: Actor, *, open_only: bool = True, order_id=None, unacknowledged: bool = False, kind: str | None = None
) -> QuerySet[Alert]:
    """The alert queue (monitoring.view): open alerts first, oldest first."""
    actor.require(VIEW)
    rows = rows_in_scope(
        actor, Alert.objects.select_related("order", "order__person", "condition", "acknowledged_by"), "order__person"
    )
    if open_only:
        rows = rows.filter(closed_at__isnull=True)
    if unacknowledged:
        rows = rows.filter(acknowledged_at__isnull=True)
    if kind:
        rows = rows.filter(kind=kind)
    if order_id:
        order = find_order(actor, order_id)
        rows = rows.filter(order__lineage=order.lineage)
    return rows.order_by("opened_at", "pk")


def find_alert(actor: Actor, alert_id, *, for_update: bool = False) -> Alert:
    return one_in_scope(
        actor,
        Alert.objects.select_related("order", "condition"),
        alert_id,
        person_path="order__person",
        code="monitoring.alert_not_found",
        for_update=for_update,
    )


def devices(actor: Actor, *, status: str | None = None) -> QuerySet[Device]:
    actor.require(VIEW)
    rows = Device.objects.all()
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("serial")


def find_device(device_id, *, for_update: bool = False) -> Device:
    wanted = parse_public_id(device_id, code="monitoring.device_not_found")
    rows = Device.objects.select_for_update() if for_update else Device.objects
    device = rows.filter(public_id=wanted).first()
    if device is None:
        raise NotFound("No such device", code="monitoring.device_not_found")
    return device


def open_assignment(device: Device) -> DeviceAssignment | None:
    return DeviceAssignment.objects.filter(device=device, returned_at__isnull=True).first()


def active_order_of_lineage(lineage) -> MonitoringOrder | None:
    return MonitoringOrder.objects.filter(lineage=lineage, status=MonitoringOrder.Status.ACTIVE).first()
