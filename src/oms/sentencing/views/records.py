"""The legal record pages: the person's legal record (court cases with hearings and charges, sentences,
adjustments, warrants) and the forms to add and change court cases, hearings, charges and warrants.

Thin: each form page reads its record in scope, calls one service on POST and goes back to the legal
record, or shows the form again with its errors (GOV.UK error summary, status 422)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.people.models import Person
from oms.people.queries.records import find_person
from oms.sentencing.forms import records as forms
from oms.sentencing.queries import records as queries
from oms.sentencing.queries.sentences import sentence_label
from oms.sentencing.services import records as services
from oms.web.access import page
from oms.web.forms import posted, service_errors_on

MANAGE = "sentencing.manage_records"


def sentencing_profile_links(actor: Actor, person: Person) -> list[tuple[str, str]]:
    """The legal record link on the person's profile, for those who may read it (sentencing.view).
    The profile has already read the person in scope."""
    if not actor.has("sentencing.view"):
        return []
    return [("Legal record: court cases, sentences and warrants", legal_record_url(person))]


def legal_record_url(person: Person, anchor: str = "") -> str:
    url = reverse("sentencing:legal_record", kwargs={"person_id": person.public_id})
    return f"{url}#{anchor}" if anchor else url


def form_page(request, form, *, person: Person, title: str, button: str, lead: str = "", back: str = ""):
    return render(
        request,
        "sentencing/records/form_page.html",
        {
            "form": form,
            "person": person,
            "title": title,
            "button": button,
            "lead": lead,
            "back": back or legal_record_url(person),
        },
        status=422 if form.errors else 200,
    )


def done(request, person: Person, text: str, anchor: str):
    messages.success(request, text)
    return redirect(legal_record_url(person, anchor))


def _pounds(pence: int | None) -> str:
    if not pence:
        return ""
    return f"£{pence // 100:,}.{pence % 100:02d}"


@page("sentencing.view")
def legal_record(request, person_id):
    record = queries.legal_record(request.actor, person_id)
    followers = {}
    for sentence in record.sentences:
        if sentence.consecutive_to_id:
            followers.setdefault(sentence.consecutive_to_id, []).append(sentence)
    return render(
        request,
        "sentencing/records/legal_record.html",
        {
            "record": record,
            "person": record.person,
            "sentence_rows": [
                {
                    "sentence": s,
                    "consecutive_to": sentence_label(s.consecutive_to) if s.consecutive_to_id else "",
                    "followed_by": [sentence_label(f) for f in followers.get(s.pk, [])],
                    "fine": _pounds(s.fine_amount_pence),
                }
                for s in record.sentences
            ],
            "can_manage": request.actor.has(MANAGE),
            "can_adjust": request.actor.has("sentencing.manage_adjustments"),
        },
    )


# --- court cases ---------------------------------------------------------------------------------


@page(MANAGE)
def court_case_new(request, person_id):
    person = find_person(request.actor, person_id)
    form = forms.CourtCaseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        court_case = service_errors_on(
            form, lambda: services.create_court_case(request.actor, person_id=person.public_id, **form.cleaned_data)
        )
        if court_case:
            return done(request, person, f"Court case {court_case.case_number} added", f"case-{court_case.public_id}")
    return form_page(request, form, person=person, title="Add a court case", button="Add court case")


@page(MANAGE)
def court_case_change(request, court_case_id):
    court_case = queries.find_court_case(request.actor, court_case_id)
    initial = {
        "case_number": court_case.case_number,
        "court_name": court_case.court_name,
        "opened_on": court_case.opened_on,
        "status": court_case.status,
        "version": court_case.version,
    }
    form = forms.CourtCaseChangeForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        version = changes.pop("version")
        changed = service_errors_on(
            form,
            lambda: services.update_court_case(
                request.actor, court_case_id=court_case.public_id, version=version, changes=changes
            ),
        )
        if changed:
            return done(
                request, court_case.person, f"Court case {changed.case_number} changed", f"case-{changed.public_id}"
            )
    return form_page(
        request,
        form,
        person=court_case.person,
        title=f"Change court case {court_case.case_number}",
        button="Save changes",
    )


# --- hearings ------------------------------------------------------------------------------------


def _hearing_values(data: dict) -> dict:
    values = dict(data)
    day, time = values.pop("hearing_on"), values.pop("time")
    values["hearing_at"] = dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())
    return values


@page(MANAGE)
def hearing_new(request, court_case_id):
    court_case = queries.find_court_case(request.actor, court_case_id)
    form = forms.HearingForm(posted(request))
    if request.method == "POST" and form.is_valid():
        hearing = service_errors_on(
            form,
            lambda: services.add_hearing(
                request.actor, court_case_id=court_case.public_id, **_hearing_values(form.cleaned_data)
            ),
        )
        if hearing:
            return done(request, court_case.person, "Hearing added", f"case-{court_case.public_id}")
    return form_page(
        request,
        form,
        person=court_case.person,
        title=f"Add a hearing to {court_case.case_number}",
        button="Add hearing",
    )


@page(MANAGE)
def hearing_change(request, hearing_id):
    hearing = queries.find_hearing(request.actor, hearing_id)
    court_case = hearing.court_case
    local = timezone.localtime(hearing.hearing_at)
    initial = {
        "kind": hearing.kind,
        "hearing_on": local.date(),
        "time": local.strftime("%H:%M"),
        "court_name": hearing.court_name,
        "outcome": hearing.outcome,
        "outcome_notes": hearing.outcome_notes,
        "next_hearing_on": hearing.next_hearing_on,
    }
    form = forms.HearingForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = service_errors_on(
            form,
            lambda: services.update_hearing(
                request.actor, hearing_id=hearing.public_id, changes=_hearing_values(form.cleaned_data)
            ),
        )
        if changed:
            return done(request, court_case.person, "Hearing changed", f"case-{court_case.public_id}")
    return form_page(
        request, form, person=court_case.person, title="Change a hearing or record its outcome", button="Save"
    )


# --- charges -------------------------------------------------------------------------------------


@page(MANAGE)
def charge_new(request, court_case_id):
    court_case = queries.find_court_case(request.actor, court_case_id)
    form = forms.ChargeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        charge = service_errors_on(
            form, lambda: services.add_charge(request.actor, court_case_id=court_case.public_id, **form.cleaned_data)
        )
        if charge:
            return done(
                request, court_case.person, f"Charge {charge.offence.code} added", f"case-{court_case.public_id}"
            )
    return form_page(
        request, form, person=court_case.person, title=f"Add a charge to {court_case.case_number}", button="Add charge"
    )


@page(MANAGE)
def charge_change(request, charge_id):
    charge = queries.find_charge(request.actor, charge_id)
    court_case = charge.court_case
    initial = {
        "offence_code": charge.offence.code,
        "count_number": charge.count_number,
        "committed_from": charge.committed_from,
        "committed_to": charge.committed_to,
        "plea": charge.plea,
        "outcome": charge.outcome,
        "outcome_on": charge.outcome_on,
        "particulars": charge.particulars,
    }
    form = forms.ChargeForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = service_errors_on(
            form, lambda: services.update_charge(request.actor, charge_id=charge.public_id, changes=form.cleaned_data)
        )
        if changed:
            return done(
                request, court_case.person, f"Charge {changed.offence.code} changed", f"case-{court_case.public_id}"
            )
    return form_page(
        request, form, person=court_case.person, title=f"Change count {charge.count_number}", button="Save"
    )


# --- warrants ------------------------------------------------------------------------------------


@page(MANAGE)
def warrant_new(request, person_id):
    person = find_person(request.actor, person_id)
    cases = [(str(c.public_id), f"{c.case_number} ({c.court_name})") for c in queries.court_cases_of(person)]
    form = forms.WarrantForm(posted(request), cases=cases)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values["court_case_id"] = values.pop("court_case") or None
        warrant = service_errors_on(
            form, lambda: services.record_warrant(request.actor, person_id=person.public_id, **values)
        )
        if warrant:
            return done(request, person, f"{warrant.get_kind_display()} {warrant.reference} recorded", "warrants")
    return form_page(request, form, person=person, title="Record a warrant or detainer", button="Record")


@page(MANAGE)
def warrant_end(request, warrant_id):
    warrant = queries.find_warrant(request.actor, warrant_id)
    if warrant.status != warrant.Status.ACTIVE:
        raise NotFound("This warrant is no longer active", code="sentencing.warrant_not_active")
    form = forms.WarrantEndForm(posted(request))
    if request.method == "POST" and form.is_valid():
        ended = service_errors_on(
            form, lambda: services.end_warrant(request.actor, warrant_id=warrant.public_id, **form.cleaned_data)
        )
        if ended:
            return done(
                request, warrant.person, f"{ended.get_kind_display()} {ended.reference} {ended.status}", "warrants"
            )
    return form_page(
        request,
        form,
        person=warrant.person,
        title=f"End {warrant.get_kind_display().lower()} {warrant.reference}",
        button="Save",
        lead=f"Issued by {warrant.issued_by} on {warrant.issued_on:%-d %B %Y}.",
    )


urlpatterns = [
    path("people/<str:person_id>/", legal_record, name="legal_record"),
    path("people/<str:person_id>/court-cases/new", court_case_new, name="court_case_new"),
    path("court-cases/<str:court_case_id>/change", court_case_change, name="court_case_change"),
    path("court-cases/<str:court_case_id>/hearings/new", hearing_new, name="hearing_new"),
    path("hearings/<str:hearing_id>/change", hearing_change, name="hearing_change"),
    path("court-cases/<str:court_case_id>/charges/new", charge_new, name="charge_new"),
    path("charges/<str:charge_id>/change", charge_change, name="charge_change"),
    path("people/<str:person_id>/warrants/new", warrant_new, name="warrant_new"),
    path("warrants/<str:warrant_id>/end", warrant_end, name="warrant_end"),
]
