"""Custody movements and observations pages: thin. Each page shows the site's state from scoped
queries and its forms; a POST names its ``action``, parses that one form, calls one service and
redirects, or re-renders with the form's errors (GOV.UK error summary + field errors, status 422).
Everything works without JavaScript; people are named by public ids in POST bodies, never in URLs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path

from oms.core.errors import Conflict, RuleViolation
from oms.custody.forms import movements as forms
from oms.custody.queries import movements as queries
from oms.custody.queries import observations as observation_queries
from oms.custody.queries.episodes import site_in_reach
from oms.custody.services import movements as services
from oms.custody.services import observations as observation_services
from oms.facilities.models import Location, Site
from oms.web.access import page

ACTIONS = ("out", "return", "internal", "transfer", "batch", "schedule", "carry_out", "receive", "cancel")
# Service field names that differ from the form's.
_FIELD_ALIASES = {"to_location": "to_location", "occurred_at": None, "movement": None, "plan": None}


def _service_errors_on(form, call, field_aliases=None):
    """Run a service call in a savepoint; put a rule or conflict error on its field. The savepoint undoes
    any partial write while the page can still read the site's state to redraw the form."""
    aliases = {**_FIELD_ALIASES, **(field_aliases or {})}
    try:
        with transaction.atomic():
            return call()
    except services.BatchRejected as rejected:
        for error in rejected.errors:
            form.add_error(None, f"Row {error.row + 1}: {error.detail}")
        return None
    except (RuleViolation, Conflict) as error:
        name = aliases.get(error.field, error.field)
        form.add_error(name if name in form.fields else None, error.detail)
        return None


def _label(episode) -> str:
    person = episode.person
    return f"{person.family_name.upper()}, {person.given_name} ({episode.booking_number})"


def _site_context(actor, site_id):
    site = site_in_reach(actor, site_id)
    inside = queries.people_in(actor, site_id)
    out = queries.people_out(actor, site_id)
    internal = queries.people_at_internal_locations(actor, site_id)
    places = list(
        Location.objects.filter(site=site, residential=False, active=True)
        .order_by("key")
        .values_list("public_id", "key", "name")
    )
    return {
        "site": site,
        "inside": inside,
        "out": out,
        "internal": internal,
        "people_in": [(str(e.public_id), _label(e)) for e in inside],
        "people_away": [(str(a.episode.public_id), _label(a.episode)) for a in [*out, *internal]],
        "places": [(str(pid), f"{name or key} ({key})") for pid, key, name in places],
        "sites": [
            (str(s.public_id), s.name)
            for s in Site.objects.filter(kind=Site.Kind.PRISON, active=True).exclude(pk=site.pk).order_by("name")
        ],
    }


def _forms(context, data=None, action=None):
    """Every form on the page, with the posted one bound (prefixes keep field ids unique)."""
    build = {
        "out": lambda d: forms.OutForm(d, prefix="out", people=context["people_in"]),
        "return": lambda d: forms.ReturnForm(d, prefix="return", people=context["people_away"]),
        "internal": lambda d: forms.InternalForm(
            d, prefix="internal", people=context["people_in"], places=context["places"]
        ),
        "transfer": lambda d: forms.TransferForm(
            d, prefix="transfer", people=context["people_in"], sites=context["sites"]
        ),
        "batch": lambda d: forms.BatchForm(
            d, prefix="batch", people=context["people_in"] + context["people_away"], places=context["places"]
        ),
        "schedule": lambda d: forms.ScheduleForm(
            d, prefix="schedule", people=context["people_in"], places=context["places"], sites=context["sites"]
        ),
        "carry_out": lambda d: forms.CarryOutForm(d, prefix="carry_out"),
        "receive": lambda d: forms.ReceiveForm(d, prefix="receive"),
        "cancel": lambda d: forms.CancelForm(d, prefix="cancel"),
    }
    return {name: make(data if name == action else None) for name, make in build.items()}


def _record(request, action, form, context):
    """Call the one service the posted form asks for; returns a success message or None."""
    actor, data = request.actor, form.cleaned_data
    if action == "out":
        done = _service_errors_on(
            form,
            lambda: services.record_out(
                actor,
                episode_id=data["episode"],
                kind=data["kind"],
                destination=data["destination"],
                escort=data["escort"],
                reason=data["reason"],
                override_reason=data["override_reason"],
            ),
        )
        return (
            done
            and f"Recorded: {done.person.family_name.upper()} out to {done.destination or done.get_kind_display()}."
        )
    if action == "return":
        out_ids = {str(a.episode.public_id) for a in context["out"]}
        if data["episode"] in out_ids:
            done = _service_errors_on(form, lambda: services.record_return(actor, episode_id=data["episode"]))
        else:
            done = _service_errors_on(form, lambda: services.record_internal_return(actor, episode_id=data["episode"]))
        return done and f"Recorded: {done.person.family_name.upper()} back."
    if action == "internal":
        done = _service_errors_on(
            form,
            lambda: services.record_internal(
                actor,
                episode_id=data["episode"],
                to_location_id=data["to_location"],
                escort=data["escort"],
                reason=data["reason"],
            ),
        )
        return done and f"Recorded: {done.person.family_name.upper()} to {done.to_location.key}."
    if action == "transfer":
        done = _service_errors_on(
            form,
            lambda: services.send_transfer(
                actor,
                episode_id=data["episode"],
                to_site_id=data["to_site"],
                escort=data["escort"],
                reason=data["reason"],
                override_reason=data["override_reason"],
            ),
        )
        return done and f"Transfer sent: {done.person.family_name.upper()} en route to {done.to_site.name}."
    if action == "schedule":
        zone = ZoneInfo(context["site"].time_zone or "UTC")
        scheduled_at = dt.datetime.combine(data["day"], data["time"], tzinfo=zone)
        done = _service_errors_on(
            form,
            lambda: services.schedule_movement(
                actor,
                episode_id=data["episode"],
                kind=data["kind"],
                scheduled_at=scheduled_at,
                destination=data["destination"],
                to_location_id=data["to_location"] or None,
                to_site_id=data["to_site"] or None,
                escort=data["escort"],
                reason=data["reason"],
            ),
            {"scheduled_at": "day"},
        )
        return done and f"Planned: {done.person.family_name.upper()}, {done.get_kind_display().lower()}."
    if action == "carry_out":
        done = _service_errors_on(form, lambda: services.carry_out_movement(actor, movement_id=data["movement"]))
        return done and f"Recorded: {done.person.family_name.upper()}, {done.get_kind_display().lower()}."
    if action == "receive":
        done = _service_errors_on(form, lambda: services.receive_transfer(actor, movement_id=data["movement"]))
        return done and f"Received {done.person.family_name.upper()}: now in reception, to be housed."
    if action == "cancel":
        done = _service_errors_on(
            form, lambda: services.cancel_movement(actor, movement_id=data["movement"], reason=data["reason"])
        )
        return done and "Movement cancelled."
    # batch: one kind and destination for everyone ticked
    items = [
        {
            "episode_id": episode_id,
            "kind": data["kind"],
            "destination": data["destination"],
            "escort": data["escort"],
            "to_location_id": data["to_location"] or None,
        }
        for episode_id in data["episodes"]
    ]
    done = _service_errors_on(
        form,
        lambda: services.record_movement_batch(
            actor, site_id=context["site"].public_id, items=items, override_reason=data["override_reason"]
        ),
        {"items": "episodes"},
    )
    if done is None:
        return None
    flagged = " They are flagged: a count is not cleared." if done.during_uncleared_count else ""
    return f"Recorded {len(done.movements)} movements.{flagged}"


@page("custody.view")
def movements(request, site_id):
    """Today's movements at the site (scheduled and actual), who is out and where with the escort, who
    is at a place inside, transfers on their way in, and the forms to record movements (one person, or
    a whole movement window at once)."""
    context = _site_context(request.actor, site_id)
    action = request.POST.get("action") if request.method == "POST" else None
    all_forms = _forms(
        context,
        request.POST,
        action if action in ACTIONS else None,
    )
    bound = all_forms.get(action) if action else None
    if bound is not None:
        request.actor.require("custody.record_movement")
        if bound.is_valid():
            message = _record(request, action, bound, context)
            if message:
                messages.success(request, message)
                return redirect("custody:movements", site_id=context["site"].public_id)
    site = context["site"]
    context.update(
        {
            "forms": all_forms,
            "failed": bound if bound is not None and bound.errors else None,
            "today": queries.movements_on_day(request.actor, site.public_id),
            "incoming": queries.incoming_transfers(request.actor, site.public_id),
            "can_record": request.actor.has("custody.record_movement"),
        }
    )
    return render(request, "custody/movements/movements.html", context, status=422 if context["failed"] else 200)


# --- observations ------------------------------------------------------------------------------------


@page("custody.view")
def observations(request, site_id):
    """People on watch at the site, overdue checks highlighted, with the form to record a check; those
    who manage observations also start and end watches here."""
    site = site_in_reach(request.actor, site_id)
    action = request.POST.get("action") if request.method == "POST" else None
    inside = queries.people_in(request.actor, site.public_id)
    people = [(str(e.public_id), _label(e)) for e in inside]
    check_form = forms.CheckForm(request.POST if action == "check" else None, prefix="check")
    start_form = forms.StartWatchForm(request.POST if action == "start" else None, prefix="start", people=people)
    end_form = forms.EndWatchForm(request.POST if action == "end" else None, prefix="end")
    bound = {"check": check_form, "start": start_form, "end": end_form}.get(action)
    if bound is not None and bound.is_valid():
        actor, data = request.actor, bound.cleaned_data
        if action == "check":
            done = _service_errors_on(
                bound,
                lambda: observation_services.record_observation_check(
                    actor, plan_id=data["plan"], outcome=data["outcome"], note=data["note"]
                ),
            )
            message = (
                done and f"Check recorded{f', {done.late_by_minutes} minutes late' if done.late_by_minutes else ''}."
            )
        elif action == "start":
            done = _service_errors_on(
                bound,
                lambda: observation_services.start_observation_plan(
                    actor,
                    episode_id=data["episode"],
                    reason=data["reason"],
                    interval_minutes=data["interval_minutes"],
                    instructions=data["instructions"],
                ),
            )
            message = done and "Watch started."
        else:
            done = _service_errors_on(
                bound,
                lambda: observation_services.end_observation_plan(actor, plan_id=data["plan"], reason=data["reason"]),
            )
            message = done and "Watch ended."
        if message:
            messages.success(request, message)
            return redirect("custody:observations", site_id=site.public_id)
    plans = observation_queries.observation_plans(request.actor, site.public_id)
    context = {
        "site": site,
        "plans": [(plan, observation_queries.minutes_overdue(plan)) for plan in plans],
        "check_form": check_form,
        "start_form": start_form,
        "end_form": end_form,
        "failed": bound if bound is not None and bound.errors else None,
        # A failed check is redrawn with its errors under the person it was for.
        "failed_plan": request.POST.get("check-plan") if action == "check" and check_form.errors else None,
        "can_observe": request.actor.has("custody.observe"),
        "can_manage": request.actor.has("custody.manage_observations"),
    }
    return render(request, "custody/movements/observations.html", context, status=422 if context["failed"] else 200)


@page("custody.view")
def observations_overdue(request, site_id):
    """The supervisors' list: every check overdue at the site, most overdue first."""
    site = site_in_reach(request.actor, site_id)
    overdue = observation_queries.overdue_observations(request.actor, site.public_id)
    context = {"site": site, "overdue": [(plan, observation_queries.minutes_overdue(plan)) for plan in overdue]}
    return render(request, "custody/movements/overdue.html", context)


urlpatterns = [
    path("sites/<uuid:site_id>/movements/", movements, name="movements"),
    path("sites/<uuid:site_id>/observations/", observations, name="observations"),
    path("sites/<uuid:site_id>/observations/overdue/", observations_overdue, name="observations_overdue"),
]
