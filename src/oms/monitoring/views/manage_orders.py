"""Pages for the monitoring centre to make and vary orders (monitoring.manage_orders): make an order for a
person with its first condition, add a condition (a curfew, a zone pasted or uploaded as GeoJSON, ...) and
vary the order (keep or drop conditions, change the end date, with a reason). Every change is a call to
``services.orders`` (the API calls the same); a person or order out of scope is 404, like the API."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse

from oms.core.errors import Conflict, RuleViolation
from oms.monitoring.forms.orders import AddConditionForm, OrderForm, VaryForm, condition_field
from oms.monitoring.models import Condition
from oms.monitoring.queries import orders as queries
from oms.monitoring.services import orders as services
from oms.people.queries.records import find_person
from oms.web.access import page
from oms.web.forms import posted

VIEW = "monitoring.view"
MANAGE = "monitoring.manage_orders"
ZONE_KINDS = {Condition.Kind.INCLUSION_ZONE, Condition.Kind.EXCLUSION_ZONE}


def _run(form, call):
    """Call a service; put a rule or conflict error on the field it names (mapped from the services' field
    paths to the form's) and roll back any partial write."""
    try:
        return call()
    except (RuleViolation, Conflict) as error:
        transaction.set_rollback(True)
        form.add_error(condition_field(error.field, form), error.detail)
        return None


def _form_page(request, template, context, form):
    return render(request, template, {**context, "form": form}, status=422 if form.errors else 200)


def monitoring_profile_links(actor, person) -> list[tuple[str, str]]:
    """The "Electronic monitoring" link on the person's record, for those who may read monitoring."""
    if not actor.has(VIEW):
        return []
    return [("Electronic monitoring", reverse("monitoring:person_orders", kwargs={"person_id": person.public_id}))]


@page(VIEW)
def person_orders(request, person_id):
    """A person's monitoring orders, with a link to make one (the person record links here)."""
    person = find_person(request.actor, person_id)
    rows = list(queries.orders(request.actor, person_id=person.public_id)[:200])
    return render(
        request,
        "monitoring/person_orders.html",
        {"person": person, "orders": rows, "can_manage": request.actor.has(MANAGE)},
    )


@page(MANAGE)
def order_new(request, person_id):
    person = find_person(request.actor, person_id)
    data, files = posted(request, files=True)
    form = OrderForm(data, files, initial={"time_zone": "Europe/London"})
    if request.method == "POST" and form.is_valid():
        spec = form.spec()
        data = form.cleaned_data
        made = _run(
            form,
            lambda: services.make_order(
                request.actor,
                person_id=person.public_id,
                starts_on=data["starts_on"],
                ends_on=data.get("ends_on"),
                reference=data.get("reference") or "",
                time_zone=data.get("time_zone") or "Europe/London",
                conditions=[spec] if spec else [],
            ),
        )
        if made:
            messages.success(request, "Monitoring order made")
            return redirect("monitoring:order", order_id=made.public_id)
    return _form_page(request, "monitoring/order_new.html", {"person": person}, form)


@page(MANAGE)
def order_add_condition(request, order_id):
    order = queries.find_order(request.actor, order_id)
    data, files = posted(request, files=True)
    form = AddConditionForm(data, files, initial={"version": order.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        spec = form.spec()
        if spec is not None and spec.kind in ZONE_KINDS and form.is_collection():
            # A file of several zones: one condition per feature, as the API's zone import.
            call = lambda: services.import_zones(  # noqa: E731
                request.actor,
                order_id=order.public_id,
                version=data["version"],
                kind=spec.kind,
                geojson=data["zone"],
                reason=data["reason"],
            )
        else:
            call = lambda: services.vary_order(  # noqa: E731
                request.actor,
                order_id=order.public_id,
                version=data["version"],
                reason=data["reason"],
                conditions=services.current_conditions(order) + ([spec] if spec else []),
                ends_on=order.ends_on,
            )
        if spec is None:
            form.add_error("kind", "Select the kind of condition")
        elif varied := _run(form, call):
            messages.success(request, f"Condition added: version {varied.version} of the order")
            return redirect("monitoring:order", order_id=varied.public_id)
    return _form_page(request, "monitoring/order_condition.html", {"order": order, "person": order.person}, form)


@page(MANAGE)
def order_vary(request, order_id):
    order = queries.find_order(request.actor, order_id)
    conditions = queries.conditions_of(order)
    form = VaryForm(
        posted(request),
        conditions=conditions,
        initial={
            "version": order.version,
            "keep": [str(c.public_id) for c in conditions],
            "reference": order.reference,
            "ends_on": order.ends_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        keep = set(data.get("keep") or [])
        specs = [
            spec
            for condition, spec in zip(conditions, services.current_conditions(order), strict=True)
            if str(condition.public_id) in keep
        ]
        varied = _run(
            form,
            lambda: services.vary_order(
                request.actor,
                order_id=order.public_id,
                version=data["version"],
                reason=data["reason"],
                conditions=specs,
                ends_on=data.get("ends_on"),
                reference=data.get("reference") or "",
            ),
        )
        if varied:
            messages.success(request, f"Order varied: version {varied.version}")
            return redirect("monitoring:order", order_id=varied.public_id)
    return _form_page(request, "monitoring/order_vary.html", {"order": order, "person": order.person}, form)


urlpatterns_orders = [
    ("people/<str:person_id>/orders/", person_orders, "person_orders"),
    ("people/<str:person_id>/orders/new/", order_new, "order_new"),
    ("orders/<str:order_id>/conditions/new/", order_add_condition, "order_add_condition"),
    ("orders/<str:order_id>/vary/", order_vary, "order_vary"),
]
