"""Custody landing page, the live roll and formal counts pages: thin. Each parses a form, calls one
query or service, and renders the page (or, for htmx polling, only the roll figures). Every page
works without JavaScript; the roll refreshes itself every 30 seconds when htmx is present."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path

from oms.core import clock
from oms.core.errors import Conflict, RuleViolation
from oms.custody.forms import counts as forms
from oms.custody.models import CountSession
from oms.custody.queries import counts as count_queries
from oms.custody.queries import roll as roll_queries
from oms.custody.queries.episodes import site_in_reach
from oms.custody.services import counts as services
from oms.web.access import page

# Service field names that differ from the form's.
_FIELD_ALIASES = {"counted_at": "counted_time", "person_id": "person", "unit_ids": None}


def _service_errors_on(form, call):
    """Run a service call; put a rule or conflict error on its field. The call runs in a savepoint so a
    refusal undoes any partial write while the page can still read what it shows."""
    try:
        with transaction.atomic():
            return call()
    except (RuleViolation, Conflict) as error:
        name = _FIELD_ALIASES.get(error.field, error.field)
        form.add_error(name if name in form.fields else None, error.detail)
        return None


# --- landing page and roll -------------------------------------------------------------------------


@page("custody.view")
def home(request):
    """Prisons in the actor's reach with their headline roll; with only one, go straight to its roll."""
    sites = roll_queries.sites_in_reach(request.actor)
    if len(sites) == 1:
        return redirect("custody:roll", site_id=sites[0].public_id)
    rolls = [roll_queries.site_roll(site) for site in sites[:50]]
    return render(request, "custody/counts/home.html", {"rolls": rolls, "more": len(sites) > 50})


@page("custody.view")
def roll(request, site_id):
    """The facility roll with a row per unit. An htmx poll gets only the figures fragment."""
    facility = roll_queries.roll(request.actor, site_id)
    context = {"roll": facility, "can_count": request.actor.has("custody.count")}
    if request.htmx:
        return render(request, "custody/counts/_roll.html", context)
    return render(request, "custody/counts/roll.html", context)


@page("custody.view")
def unit_roll(request, site_id, unit_id):
    """One unit's figures and the named list of who is where."""
    unit = roll_queries.unit_roll(request.actor, site_id, unit_id)
    site = site_in_reach(request.actor, site_id)
    context = {"unit": unit, "site": site}
    if request.htmx:
        return render(request, "custody/counts/_unit_roll.html", context)
    return render(request, "custody/counts/unit_roll.html", context)


# --- count times -----------------------------------------------------------------------------------


@page("custody.view")
def count_times(request, site_id):
    """The site's count times; supervisors add and retire them here."""
    site, times = count_queries.count_times(request.actor, site_id)
    form = forms.CountTimeForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        request.actor.require("custody.manage_counts")
        if form.is_valid():
            made = _service_errors_on(
                form,
                lambda: services.create_count_time(request.actor, site_id=site.public_id, **form.cleaned_data),
            )
            if made:
                messages.success(request, f"Count time {made.time_of_day:%H:%M} added.")
                return redirect("custody:count_times", site_id=site.public_id)
    context = {"site": site, "times": times, "form": form, "can_manage": request.actor.has("custody.manage_counts")}
    return render(request, "custody/counts/count_times.html", context, status=422 if form.errors else 200)


@page("custody.manage_counts")
def retire_count_time(request, site_id, count_time_id):
    """POST only: deactivate a count time (kept for the history of its counts)."""
    site = site_in_reach(request.actor, site_id, permission="custody.manage_counts")
    if request.method == "POST":
        services.update_count_time(request.actor, count_time_id=count_time_id, active=False)
        messages.success(request, "Count time retired.")
    return redirect("custody:count_times", site_id=site.public_id)


# --- counts ----------------------------------------------------------------------------------------


@page("custody.view")
def counts(request, site_id):
    """The count in progress, the form to start one, and the history with late and missed counts."""
    site, times = count_queries.count_times(request.actor, site_id)
    _, current = count_queries.open_count(request.actor, site_id)
    active_times = [t for t in times if t.active]
    form = forms.StartCountForm(request.POST if request.method == "POST" else None, count_times=active_times)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        emergency = data["kind"] == "emergency"
        count = _service_errors_on(
            form,
            lambda: services.start_count(
                request.actor,
                site_id=site.public_id,
                count_time_id=None if emergency else data["count_time"],
                emergency=emergency,
                emergency_reason=data["reason"] if emergency else "",
                two_officer=data["two_officer"],
            ),
        )
        if count:
            messages.success(request, "Count started.")
            return redirect("custody:count", count_id=count.public_id)
    try:
        days = max(1, min(int(request.GET.get("days", 7)), 90))
    except ValueError:
        days = 7
    history = count_queries.count_history(request.actor, site_id, days=days)
    context = {
        "site": site,
        "current": current,
        "form": form,
        "history": history,
        "days": days,
        "can_count": request.actor.has("custody.count"),
        "can_manage": request.actor.has("custody.manage_counts"),
    }
    return render(request, "custody/counts/counts.html", context, status=422 if form.errors else 200)


@page("custody.view")
def count(request, count_id):
    """One count: each unit's session, movements recorded while it is not cleared, and clearing it."""
    view = count_queries.get_count(request.actor, count_id)
    form = forms.ClearForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        cleared = _service_errors_on(
            form, lambda: services.clear_count(request.actor, count_id=view.count.public_id, **form.cleaned_data)
        )
        if cleared:
            messages.success(request, "Count cleared.")
            return redirect("custody:count", count_id=view.count.public_id)
    context = {
        "view": view,
        "form": form,
        "can_count": request.actor.has("custody.count"),
        "can_manage": request.actor.has("custody.manage_counts"),
    }
    return render(request, "custody/counts/count.html", context, status=422 if form.errors else 200)


@page("custody.view")
def count_sheet(request, count_id):
    """A printable count sheet: each unit, the names expected in and away (with where), boxes to fill."""
    view = count_queries.get_count(request.actor, count_id)
    return render(request, "custody/counts/sheet.html", {"view": view})


def _paper_time(counted_time: dt.time, time_zone: str) -> dt.datetime:
    """The last time the wall clock showed ``counted_time`` at the site (today, or yesterday when that
    time has not come yet today): a paper count is entered after it was taken."""
    zone = ZoneInfo(time_zone)
    now = clock.now().astimezone(zone)
    at = dt.datetime.combine(now.date(), counted_time, tzinfo=zone)
    if at > now:
        at -= dt.timedelta(days=1)
    return at.astimezone(dt.UTC)


_ACTIONS = ("enter", "discrepancy", "resolve", "recount", "clear")


@page("custody.view")
def session(request, session_id):
    """One unit's count: enter the number (blind while a second officer's figure is awaited), name
    and resolve discrepancies, order a recount, clear the unit. Each form posts ``action``."""
    view = count_queries.get_session(request.actor, session_id)
    site = view.session.count.site
    action = request.POST.get("action") if request.method == "POST" else None
    posted = {name: (request.POST if action == name else None) for name in _ACTIONS}
    entry = forms.EntryForm(posted["enter"], prefix="enter")
    discrepancy = forms.DiscrepancyForm(
        posted["discrepancy"], prefix="discrepancy", people=view.session.expected_people
    )
    resolve = forms.ResolveForm(posted["resolve"], prefix="resolve")
    recount = forms.RecountForm(posted["recount"], prefix="recount")
    clear = forms.ClearForm(posted["clear"], prefix="clear")
    actor, sid = request.actor, view.session.public_id
    done = None
    if action == "enter" and entry.is_valid():
        data = entry.cleaned_data
        counted_at = _paper_time(data["counted_time"], site.time_zone) if data["on_paper"] else None
        done = _service_errors_on(
            entry,
            lambda: services.enter_count(
                actor, session_id=sid, counted=data["counted"], on_paper=data["on_paper"], counted_at=counted_at
            ),
        )
        message = "Count entered."
    elif action == "discrepancy" and discrepancy.is_valid():
        data = discrepancy.cleaned_data
        done = _service_errors_on(
            discrepancy,
            lambda: services.record_discrepancy(
                actor, session_id=sid, person_id=data["person"] or None, description=data["description"]
            ),
        )
        message = "Discrepancy recorded."
    elif action == "resolve" and resolve.is_valid():
        data = resolve.cleaned_data
        done = _service_errors_on(
            resolve,
            lambda: services.resolve_discrepancy(
                actor, session_id=sid, discrepancy_id=data["discrepancy"], resolution=data["resolution"]
            ),
        )
        message = "Discrepancy resolved."
    elif action == "recount" and recount.is_valid():
        done = _service_errors_on(
            recount, lambda: services.order_recount(actor, session_id=sid, reason=recount.cleaned_data["reason"])
        )
        if done:
            messages.success(request, "Recount ordered: count the unit again.")
            return redirect("custody:count_session", session_id=done.public_id)
    elif action == "clear" and clear.is_valid():
        done = _service_errors_on(
            clear, lambda: services.clear_session(actor, session_id=sid, note=clear.cleaned_data["note"])
        )
        message = "Unit cleared."
    if done:
        messages.success(request, message)
        return redirect("custody:count_session", session_id=sid)
    forms_with_errors = [f for f in (entry, discrepancy, resolve, recount, clear) if f.errors]
    status = view.session.status
    context = {
        "view": view,
        "count": view.session.count,
        "site": site,
        "entry": entry,
        "discrepancy_form": discrepancy,
        "resolve": resolve,
        "recount": recount,
        "clear": clear,
        "error_form": forms_with_errors[0] if forms_with_errors else None,
        "already_entered": any(e.officer_id == actor.user_id for e in view.session.entries.all()),
        "finished": status in (CountSession.Status.CLEARED, CountSession.Status.RECOUNT),
        "can_count": actor.has("custody.count"),
        "can_manage": actor.has("custody.manage_counts"),
    }
    return render(request, "custody/counts/session.html", context, status=422 if forms_with_errors else 200)


urlpatterns = [
    path("", home, name="home"),
    path("sites/<uuid:site_id>/roll/", roll, name="roll"),
    path("sites/<uuid:site_id>/units/<uuid:unit_id>/roll/", unit_roll, name="unit_roll"),
    path("sites/<uuid:site_id>/counts/", counts, name="counts"),
    path("sites/<uuid:site_id>/count-times/", count_times, name="count_times"),
    path("sites/<uuid:site_id>/count-times/<int:count_time_id>/retire/", retire_count_time, name="retire_count_time"),
    path("counts/<uuid:count_id>/", count, name="count"),
    path("counts/<uuid:count_id>/sheet/", count_sheet, name="count_sheet"),
    path("count-sessions/<uuid:session_id>/", session, name="count_session"),
]
