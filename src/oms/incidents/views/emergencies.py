"""Pages for the control room: the emergencies list, declare, the emergency page (scope, instructions,
timeline, exceptions, stand down, review, linked incidents), the roll page (mark with htmx; the
unaccounted count refreshes after each mark and every 5 seconds) and the printable roll. Thin: each
parses a form, calls one query or service, and renders. Every page works without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.facilities.models import Location
from oms.incidents.forms import emergencies as forms
from oms.incidents.models import Emergency, Incident
from oms.incidents.queries import emergencies as queries
from oms.incidents.services import emergencies as services
from oms.incidents.services import emergency_roll
from oms.people.models import Person
from oms.web.access import page
from oms.web.forms import posted

# Service field names that differ from the forms'.
_FIELD_ALIASES = {
    "location_ids": "locations",
    "facility_id": "facility",
    "person_id": "person",
    "incident_id": "incident",
}


def _errors_on(form, call):
    """Run a service call; put a rule or conflict error on its form field. The call runs in a savepoint
    so a refusal undoes any partial write while the page can still read what it shows. The page's own
    record was read before, so a NotFound here is about what was typed (a person, an incident)."""
    try:
        with transaction.atomic():
            return call()
    except (RuleViolation, Conflict, NotFound) as error:
        name = _FIELD_ALIASES.get(error.field, error.field)
        form.add_error(name if name in form.fields else None, error.detail)
        return None


@page("incidents.view")
def emergencies(request):
    rows = queries.emergencies_in_scope(request.actor).prefetch_related("locations")[:200]
    can_declare = request.actor.has("incidents.declare_emergency")
    return render(request, "incidents/emergencies/list.html", {"emergencies": rows, "can_declare": can_declare})


@page("incidents.declare_emergency")
def declare(request):
    facilities = queries.facilities_in_reach(request.actor)
    # The facility comes from the "Show the facility's locations" step, else the first one the select
    # shows: the hidden field the declaration posts must always carry what the page displays.
    chosen = (
        request.POST.get("facility")
        or request.GET.get("facility")
        or (str(facilities[0].public_id) if facilities else "")
    )
    locations = Location.objects.none()
    if chosen and any(str(f.public_id) == chosen for f in facilities):
        locations = Location.objects.filter(site__public_id=chosen, active=True, depth__lte=1).order_by("key")
    form = forms.DeclareEmergencyForm(
        posted(request), facilities=facilities, locations=locations, initial={"facility": chosen}
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        emergency = _errors_on(
            form,
            lambda: services.declare_emergency(
                request.actor,
                facility_id=data["facility"],
                kind=data["kind"],
                instructions=data["instructions"],
                location_ids=data["locations"],
                blocks_movements=data["blocks_movements"] == "yes",
            ),
        )
        if emergency:
            messages.success(request, "Emergency declared; staff on duty have been told.")
            return redirect("incidents:emergency", emergency_id=emergency.public_id)
    return render(request, "incidents/emergencies/declare.html", {"form": form}, status=422 if form.errors else 200)


def _emergency_context(request, emergency: Emergency, **forms_given) -> dict:
    actor = request.actor
    return {
        "emergency": emergency,
        "scope": services.scope_label(emergency),
        "timeline": emergency.actions.select_related("by"),
        "exceptions": emergency.exceptions.select_related("person", "authorised_by").order_by("authorised_at"),
        "rolls": emergency.rolls.order_by("-started_at"),
        "incidents": Incident.objects.filter(emergency=emergency).order_by("reference"),
        "can_command": actor.has("incidents.declare_emergency"),
        "can_roll": actor.has("incidents.emergency_roll"),
        "instructions_form": forms_given.get("instructions")
        or forms.InstructionsForm(initial={"instructions": emergency.instructions, "version": emergency.version}),
        "log_form": forms_given.get("log") or forms.LogEntryForm(),
        "exception_form": forms_given.get("exception") or forms.MovementExceptionForm(),
        "stand_down_form": forms_given.get("stand_down") or forms.StandDownForm(),
        "review_form": forms_given.get("review")
        or forms.ReviewForm(initial={"after_action_review": emergency.after_action_review}),
        "link_form": forms_given.get("link") or forms.LinkIncidentForm(),
    }


def _person_public_id(system_number: str):
    found = Person.objects.filter(system_number=system_number.strip().upper()).values_list("public_id", flat=True)
    return found.first() or "unknown"


def _incident_public_id(reference: str):
    found = Incident.objects.filter(reference=reference.strip().upper()).values_list("public_id", flat=True)
    return found.first() or "unknown"


# Each action of the emergency page: its form, and the service call made with the form's data.
_ACTIONS = {
    "instructions": (
        forms.InstructionsForm,
        lambda actor, eid, d: services.update_instructions(
            actor, emergency_id=eid, instructions=d["instructions"], version=d["version"]
        ),
        "Instructions updated.",
    ),
    "log": (
        forms.LogEntryForm,
        lambda actor, eid, d: services.add_log_entry(actor, emergency_id=eid, text=d["text"]),
        "Log entry added.",
    ),
    "exception": (
        forms.MovementExceptionForm,
        lambda actor, eid, d: services.authorise_movement_exception(
            actor, emergency_id=eid, person_id=_person_public_id(d["person"]), reason=d["reason"]
        ),
        "Movement exception authorised.",
    ),
    "stand_down": (
        forms.StandDownForm,
        lambda actor, eid, d: services.stand_down(actor, emergency_id=eid, note=d["note"]),
        "Emergency stood down.",
    ),
    "review": (
        forms.ReviewForm,
        lambda actor, eid, d: services.record_review(actor, emergency_id=eid, text=d["after_action_review"]),
        "After-action review saved.",
    ),
    "link": (
        forms.LinkIncidentForm,
        lambda actor, eid, d: services.link_incident_to_emergency(
            actor, emergency_id=eid, incident_id=_incident_public_id(d["incident"])
        ),
        "Incident linked.",
    ),
}


@page("incidents.view")
def emergency(request, emergency_id):
    found = queries.get_emergency(request.actor, emergency_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in _ACTIONS:
        form_class, call, done = _ACTIONS[action]
        form = form_class(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if _errors_on(form, lambda: call(request.actor, found.public_id, data) or True):
                messages.success(request, done)
                return redirect("incidents:emergency", emergency_id=found.public_id)
        found = queries.get_emergency(request.actor, emergency_id)
        context = _emergency_context(request, found, **{action: form})
        return render(request, "incidents/emergencies/detail.html", context, status=422)
    if request.method == "POST" and request.POST.get("action") == "roll":
        roll = emergency_roll.start_roll(request.actor, emergency_id=found.public_id)
        messages.success(request, f"Roll started: {roll.expected} people expected.")
        return redirect("incidents:emergency_roll", roll_id=roll.public_id)
    return render(request, "incidents/emergencies/detail.html", _emergency_context(request, found))


def _roll_context(request, roll, status: str = "") -> dict:
    return {
        "roll": roll,
        "emergency": roll.emergency,
        "summary": queries.roll_summary(roll),
        "entries": queries.roll_entries(roll, status=status),
        "status": status,
        "can_mark": request.actor.has("incidents.emergency_roll") and roll.completed_at is None,
    }


@page("incidents.view")
def roll(request, roll_id):
    """The roll: outstanding people first; htmx polls get only the count panel."""
    found = queries.get_roll(request.actor, roll_id)
    status = request.GET.get("status", "")
    if status not in ("", "unaccounted", "missing", "accounted"):
        status = ""
    context = _roll_context(request, found, status)
    if request.htmx and request.GET.get("part") == "count":
        return render(request, "incidents/emergencies/_roll_count.html", context)
    return render(request, "incidents/emergencies/roll.html", context)


@page("incidents.emergency_roll")
@require_POST
def finish(request, roll_id):
    found = queries.get_roll(request.actor, roll_id, permission="incidents.emergency_roll")
    try:
        emergency_roll.finish_roll(request.actor, roll_id=found.public_id)
        messages.success(request, "Roll finished.")
    except Conflict as error:
        messages.error(request, str(error))
    return redirect("incidents:emergency_roll", roll_id=found.public_id)


@page("incidents.emergency_roll")
def mark(request, roll_id):
    """POST one mark. With htmx: the updated row, and an ``HX-Trigger: roll-changed`` header on which the
    count panel reloads itself (an out-of-band panel in a response that starts with a table row is
    parsed as table content and loses its own table); else back to the roll."""
    found = queries.get_roll(request.actor, roll_id, permission="incidents.emergency_roll")
    form = forms.MarkForm(posted(request))
    problem = ""
    entry = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        entry = _errors_on(
            form,
            lambda: emergency_roll.mark_person(
                request.actor,
                roll_id=found.public_id,
                person_id=data["person"],
                mark=data["mark"],
                version=data["version"],
                found_at=data["found_at"],
            ),
        )
    if entry is None:
        problem = " ".join(str(e) for errors in form.errors.values() for e in errors) or "Choose a mark."
    if not request.htmx:
        if problem:
            messages.error(request, problem)
        return redirect("incidents:emergency_roll", roll_id=found.public_id)
    person = form.cleaned_data.get("person") if hasattr(form, "cleaned_data") else None
    if entry is None and person:
        entry = found.entries.select_related("person", "marked_by").filter(person__public_id=person).first()
    if entry is None:  # no row to redraw (the person is not on this roll): nothing is swapped
        return HttpResponse(problem, status=422, content_type="text/plain; charset=utf-8")
    context = {"roll": found, "entry": entry, "problem": problem, "can_mark": found.completed_at is None}
    # 200 even for a refused mark: htmx swaps only successful responses, and the marker must see the
    # row as it now is with the reason next to it.
    response = render(request, "incidents/emergencies/_roll_row.html", context)
    response["HX-Trigger"] = "roll-changed"
    return response


@page("incidents.view")
def roll_print(request, roll_id):
    found = queries.get_roll(request.actor, roll_id)
    return render(request, "incidents/emergencies/roll_print.html", _roll_context(request, found))


urlpatterns = [
    path("emergencies/", emergencies, name="emergencies"),
    path("emergencies/declare/", declare, name="emergency_declare"),
    path("emergencies/<str:emergency_id>/", emergency, name="emergency"),
    path("emergencies/rolls/<str:roll_id>/", roll, name="emergency_roll"),
    path("emergencies/rolls/<str:roll_id>/mark/", mark, name="emergency_roll_mark"),
    path("emergencies/rolls/<str:roll_id>/finish/", finish, name="emergency_roll_finish"),
    path("emergencies/rolls/<str:roll_id>/print/", roll_print, name="emergency_roll_print"),
]
