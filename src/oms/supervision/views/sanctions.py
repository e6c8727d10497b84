"""Pages: the sanctions matrix (and changing one band), recording a violation on a case, recording the
response to it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse

from oms.supervision.forms import sanctions as forms
from oms.supervision.models import Level, Severity
from oms.supervision.queries import cases as queries
from oms.supervision.queries import sanctions as sanction_queries
from oms.supervision.rules.sanctions import RESPONSE_LABELS, RESPONSES
from oms.supervision.services import sanctions as services
from oms.supervision.views.cases import case_url, done, form_page
from oms.web.access import page
from oms.web.forms import posted, service_errors_on

VIEW = "supervision.view"
MANAGE_SANCTIONS = "supervision.manage_sanctions"
MANAGE_BREACH = "supervision.manage_breach"


@page(VIEW)
def matrix(request):
    sanction_queries.bands(request.actor)  # checks supervision.view
    current = sanction_queries.matrix()
    rows = []
    for severity, severity_label in Severity.choices:
        cells = []
        for level in Level.values:
            least, most = current[(severity, level)]
            band = RESPONSES[RESPONSES.index(least) : RESPONSES.index(most) + 1]
            cells.append({"level": level, "responses": [RESPONSE_LABELS[r] for r in band]})
        rows.append({"severity": severity, "label": severity_label, "cells": cells})
    return render(
        request,
        "supervision/sanctions.html",
        {
            "rows": rows,
            "levels": Level.choices,
            "scale": [RESPONSE_LABELS[r] for r in RESPONSES],
            "can_edit": request.actor.has(MANAGE_SANCTIONS),
        },
    )


@page(MANAGE_SANCTIONS)
def band_edit(request, severity, level):
    if severity not in Severity.values or level not in Level.values:
        raise Http404
    least, most = sanction_queries.matrix()[(severity, level)]
    form = forms.BandForm(posted(request), initial={"least": least, "most": most})
    if request.method == "POST" and form.is_valid():
        saved = service_errors_on(
            form, lambda: services.set_band(request.actor, severity=severity, level=level, **form.cleaned_data)
        )
        if saved:
            messages.success(request, "Sanctions matrix changed")
            return redirect(reverse("supervision:sanctions"))
    return render(
        request,
        "supervision/form_page.html",
        {
            "form": form,
            "title": f"Responses for {severity} severity at {Level(level).label.lower()} level",
            "button": "Save",
            "back": reverse("supervision:sanctions"),
            "lead": "",
        },
        status=422 if form.errors else 200,
    )


@page(MANAGE_BREACH)
def violation_new(request, case_id):
    found = queries.find_case(request.actor, case_id)
    form = forms.ViolationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        recorded = service_errors_on(
            form, lambda: services.record_violation(request.actor, case_id=found.public_id, **form.cleaned_data)
        )
        if recorded:
            return done(request, found, "Violation recorded")
    return form_page(
        request, form, person=found.person, title="Record a violation", button="Record", back=case_url(found)
    )


@page(MANAGE_BREACH)
def violation_respond(request, violation_id):
    violation = sanction_queries.find_violation(request.actor, violation_id)
    allowed = sanction_queries.allowed_for(violation, violation.case.kind)
    form = forms.ResponseForm(posted(request), allowed=allowed)
    if request.method == "POST" and form.is_valid():
        saved = service_errors_on(
            form, lambda: services.respond(request.actor, violation_id=violation.public_id, **form.cleaned_data)
        )
        if saved:
            return done(request, violation.case, "Response recorded")
    lead = "The matrix allows: " + ", ".join(RESPONSE_LABELS[r].lower() for r in allowed)
    return form_page(
        request,
        form,
        person=violation.case.person,
        title=f"Respond to the violation of {violation.occurred_on:%d %B %Y}",
        lead=lead,
        button="Save response",
        back=case_url(violation.case),
    )


urlpatterns = [
    path("sanctions/", matrix, name="sanctions"),
    path("sanctions/<str:severity>/<str:level>/", band_edit, name="sanction_band"),
    path("cases/<str:case_id>/violations/new/", violation_new, name="violation_new"),
    path("violations/<str:violation_id>/respond/", violation_respond, name="violation_respond"),
]
