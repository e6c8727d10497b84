"""Pages for diversion coordinators: programmes, referral intake, the participant's page (requirements,
progress, ledger, the action forms) and the compliance report, on screen and as PDF.

Thin: each form page reads its record in scope, calls one service on POST and goes back to the
participant, or shows the form again with its errors (GOV.UK error summary, status 422).
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse

from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.diversion.forms import participations as forms
from oms.diversion.models import Participation, Requirement
from oms.diversion.queries import participations as queries
from oms.diversion.services import participations as services
from oms.diversion.services import progress as progress_services
from oms.diversion.views.report_pdf import compliance_pdf
from oms.people.queries.records import get_person_by_system_number
from oms.web.access import page
from oms.web.forms import posted, service_errors_on

VIEW = "diversion.view"
REFER = "diversion.refer"
MANAGE = "diversion.manage"
RECORD = "diversion.record_progress"
VERIFY = "diversion.verify_hours"
MANAGE_PROGRAMMES = "diversion.manage_programmes"


def participant_url(p: Participation) -> str:
    return reverse("diversion:participant", kwargs={"participation_id": p.public_id})


def done(request, p: Participation, text: str):
    messages.success(request, text)
    return redirect(participant_url(p))


def form_page(request, form, *, p: Participation | None, title: str, button: str, back: str, lead: str = ""):
    return render(
        request,
        "diversion/form_page.html",
        {"form": form, "person": p.person if p else None, "title": title, "button": button, "lead": lead, "back": back},
        status=422 if form.errors else 200,
    )


# --- lists ---------------------------------------------------------------------------------------


@page(VIEW)
def programmes(request):
    found = queries.list_programmes(request.actor)
    counts: dict = {}
    for p in queries.participations_in_scope(request.actor).values_list("programme_id", "state"):
        counts.setdefault(p[0], {}).setdefault(p[1], 0)
        counts[p[0]][p[1]] += 1
    items = [
        {
            "programme": prog,
            "active": counts.get(prog.pk, {}).get("active", 0),
            "waiting": sum(counts.get(prog.pk, {}).get(s, 0) for s in ("referred", "eligible", "agreement_signed")),
            "completed": counts.get(prog.pk, {}).get("completed", 0),
            "terminated": counts.get(prog.pk, {}).get("terminated", 0),
        }
        for prog in found
    ]
    return render(
        request,
        "diversion/programmes.html",
        {
            "items": items,
            "can_refer": request.actor.has(REFER),
            "can_manage_programmes": request.actor.has("diversion.manage_programmes"),
        },
    )


@page(VIEW)
def programme(request, programme_id):
    found = queries.find_programme(request.actor, programme_id)
    participations = queries.list_participations(request.actor, programme_id=found.public_id)
    return render(request, "diversion/programme.html", {"programme": found, "participations": participations})


# --- intake --------------------------------------------------------------------------------------


@page(REFER)
def referral_new(request):
    form = forms.ReferralForm(posted(request), programmes=queries.list_programmes(request.actor))
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        number = values.pop("system_number")
        try:
            person = get_person_by_system_number(request.actor, number)
        except NotFound:
            form.add_error("system_number", "No person with this system number in your records")
            person = None
        if person is not None:
            made = service_errors_on(form, lambda: services.refer(request.actor, person_id=person.public_id, **values))
            if made:
                return done(request, made, "Referral recorded")
    return form_page(
        request, form, p=None, title="Record a referral", button="Record referral", back=reverse("diversion:programmes")
    )


# --- the participant -----------------------------------------------------------------------------


@page(VIEW)
def participant(request, participation_id):
    detail = queries.get_participation(request.actor, participation_id)
    p = detail.participation
    actor = request.actor
    return render(
        request,
        "diversion/participant.html",
        {
            "detail": detail,
            "p": p,
            "person": p.person,
            "can_manage": actor.has(MANAGE),
            "can_record": actor.has(RECORD),
            "can_verify": actor.has(VERIFY),
            "is_active": p.state == "active",
            "fee_balance": queries.format_minor(detail.fee_balance_minor),
            "ledger": [{"entry": e, "amount": queries.format_minor(e.amount_minor)} for e in detail.ledger],
            "participant_messages": list(p.messages.order_by("-sent_at", "-id")),
            "portal_check_ins": list(p.portal_check_ins.order_by("-on", "-id")[:20]),
        },
    )


@page(VIEW)
def report(request, participation_id):
    detail = queries.get_participation(request.actor, participation_id, purpose="compliance_report")
    return render(
        request,
        "diversion/report.html",
        {"detail": detail, "p": detail.participation, "person": detail.participation.person},
    )


@page(VIEW)
def report_pdf(request, participation_id):
    detail = queries.get_participation(request.actor, participation_id, purpose="compliance_report_pdf")
    body = compliance_pdf(detail, prepared_by=request.user.get_full_name() or request.user.get_username())
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="compliance-{detail.participation.person.system_number}.pdf"'
    return response


def _versioned(request, participation_id, form_class, call, *, title: str, button: str, message: str, lead: str = ""):
    found = queries.find_participation(request.actor, participation_id)
    form = form_class(posted(request), initial={"version": found.version})
    if request.method == "POST" and form.is_valid():
        result = service_errors_on(form, lambda: call(found, dict(form.cleaned_data)))
        if result is not None:
            return done(request, found, message)
    return form_page(request, form, p=found, title=title, button=button, back=participant_url(found), lead=lead)


@page(MANAGE)
def assess(request, participation_id):
    return _versioned(
        request,
        participation_id,
        forms.AssessmentForm,
        lambda p, v: services.assess_eligibility(
            request.actor, participation_id=p.public_id, **{k: (x if x != "" else None) for k, x in v.items()}
        ),
        title="Assess eligibility",
        button="Assess",
        message="Eligibility assessed",
        lead=(
            "Each of the programme's criteria is checked; a fact not given leaves that criterion unknown, "
            "which is not a pass."
        ),
    )


@page(MANAGE)
def agreement(request, participation_id):
    found = queries.find_participation(request.actor, participation_id)
    form = forms.AgreementForm(posted(request), initial={"version": found.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signed = service_errors_on(
            form,
            lambda: services.sign_agreement(
                request.actor,
                participation_id=found.public_id,
                version=data["version"],
                requirements=form.requirements(),
                signed_on=data["signed_on"],
                household_income_minor=data["household_income"],
                household_size=data["household_size"],
                means_tested_benefit=data["means_tested_benefit"],
            ),
        )
        if signed:
            return done(request, found, "Agreement recorded")
    return form_page(
        request,
        form,
        p=found,
        title="Record the signed agreement",
        button="Record agreement",
        back=participant_url(found),
        lead=(
            "Give a target and a due date for each requirement chosen; leave both empty to leave it out. "
            "Amounts like 45.50."
        ),
    )


@page(MANAGE)
def start(request, participation_id):
    return _versioned(
        request,
        participation_id,
        forms.VersionForm,
        lambda p, v: services.start(request.actor, participation_id=p.public_id, **v),
        title="Start the programme",
        button="Start",
        message="Programme started",
    )


@page(MANAGE)
def complete(request, participation_id):
    return _versioned(
        request,
        participation_id,
        forms.OutcomeForm,
        lambda p, v: services.complete(request.actor, participation_id=p.public_id, **v),
        title="Complete: recommend dismissal",
        button="Complete",
        message="Completed: dismissal recommended",
    )


@page(MANAGE)
def terminate(request, participation_id):
    return _versioned(
        request,
        participation_id,
        forms.TerminateForm,
        lambda p, v: services.terminate(request.actor, participation_id=p.public_id, **v),
        title="Terminate: return to prosecution",
        button="Terminate",
        message="Terminated: returned to prosecution",
    )


@page(RECORD)
def ledger_new(request, participation_id):
    found = queries.find_participation(request.actor, participation_id)
    restitution = found.requirements.filter(kind=Requirement.Kind.RESTITUTION)
    form = forms.LedgerForm(posted(request), restitution=restitution)
    if request.method == "POST" and form.is_valid():
        made = service_errors_on(
            form,
            lambda: progress_services.record_ledger_entry(
                request.actor, participation_id=found.public_id, **form.cleaned_data
            ),
        )
        if made:
            return done(request, found, "Ledger entry recorded")
    return form_page(
        request, form, p=found, title="Record a payment, charge or waiver", button="Record", back=participant_url(found)
    )


def _requirement_form(request, requirement_id, form_class, call, *, title: str, message: str):
    requirement = queries.find_requirement(request.actor, requirement_id)
    form = form_class(posted(request))
    if request.method == "POST" and form.is_valid():
        made = service_errors_on(form, lambda: call(requirement, dict(form.cleaned_data)))
        if made:
            return done(request, requirement.participation, message)
    return form_page(
        request,
        form,
        p=requirement.participation,
        title=f"{title}: {queries.requirement_label(requirement)}",
        button="Record",
        back=participant_url(requirement.participation),
    )


@page(RECORD)
def hours_new(request, requirement_id):
    return _requirement_form(
        request,
        requirement_id,
        forms.HoursForm,
        lambda r, v: progress_services.log_hours(request.actor, requirement_id=r.public_id, **v),
        title="Log hours",
        message="Hours logged",
    )


@page(RECORD)
def attendance_new(request, requirement_id):
    return _requirement_form(
        request,
        requirement_id,
        forms.AttendanceForm,
        lambda r, v: progress_services.record_attendance(request.actor, requirement_id=r.public_id, **v),
        title="Record attendance",
        message="Attendance recorded",
    )


@page(MANAGE)
def new_arrest(request, requirement_id):
    return _requirement_form(
        request,
        requirement_id,
        forms.NewArrestForm,
        lambda r, v: progress_services.record_new_arrest(request.actor, requirement_id=r.public_id, **v),
        title="Record a new arrest",
        message="New arrest recorded",
    )


@page(VERIFY)
def verify_hours(request, entry_id):
    if request.method != "POST":
        entry = queries.find_hours_entry(request.actor, entry_id)
        return redirect(participant_url(entry.requirement.participation))
    entry = queries.find_hours_entry(request.actor, entry_id)
    try:
        progress_services.verify_hours(request.actor, entry_id=entry.public_id)
        messages.success(request, "Hours verified")
    except (RuleViolation, Conflict) as error:  # shown on the participant page
        transaction.set_rollback(True)
        messages.error(request, error.detail)
    return redirect(participant_url(entry.requirement.participation))


urlpatterns = [
    path("", programmes, name="programmes"),
    path("programmes/<str:programme_id>/", programme, name="programme"),
    path("referrals/new/", referral_new, name="referral_new"),
    path("participants/<str:participation_id>/", participant, name="participant"),
    path("participants/<str:participation_id>/report/", report, name="report"),
    path("participants/<str:participation_id>/report.pdf", report_pdf, name="report_pdf"),
    path("participants/<str:participation_id>/assess/", assess, name="assess"),
    path("participants/<str:participation_id>/agreement/", agreement, name="agreement"),
    path("participants/<str:participation_id>/start/", start, name="start"),
    path("participants/<str:participation_id>/complete/", complete, name="complete"),
    path("participants/<str:participation_id>/terminate/", terminate, name="terminate"),
    path("participants/<str:participation_id>/ledger/new/", ledger_new, name="ledger_new"),
    path("requirements/<str:requirement_id>/hours/new/", hours_new, name="hours_new"),
    path("requirements/<str:requirement_id>/attendance/new/", attendance_new, name="attendance_new"),
    path("requirements/<str:requirement_id>/new-arrest/", new_arrest, name="new_arrest"),
    path("hours/<str:entry_id>/verify/", verify_hours, name="verify_hours"),
]
