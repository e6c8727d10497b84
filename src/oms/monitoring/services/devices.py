"""The device inventory: add a device, fit it to an order (assign), return it, record a fault.

Permission monitoring.manage_devices; fitting to an order needs the order's person in scope. A device is
fitted to one order at a time (Conflict ``monitoring.device_not_available``); a faulty or retired device
cannot be fitted. Audited as ``monitoring.device_added|assigned|returned|fault_reported``.
"""

from __future__ import annotations

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.monitoring.models import Device, DeviceAssignment, DeviceFault, MonitoringOrder
from oms.monitoring.queries.orders import find_device, find_order, open_assignment
from oms.monitoring.services._common import audit, clean_text

MANAGE = "monitoring.manage_devices"


def add_device(actor: Actor, *, serial: str, kind: str, notes: str = "") -> Device:
    actor.require(MANAGE)
    serial = clean_text(serial, "serial", 40, required=True, label="serial number")
    if kind not in Device.Kind.values:
        raise RuleViolation("Select the kind of device", code="monitoring.bad_choice", field="kind")
    notes = clean_text(notes, "notes", 1000)
    if Device.objects.filter(serial=serial).exists():
        raise Conflict("A device with this serial number exists", code="monitoring.device_exists", field="serial")
    now = clock.now()
    device = Device.objects.create(serial=serial, kind=kind, notes=notes, created_at=now, updated_at=now)
    audit(actor, "monitoring.device_added", object_type="monitoring_device", object_id=device.public_id)
    return device


def _set_status(device: Device, status: str) -> None:
    device.status = status
    device.updated_at = clock.now()
    device.save(update_fields=["status", "updated_at"])


def assign_device(actor: Actor, *, device_id, order_id) -> DeviceAssignment:
    """Fit an in-stock device to an order in force (its person in scope)."""
    actor.require(MANAGE)
    order = find_order(actor, order_id)
    if order.status != MonitoringOrder.Status.ACTIVE:
        raise Conflict("This order is no longer in force", code="monitoring.order_not_active")
    device = find_device(device_id, for_update=True)
    if device.status != Device.Status.IN_STOCK or open_assignment(device) is not None:
        raise Conflict(
            f"This device is {device.get_status_display().lower()}",
            code="monitoring.device_not_available",
            field="device_id",
        )
    assignment = DeviceAssignment.objects.create(
        device=device, lineage=order.lineage, assigned_at=clock.now(), assigned_by_id=actor.user_id
    )
    _set_status(device, Device.Status.ASSIGNED)
    audit(
        actor,
        "monitoring.device_assigned",
        object_type="monitoring_device",
        object_id=device.public_id,
        person_id=order.person_id,
        details={"order": str(order.public_id)},
    )
    return assignment


def return_device(actor: Actor, *, device_id, reason: str = "") -> Device:
    """Take a device back: its assignment ends; it goes back in stock, or stays faulty if a fault is open."""
    actor.require(MANAGE)
    reason = clean_text(reason, "reason", 500)
    device = find_device(device_id, for_update=True)
    assignment = open_assignment(device)
    if assignment is None:
        raise Conflict("This device is not fitted to anyone", code="monitoring.device_not_assigned")
    assignment.returned_at = clock.now()
    assignment.save(update_fields=["returned_at"])
    faulty = device.faults.filter(resolved_at__isnull=True).exists()
    _set_status(device, Device.Status.FAULTY if faulty else Device.Status.IN_STOCK)
    audit(
        actor,
        "monitoring.device_returned",
        object_type="monitoring_device",
        object_id=device.public_id,
        reason=reason,
    )
    return device


def report_fault(actor: Actor, *, device_id, description: str) -> DeviceFault:
    """Record a fault. A device in stock becomes faulty at once; a fitted one when it comes back."""
    actor.require(MANAGE)
    description = clean_text(description, "description", 1000, required=True)
    device = find_device(device_id, for_update=True)
    fault = DeviceFault.objects.create(
        device=device, description=description, reported_at=clock.now(), reported_by_id=actor.user_id
    )
    if device.status == Device.Status.IN_STOCK:
        _set_status(device, Device.Status.FAULTY)
    audit(actor, "monitoring.device_fault_reported", object_type="monitoring_device", object_id=device.public_id)
    return fault
