"""Pages: incident reports: the incidents home (lists and "Report an incident"), the report form with the
type's questions, the incident page with people, use of force, addenda, corrections and the workflow
buttons the viewer may press, adding a person involved by system number, and describing force used."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from oms.core.errors import Conflict, RuleViolation
from oms.facilities.models import Location
from oms.incidents.forms import reports as forms
from oms.incidents.queries import attachments as attachment_queries
from oms.incidents.queries import reports as queries
from oms.incidents.rules import workflow
from oms.incidents.services import reports as services
from oms.incidents.services import types as type_services
from oms.web.access import page
from oms.web.forms import posted

FIELD_OF = {"occurred_at": "occurred_time", "type_code": None, "location": "location", "facility": "facility"}


def _put_error(form, error) -> None:
    field = error.field or ""
    name = f"q_{field.removeprefix('answers.')}" if field.startswith("answers.") else FIELD_OF.get(field, field)
    form.add_error(name if name in form.fields else None, error.detail)


def _incident_url(incident) -> str:
    return reverse("incidents:incident", args=[incident.public_id])


@page("incidents.view")
def home(request):
    actor = request.actor
    return render(
        request,
        "incidents/home.html",
        {
            "drafts": queries.my_drafts(actor),
            "awaiting": queries.awaiting_review(actor),
            "investigating": queries.under_investigation(actor),
            "can_report": actor.has("incidents.report"),
        },
    )


def _report_values(request, form):
    """The service's keyword arguments from a valid form; None when the location is not found."""
    data = form.cleaned_data
    facility = next(s for s in queries.facilities_for(request.actor) if str(s.public_id) == data["facility"])
    zone = zoneinfo.ZoneInfo(facility.time_zone)
    values = {
        "occurred_at": dt.datetime.combine(data["occurred_on"], data["occurred_time"], tzinfo=zone),
        "description": data["description"],
        "answers": form.answers(),
        "location_id": None,
    }
    if data["location"]:
        location = Location.objects.filter(site=facility, key=data["location"].strip().upper()).first()
        if location is None:
            form.add_error("location", "No location with that key at this facility")
            return None
        values["location_id"] = location.public_id
    return facility, values


@page("incidents.report")
def report_new(request):
    incident_type = type_services.latest_active_type(request.GET.get("type", "")[:40])
    if incident_type is None:
        return render(request, "incidents/reports/choose_type.html", {"types": type_services.types_offered()})
    facilities = queries.facilities_for(request.actor)
    form = forms.IncidentReportForm(posted(request), incident_type=incident_type, facilities=facilities)
    if request.method == "POST" and form.is_valid():
        result = _report_values(request, form)
        if result is not None:
            facility, values = result
            try:
                incident = services.create_report(
                    request.actor, type_code=incident_type.code, facility_id=facility.public_id, **values
                )
            except (RuleViolation, Conflict) as error:
                _put_error(form, error)
            else:
                messages.success(request, f"Draft {incident.reference} saved")
                return redirect(_incident_url(incident))
    return render(
        request, "incidents/reports/form.html", {"form": form, "incident_type": incident_type, "incident": None}
    )


@page("incidents.report")
def report_edit(request, incident_id):
    incident = queries.get_incident(request.actor, incident_id, permission="incidents.report")
    facilities = [incident.facility]
    form = forms.IncidentReportForm(
        posted(request),
        incident_type=incident.incident_type,
        facilities=facilities,
        initial=forms.initial_from(incident),
    )
    if request.method == "POST" and form.is_valid():
        result = _report_values(request, form)
        if result is not None:
            _, values = result
            try:
                services.update_report(
                    request.actor, incident_id=incident.public_id, version=form.cleaned_data["version"] or 0, **values
                )
            except (RuleViolation, Conflict) as error:
                _put_error(form, error)
            else:
                messages.success(request, "Draft saved")
                return redirect(_incident_url(incident))
    return render(
        request,
        "incidents/reports/form.html",
        {"form": form, "incident_type": incident.incident_type, "incident": incident},
    )


def _incident_page(request, incident, *, action_errors: dict | None = None, status: int = 200):
    actor = request.actor
    available = set(workflow.available_actions(incident.status))
    is_reporter = incident.reported_by_id == actor.user_id
    can = {
        action: action in available and actor.has(workflow.permission_for(action)) for action in workflow.TRANSITIONS
    }
    can["edit"] = can["edit"] and is_reporter
    can["charge"] = actor.has("incidents.charge")
    can["submit"] = can["submit"] and is_reporter
    labels = {q["code"]: q for q in incident.incident_type.questions}
    answers = [
        (labels[code]["label"], forms.answer_text(labels[code], v))
        for code, v in incident.answers.items()
        if code in labels
    ]
    return render(
        request,
        "incidents/reports/incident.html",
        {
            "incident": incident,
            "answers": answers,
            "involvements": queries.involvements(incident),
            "use_of_force": getattr(incident, "use_of_force", None) if hasattr(incident, "use_of_force") else None,
            "addenda": list(incident.addenda.select_related("written_by", "correction_request")),
            "corrections": list(incident.correction_requests.select_related("requested_by")),
            "open_corrections": [c for c in incident.correction_requests.all() if c.answered_at is None]
            if is_reporter
            else [],
            "charges": list(incident.charges.select_related("person", "paragraph").order_by("id")),
            "attachments": attachment_queries.attachments_for(actor, incident.public_id)[1],
            "can": can,
            "action_errors": action_errors or {},
        },
        status=status,
    )


@page("incidents.view")
def incident_page(request, incident_id):
    return _incident_page(request, queries.get_incident(request.actor, incident_id))


ACTIONS = {
    "submit": lambda a, i, p: services.submit_report(a, incident_id=i, version=int(p.get("version") or 0)),
    "start_review": lambda a, i, p: services.start_review(a, incident_id=i),
    "request_correction": lambda a, i, p: services.request_correction(a, incident_id=i, text=p.get("text", "")),
    "add_addendum": lambda a, i, p: services.add_addendum(
        a, incident_id=i, text=p.get("text", ""), correction_request_id=p.get("correction_request") or None
    ),
    "start_investigation": lambda a, i, p: services.start_investigation(a, incident_id=i),
    "record_findings": lambda a, i, p: services.record_findings(a, incident_id=i, findings=p.get("text", "")),
    "close": lambda a, i, p: services.close_incident(a, incident_id=i, closing_note=p.get("text", "")),
}
DONE = {
    "submit": "Report submitted",
    "start_review": "Review started",
    "request_correction": "Correction requested",
    "add_addendum": "Addendum added",
    "start_investigation": "Investigation started",
    "record_findings": "Findings recorded",
    "close": "Incident closed",
}


@require_POST
@page("incidents.view")  # each action's own permission is checked by its service
def incident_action(request, incident_id, action):
    incident = queries.get_incident(request.actor, incident_id)
    call = ACTIONS.get(action)
    if call is None:
        return redirect(_incident_url(incident))
    try:
        call(request.actor, incident.public_id, request.POST)
    except (RuleViolation, Conflict) as error:
        incident = queries.get_incident(request.actor, incident_id)
        return _incident_page(request, incident, action_errors={action: error.detail}, status=422)
    messages.success(request, DONE[action])
    return redirect(_incident_url(incident))


@page("incidents.report")
def person_add(request, incident_id):
    incident = queries.get_incident(request.actor, incident_id, permission="incidents.report")
    form = forms.InvolvementForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_involvement(request.actor, incident_id=incident.public_id, **form.cleaned_data)
        except (RuleViolation, Conflict) as error:
            form.add_error(error.field if error.field in form.fields else None, error.detail)
        else:
            messages.success(request, "Person added")
            return redirect(_incident_url(incident))
    return render(request, "incidents/reports/person_form.html", {"form": form, "incident": incident})


@page("incidents.report")
def use_of_force(request, incident_id):
    incident = queries.get_incident(request.actor, incident_id, permission="incidents.report")
    existing = getattr(incident, "use_of_force", None) if hasattr(incident, "use_of_force") else None
    initial = (
        {
            "techniques": existing.techniques,
            "restraints": existing.restraints,
            "justification": existing.justification,
            "planned": existing.planned,
            "injuries": existing.injuries,
            "medical_check_done": existing.medical_check_done,
        }
        if existing
        else None
    )
    form = forms.UseOfForceForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_use_of_force(request.actor, incident_id=incident.public_id, **form.cleaned_data)
        except (RuleViolation, Conflict) as error:
            form.add_error(error.field if error.field in form.fields else None, error.detail)
        else:
            messages.success(request, "Use of force recorded")
            return redirect(_incident_url(incident))
    return render(request, "incidents/reports/use_of_force_form.html", {"form": form, "incident": incident})


urlpatterns = [
    path("", home, name="home"),
    path("report/new", report_new, name="report_new"),
    path("reports/<str:incident_id>/", incident_page, name="incident"),
    path("reports/<str:incident_id>/edit", report_edit, name="report_edit"),
    path("reports/<str:incident_id>/people/add", person_add, name="person_add"),
    path("reports/<str:incident_id>/use-of-force", use_of_force, name="use_of_force"),
    path("reports/<str:incident_id>/do/<str:action>", incident_action, name="incident_action"),
]
