"""Pages for warnings and breach proceedings: issue a warning, start a breach, move it on."""

from __future__ import annotations

from django.urls import path

from oms.supervision.forms import breach as forms
from oms.supervision.models import Appointment
from oms.supervision.queries import breach as breach_queries
from oms.supervision.queries import cases as queries
from oms.supervision.rules.breach import allowed_next
from oms.supervision.rules.contact import FAILURE_OUTCOMES
from oms.supervision.services import breach as services
from oms.supervision.views.cases import case_url, done, form_page
from oms.web.access import page
from oms.web.forms import posted, service_errors_on

MANAGE_BREACH = "supervision.manage_breach"


@page(MANAGE_BREACH)
def warning_new(request, case_id):
    found = queries.find_case(request.actor, case_id)
    failures = Appointment.objects.filter(case=found, outcome__in=sorted(FAILURE_OUTCOMES)).order_by("-starts_at")
    form = forms.WarningForm(posted(request), failures=list(failures[:50]))
    if request.method == "POST" and form.is_valid():
        values = {**form.cleaned_data, "appointment_id": form.cleaned_data["appointment_id"] or None}
        issued = service_errors_on(
            form, lambda: services.issue_warning(request.actor, case_id=found.public_id, **values)
        )
        if issued:
            return done(request, found, "Warning issued")
    return form_page(
        request, form, person=found.person, title="Issue a warning", button="Issue warning", back=case_url(found)
    )


@page(MANAGE_BREACH)
def breach_new(request, case_id):
    found = queries.find_case(request.actor, case_id)
    form = forms.BreachForm(posted(request))
    if request.method == "POST" and form.is_valid():
        started = service_errors_on(
            form, lambda: services.start_breach(request.actor, case_id=found.public_id, **form.cleaned_data)
        )
        if started:
            return done(request, found, "Breach proceedings started")
    return form_page(
        request,
        form,
        person=found.person,
        title="Start breach proceedings",
        button="Start breach",
        back=case_url(found),
    )


@page(MANAGE_BREACH)
def breach_advance(request, breach_id):
    breach = breach_queries.find_breach(request.actor, breach_id)
    form = forms.AdvanceBreachForm(
        posted(request), initial={"version": breach.version}, allowed=sorted(allowed_next(breach.state))
    )
    if request.method == "POST" and form.is_valid():
        moved = service_errors_on(
            form, lambda: services.advance_breach(request.actor, breach_id=breach.public_id, **form.cleaned_data)
        )
        if moved:
            return done(request, breach.case, f"Breach now {moved.get_state_display().lower()}")
    return form_page(
        request,
        form,
        person=breach.case.person,
        title="Move the breach on",
        lead=f"Now: {breach.get_state_display()} (initiated {breach.initiated_on:%d %B %Y})",
        button="Save",
        back=case_url(breach.case),
    )


urlpatterns = [
    path("cases/<str:case_id>/warnings/new/", warning_new, name="warning_new"),
    path("cases/<str:case_id>/breaches/new/", breach_new, name="breach_new"),
    path("breaches/<str:breach_id>/advance/", breach_advance, name="breach_advance"),
]
