"""Pages: the officer's caseload, a person's supervision cases, one case (order, requirements,
appointments with outcomes, compliance, level), and a form for each action.

Thin: each form page reads its record in scope, calls one service on POST and goes back to the case,
or shows the form again with its errors (GOV.UK error summary, status 422).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse

from oms.accounts.models import User
from oms.core import clock
from oms.core.actor import Actor
from oms.people.models import Person
from oms.people.queries.records import find_person, sites_in_reach
from oms.supervision.forms import cases as forms
from oms.supervision.models import Appointment, SupervisionCase
from oms.supervision.queries import cases as queries
from oms.supervision.queries import checkins as checkin_queries
from oms.supervision.services import appointments as appointment_services
from oms.supervision.services import cases as services
from oms.supervision.services import requirements as requirement_services
from oms.web.access import page
from oms.web.forms import posted, service_errors_on

VIEW = "supervision.view"
MANAGE = "supervision.manage_cases"
RECORD = "supervision.record_contacts"
OVERRIDE = "supervision.override_level"


def supervision_profile_links(actor: Actor, person: Person) -> list[tuple[str, str]]:
    """The "Supervision" link on the person's profile, for those who may read cases."""
    if not actor.has(VIEW):
        return []
    return [("Supervision", reverse("supervision:person_cases", kwargs={"person_id": person.public_id}))]


def case_url(case: SupervisionCase) -> str:
    return reverse("supervision:case", kwargs={"case_id": case.public_id})


def done(request, case: SupervisionCase, text: str):
    messages.success(request, text)
    return redirect(case_url(case))


def form_page(request, form, *, person: Person, title: str, button: str, back: str, lead: str = ""):
    return render(
        request,
        "supervision/form_page.html",
        {"form": form, "person": person, "title": title, "button": button, "lead": lead, "back": back},
        status=422 if form.errors else 200,
    )


def _choices(actor: Actor) -> dict:
    """Offices and officers the actor may choose (the service checks the pair)."""
    offices = sites_in_reach(actor)
    officers = User.objects.filter(is_active=True, role_grants__role__grants__permission=RECORD).distinct()
    if not actor.is_national:
        officers = officers.filter(organisation_id=actor.organisation_id)
    return {"offices": offices, "officers": list(officers.order_by("last_name", "username")[:300])}


# --- lists ---------------------------------------------------------------------------------------


@page(VIEW)
def caseload(request):
    return render(
        request, "supervision/caseload.html", {"items": queries.caseload(request.actor), "today": clock.today()}
    )


@page(VIEW)
def person_cases(request, person_id):
    person = find_person(request.actor, person_id)
    items = queries.list_cases(request.actor, person_id=person.public_id)
    return render(
        request,
        "supervision/person_cases.html",
        {"person": person, "items": items, "can_manage": request.actor.has(MANAGE)},
    )


@page(VIEW)
def case(request, case_id):
    detail = queries.get_case(request.actor, case_id)
    actor = request.actor
    return render(
        request,
        "supervision/case.html",
        {
            "detail": detail,
            "case": detail.case,
            "person": detail.case.person,
            "status": detail.status,
            "is_open": detail.case.status == SupervisionCase.Status.OPEN,
            "can_manage": actor.has(MANAGE),
            "can_record": actor.has(RECORD),
            "can_override": actor.has(OVERRIDE),
            "can_breach": actor.has("supervision.manage_breach"),
            "can_test": actor.has("supervision.manage_testing"),
            "check_ins": checkin_queries.check_ins_of(detail.case),
            "check_in_schedule": checkin_queries.active_schedule(detail.case),
            "today": clock.today(),
            "now": clock.now(),
        },
    )


# --- the case ------------------------------------------------------------------------------------


@page(MANAGE)
def case_open(request, person_id):
    person = find_person(request.actor, person_id)
    form = forms.OpenCaseForm(posted(request), **_choices(request.actor))
    if request.method == "POST" and form.is_valid():
        values = {k: (v or None) if k in ("office_id", "officer_id") else v for k, v in form.cleaned_data.items()}
        opened = service_errors_on(
            form, lambda: services.open_case(request.actor, person_id=person.public_id, **values)
        )
        if opened:
            return done(request, opened, "Supervision case opened")
    back = reverse("supervision:person_cases", kwargs={"person_id": person.public_id})
    return form_page(request, form, person=person, title="Open a supervision case", button="Open case", back=back)


def _case_form(request, case_id, form_class, call, *, title: str, button: str, message: str, initial=None, extra=None):
    """A form that changes the case as a whole: read, show, call the service with the version posted."""
    found = queries.find_case(request.actor, case_id)
    form = form_class(posted(request), initial={"version": found.version, **(initial or {})}, **(extra or {}))
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        result = service_errors_on(form, lambda: call(found, values))
        if result is not None:
            return done(request, found, message)
    return form_page(request, form, person=found.person, title=title, button=button, back=case_url(found))


@page(MANAGE)
def case_allocate(request, case_id):
    found = queries.find_case(request.actor, case_id)
    initial = {
        "office_id": str(found.office.public_id) if found.office_id else "",
        "officer_id": str(found.officer.public_id) if found.officer_id else "",
    }

    def call(case_row, values):
        return services.allocate_case(
            request.actor,
            case_id=case_row.public_id,
            version=values["version"],
            office_id=values["office_id"] or None,
            officer_id=values["officer_id"] or None,
        )

    return _case_form(
        request,
        case_id,
        forms.AllocateForm,
        call,
        title="Supervising office and officer",
        button="Save",
        message="Allocation saved",
        initial=initial,
        extra=_choices(request.actor),
    )


@page(OVERRIDE)
def case_level(request, case_id):
    found = queries.find_case(request.actor, case_id)
    return _case_form(
        request,
        case_id,
        forms.LevelOverrideForm,
        lambda c, v: services.override_level(request.actor, case_id=c.public_id, **v),
        title="Override the supervision level",
        button="Save level",
        message="Supervision level saved",
        initial={"level": found.level_override},
    )


@page(MANAGE)
def case_close(request, case_id):
    return _case_form(
        request,
        case_id,
        forms.CloseCaseForm,
        lambda c, v: services.close_case(request.actor, case_id=c.public_id, **v),
        title="Close the case",
        button="Close case",
        message="Case closed",
    )


# --- requirements and appointments ---------------------------------------------------------------


@page(MANAGE)
def requirement_new(request, case_id):
    found = queries.find_case(request.actor, case_id)
    form = forms.RequirementForm(posted(request))
    if request.method == "POST" and form.is_valid():
        added = service_errors_on(
            form,
            lambda: requirement_services.add_requirement(request.actor, case_id=found.public_id, **form.cleaned_data),
        )
        if added:
            return done(request, found, "Requirement added")
    return form_page(
        request, form, person=found.person, title="Add a requirement or condition", button="Add", back=case_url(found)
    )


@page(MANAGE)
def requirement_end(request, requirement_id):
    requirement = queries.find_requirement(request.actor, requirement_id)
    form = forms.EndRequirementForm(posted(request))
    if request.method == "POST" and form.is_valid():
        ended = service_errors_on(
            form,
            lambda: requirement_services.end_requirement(
                request.actor, requirement_id=requirement.public_id, **form.cleaned_data
            ),
        )
        if ended:
            return done(request, requirement.case, "Requirement ended")
    return form_page(
        request,
        form,
        person=requirement.case.person,
        title=f"End the requirement: {requirement.get_kind_display()}",
        button="End requirement",
        back=case_url(requirement.case),
    )


@page(RECORD)
def appointment_new(request, case_id):
    found = queries.find_case(request.actor, case_id)
    form = forms.AppointmentForm(posted(request), initial={"repeat": "none", "weeks": 1, "kind": "office"})
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        booked = service_errors_on(
            form,
            lambda: appointment_services.book_appointments(
                request.actor,
                case_id=found.public_id,
                kind=values["kind"],
                starts_at=form.starts_at(),
                repeat=values["repeat"],
                weeks=values["weeks"],
                notes=values["notes"],
            ),
        )
        if booked:
            return done(request, found, f"{len(booked)} appointment{'s' if len(booked) > 1 else ''} booked")
    return form_page(
        request, form, person=found.person, title="Book an appointment", button="Book", back=case_url(found)
    )


@page(RECORD)
def appointment_outcome(request, appointment_id):
    appointment = queries.find_appointment(request.actor, appointment_id)
    recorded = appointment.outcome != Appointment.Outcome.NOT_RECORDED
    initial = {"outcome": appointment.outcome if recorded else "", "notes": appointment.notes}
    form = forms.OutcomeForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = service_errors_on(
            form,
            lambda: appointment_services.record_outcome(
                request.actor, appointment_id=appointment.public_id, **form.cleaned_data
            ),
        )
        if saved:
            return done(request, appointment.case, "Outcome recorded")
    when = f"{appointment.get_kind_display()}, {queries.local_date(appointment.starts_at):%d %B %Y}"
    return form_page(
        request,
        form,
        person=appointment.case.person,
        title="Change the outcome" if recorded else "Record the outcome",
        lead=when,
        button="Save outcome",
        back=case_url(appointment.case),
    )


urlpatterns = [
    path("", caseload, name="caseload"),
    path("people/<str:person_id>/", person_cases, name="person_cases"),
    path("people/<str:person_id>/open/", case_open, name="case_open"),
    path("cases/<str:case_id>/", case, name="case"),
    path("cases/<str:case_id>/allocate/", case_allocate, name="case_allocate"),
    path("cases/<str:case_id>/level/", case_level, name="case_level"),
    path("cases/<str:case_id>/close/", case_close, name="case_close"),
    path("cases/<str:case_id>/requirements/new/", requirement_new, name="requirement_new"),
    path("cases/<str:case_id>/appointments/new/", appointment_new, name="appointment_new"),
    path("requirements/<str:requirement_id>/end/", requirement_end, name="requirement_end"),
    path("appointments/<str:appointment_id>/outcome/", appointment_outcome, name="appointment_outcome"),
]
