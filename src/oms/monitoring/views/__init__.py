"""Monitoring pages: the alert queue, one order (conditions, devices, alerts and the map of zones and the
recent trail, drawn server-side as SVG), the device inventory. Thin: read through queries, change through
services."""

from __future__ import annotations

import json

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.safestring import mark_safe

from oms.core.errors import Conflict
from oms.monitoring.forms import DeviceForm, OutcomeForm
from oms.monitoring.queries import orders as queries
from oms.monitoring.queries.alcohol import recent_readings
from oms.monitoring.rules.map_svg import MapZone
from oms.monitoring.rules.map_svg import render as render_map
from oms.monitoring.services import alerts as alert_services
from oms.monitoring.services import devices as device_services
from oms.web.access import page
from oms.web.forms import posted, service_errors_on

VIEW = "monitoring.view"
HANDLE = "monitoring.handle_alerts"
DEVICES = "monitoring.manage_devices"
TRAIL_HOURS = 24
ALCOHOL_HOURS = 72  # a drinking episode on a transdermal tag spans hours; three days shows its shape


@page(VIEW)
def alert_queue(request):
    show_closed = request.GET.get("closed") == "1"
    alerts = list(queries.alerts(request.actor, open_only=not show_closed)[:500])
    return render(
        request,
        "monitoring/alerts.html",
        {"alerts": alerts, "show_closed": show_closed, "can_handle": request.actor.has(HANDLE)},
    )


@page(HANDLE)
def alert_acknowledge(request, alert_id):
    if request.method != "POST":
        return redirect("monitoring:alerts")
    try:
        alert_services.acknowledge_alert(request.actor, alert_id=alert_id)
        messages.success(request, "Alert acknowledged")
    except Conflict as error:
        messages.error(request, error.detail)
    return redirect("monitoring:alerts")


@page(HANDLE)
def alert_outcome(request, alert_id):
    alert = queries.find_alert(request.actor, alert_id)
    form = OutcomeForm(posted(request), initial={"outcome": alert.outcome, "notes": alert.outcome_notes})
    if request.method == "POST" and form.is_valid():
        saved = service_errors_on(
            form, lambda: alert_services.record_outcome(request.actor, alert_id=alert.public_id, **form.cleaned_data)
        )
        if saved:
            messages.success(request, "Outcome recorded")
            return redirect("monitoring:alerts")
    return render(
        request,
        "monitoring/outcome.html",
        {"form": form, "alert": alert, "person": alert.order.person},
        status=422 if form.errors else 200,
    )


def order_map(order, conditions) -> str:
    zones = [
        MapZone(c.kind, c.label or c.get_kind_display(), json.loads(c.zone.geojson), c.zone.radius_m)
        for c in conditions
        if c.zone_id
    ]
    trail = [(p.longitude, p.latitude) for p in queries.trail(order, hours=TRAIL_HOURS)]
    # The SVG is built from numbers and escaped labels only (rules.map_svg).
    return mark_safe(render_map(zones, trail))  # noqa: S308


@page(VIEW)
def order(request, order_id):
    found = queries.get_order(request.actor, order_id)
    conditions = queries.conditions_of(found)
    return render(
        request,
        "monitoring/order.html",
        {
            "order": found,
            "person": found.person,
            "conditions": conditions,
            "versions": queries.versions_of(found),
            "devices": queries.devices_of(found),
            "alerts": list(queries.alerts(request.actor, open_only=False, order_id=found.public_id)[:100]),
            "map": order_map(found, conditions),
            "trail_hours": TRAIL_HOURS,
            "can_manage": request.actor.has("monitoring.manage_orders"),
            "alcohol_readings": recent_readings(found, hours=ALCOHOL_HOURS)
            if any(c.kind == "alcohol" for c in conditions)
            else [],
            "alcohol_hours": ALCOHOL_HOURS,
        },
    )


@page(VIEW)
def orders(request):
    return render(request, "monitoring/orders.html", {"orders": list(queries.orders(request.actor)[:500])})


@page(VIEW)
def devices(request):
    can_manage = request.actor.has(DEVICES)
    # Read before any change: a refused change marks the transaction for rollback.
    inventory = list(queries.devices(request.actor)[:2000])
    form = DeviceForm(posted(request)) if can_manage else None
    if form is not None and request.method == "POST" and form.is_valid():
        added = service_errors_on(form, lambda: device_services.add_device(request.actor, **form.cleaned_data))
        if added:
            messages.success(request, f"Device {added.serial} added")
            return redirect(reverse("monitoring:devices"))
    return render(
        request,
        "monitoring/devices.html",
        {"devices": inventory, "form": form},
        status=422 if form is not None and form.errors else 200,
    )


urlpatterns = [
    path("", alert_queue, name="alerts"),
    path("alerts/<str:alert_id>/acknowledge/", alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<str:alert_id>/outcome/", alert_outcome, name="alert_outcome"),
    path("orders/", orders, name="orders"),
    path("orders/<str:order_id>/", order, name="order"),
    path("devices/", devices, name="devices"),
]
