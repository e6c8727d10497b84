"""Pages: a facility's sessions for a day, a session's register (everyone marked on one screen with one
submit; htmx swaps only the register), a correction of one mark, cancelling and generating sessions,
an allocation's progress notes with completion or non-completion, qualifications, and the person's
rehabilitation progress (page and profile panel, ``progress_panel``, registered in
``RehabilitationConfig.ready``).

Thin: each page parses a form, calls one service or query, and renders. Everything works without
JavaScript.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.people.models import Person
from oms.people.queries import ProfileFact, ProfilePanel, find_person
from oms.rehabilitation.forms import attendance as forms
from oms.rehabilitation.models import Allocation
from oms.rehabilitation.queries import attendance as queries
from oms.rehabilitation.queries import progress as progress_queries
from oms.rehabilitation.services import attendance as services
from oms.rehabilitation.services import completion as completion_services
from oms.rehabilitation.services import sessions as session_services
from oms.web.access import page
from oms.web.forms import posted


def _service_errors_on(form, call, field_for=None):
    """Run a service call in a savepoint; put a rule or conflict error on the field it names (or the
    whole form) so nothing typed is lost."""
    try:
        with transaction.atomic():
            return call()
    except (RuleViolation, Conflict) as error:
        name = field_for(error.field) if field_for else error.field
        form.add_error(name if name in form.fields else None, error.detail)
        return None


def _day(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else clock.today()
    except ValueError:
        return clock.today()


# --- sessions --------------------------------------------------------------------------------------


@page("rehabilitation.view")
def sessions_day(request, site_id):
    """The facility's sessions on a day (``?on=YYYY-MM-DD``, default today), each with people expected and marked."""
    on = _day(request.GET.get("on"))
    site, sessions = queries.sessions_on(request.actor, site_id, on)
    return render(
        request,
        "rehabilitation/attendance/sessions_day.html",
        {
            "site": site,
            "on": on,
            "sessions": sessions,
            "previous_day": on - dt.timedelta(days=1) if on > dt.date.min else on,
            "next_day": on + dt.timedelta(days=1) if on < dt.date.max else on,
        },
    )


@page("rehabilitation.view")
def session_register(request, session_id):
    """The register: one row per person with a place that day, an outcome and an optional note each,
    "mark everyone not yet marked as attended", and one submit for the whole session."""
    actor = request.actor
    session = queries.get_session(actor, session_id)
    register = queries.session_register(actor, session_id, session=session)
    fill = request.method == "POST" and request.POST.get("action") == "fill_attended"
    data = posted(request) if request.method == "POST" and not fill else None
    if data is not None:
        actor.require("rehabilitation.record_attendance")
    form = forms.SessionRegisterForm(data, register=register, fill_attended=fill)
    if form.is_bound and form.is_valid():
        marks = form.marks()
        if not marks:
            form.add_error(None, "Select an outcome for at least one person")
        else:
            recorded = _service_errors_on(
                form,
                lambda: services.record_session_attendance(actor, session_id=session.public_id, marks=marks),
                form.field_for,
            )
            if recorded is not None:
                text = f"Attendance recorded for {len(recorded.created)} people"
                if recorded.corrected:
                    text += f"; {len(recorded.corrected)} corrected"
                messages.success(request, text + ".")
                if not request.htmx:
                    return redirect("rehabilitation:session_register", session_id=session.public_id)
                register = queries.session_register(actor, session_id, session=session)
                form = forms.SessionRegisterForm(None, register=register)
    context = {
        "session": session,
        "register": register,
        "form": form,
        "can_record": actor.has("rehabilitation.record_attendance"),
        "can_manage": actor.has("rehabilitation.manage_catalogue"),
    }
    template = "rehabilitation/attendance/_register.html" if request.htmx else "rehabilitation/attendance/register.html"
    return render(request, template, context, status=422 if form.errors else 200)


@page("rehabilitation.record_attendance")
def correct_mark(request, session_id, allocation_id):
    """Correct one person's mark; the version read travels with the form (409-style error if it moved)."""
    actor = request.actor
    session = queries.get_session(actor, session_id, permission="rehabilitation.record_attendance")
    register = queries.session_register(actor, session_id, session=session)
    row = next((r for r in register.rows if str(r.allocation.public_id) == str(allocation_id) and r.mark), None)
    if row is None:
        messages.error(request, "This person has no mark to correct.")
        return redirect("rehabilitation:session_register", session_id=session.public_id)
    initial = {"outcome": row.mark.outcome, "note": row.mark.note, "version": row.mark.version}
    form = forms.CorrectMarkForm(posted(request), initial=initial)
    if form.is_bound and form.is_valid():
        done = _service_errors_on(
            form,
            lambda: services.correct_attendance(
                actor, session_id=session.public_id, allocation_id=row.allocation.public_id, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, f"Mark for {row.person.full_name} corrected.")
            return redirect("rehabilitation:session_register", session_id=session.public_id)
    return render(
        request,
        "rehabilitation/attendance/form_page.html",
        {
            "form": form,
            "title": f"Correct the mark for {row.person.full_name}",
            "caption": f"{session.programme.title}, {session.on:%-d %B %Y} {session.start:%H:%M}",
            "button": "Save correction",
            "back": reverse("rehabilitation:session_register", kwargs={"session_id": session.public_id}),
        },
        status=422 if form.errors else 200,
    )


@page("rehabilitation.manage_catalogue")
def cancel_session(request, session_id):
    session = queries.get_session(request.actor, session_id, permission="rehabilitation.manage_catalogue")
    form = forms.CancelSessionForm(posted(request))
    if form.is_bound and form.is_valid():
        done = _service_errors_on(
            form,
            lambda: session_services.cancel_session(
                request.actor, session_id=session.public_id, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, "Session cancelled.")
            return redirect("rehabilitation:session_register", session_id=session.public_id)
    return render(
        request,
        "rehabilitation/attendance/form_page.html",
        {
            "form": form,
            "title": "Cancel the session",
            "caption": f"{session.programme.title}, {session.on:%-d %B %Y} {session.start:%H:%M}",
            "button": "Cancel the session",
            "back": reverse("rehabilitation:session_register", kwargs={"session_id": session.public_id}),
        },
        status=422 if form.errors else 200,
    )


@page("rehabilitation.manage_catalogue")
def generate_sessions(request, programme_id):
    programme = queries.get_programme(request.actor, programme_id, permission="rehabilitation.manage_catalogue")
    form = forms.GenerateSessionsForm(posted(request))
    if form.is_bound and form.is_valid():
        made = _service_errors_on(
            form,
            lambda: session_services.generate_sessions(
                request.actor, programme_id=programme.public_id, **form.cleaned_data
            ),
        )
        if made is not None:
            messages.success(request, f"{len(made)} sessions added.")
            return redirect(
                reverse("rehabilitation:sessions_day", kwargs={"site_id": programme.facility.public_id})
                + f"?on={form.cleaned_data['from_date'].isoformat()}"
            )
    return render(
        request,
        "rehabilitation/attendance/form_page.html",
        {
            "form": form,
            "title": "Add sessions from the timetable",
            "caption": str(programme),
            "button": "Add sessions",
            "back": reverse("rehabilitation:sessions_day", kwargs={"site_id": programme.facility.public_id}),
        },
        status=422 if form.errors else 200,
    )


# --- an allocation: progress notes and completion -------------------------------------------------


@page("rehabilitation.view")
def allocation_progress(request, allocation_id):
    """An allocation's attendance rate and progress notes, with the note form and the end buttons."""
    actor = request.actor
    allocation, notes = queries.progress_notes(actor, allocation_id)
    form = forms.ProgressNoteForm(posted(request))
    if form.is_bound:
        actor.require("rehabilitation.record_attendance")
        if form.is_valid():
            note = _service_errors_on(
                form,
                lambda: services.add_progress_note(
                    actor, allocation_id=allocation.public_id, text=form.cleaned_data["text"]
                ),
            )
            if note is not None:
                messages.success(request, "Progress note added.")
                return redirect("rehabilitation:allocation_progress", allocation_id=allocation.public_id)
    return render(
        request,
        "rehabilitation/attendance/allocation.html",
        {
            "allocation": allocation,
            "notes": notes,
            "form": form,
            "rate": progress_queries.attendance_rate(allocation_id=allocation.pk),
            "can_record": actor.has("rehabilitation.record_attendance"),
            "is_live": allocation.status in Allocation.LIVE_STATUSES,
        },
        status=422 if form.errors else 200,
    )


def _allocation_page(request, allocation, form, *, title, button):
    return render(
        request,
        "rehabilitation/attendance/form_page.html",
        {
            "form": form,
            "title": title,
            "caption": f"{allocation.person.full_name}: {allocation.programme}",
            "button": button,
            "back": reverse("rehabilitation:allocation_progress", kwargs={"allocation_id": allocation.public_id}),
        },
        status=422 if form.errors else 200,
    )


@page("rehabilitation.record_attendance")
def complete(request, allocation_id):
    actor = request.actor
    allocation = queries.get_allocation(actor, allocation_id, permission="rehabilitation.record_attendance")
    initial = {"version": allocation.version, "title": allocation.programme.qualification}
    initial["with_qualification"] = bool(allocation.programme.qualification)
    form = forms.CompleteForm(posted(request), initial=initial)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        qualification = None
        if data["with_qualification"]:
            qualification = {k: data[k] for k in ("title", "awarding_body", "level", "certificate_number")}
        done = _service_errors_on(
            form,
            lambda: completion_services.complete_allocation(
                actor,
                allocation_id=allocation.public_id,
                ended_on=data["ended_on"],
                version=data["version"],
                detail=data["detail"],
                qualification=qualification,
            ),
        )
        if done is not None:
            messages.success(request, f"{allocation.person.full_name} completed {allocation.programme.title}.")
            return redirect("rehabilitation:allocation_progress", allocation_id=allocation.public_id)
    return _allocation_page(request, allocation, form, title="Record completion", button="Record completion")


@page("rehabilitation.record_attendance")
def not_completed(request, allocation_id):
    actor = request.actor
    allocation = queries.get_allocation(actor, allocation_id, permission="rehabilitation.record_attendance")
    form = forms.NotCompletedForm(posted(request), initial={"version": allocation.version})
    if form.is_bound and form.is_valid():
        done = _service_errors_on(
            form,
            lambda: completion_services.end_not_completed(
                actor, allocation_id=allocation.public_id, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, "The place was ended as not completed.")
            return redirect("rehabilitation:allocation_progress", allocation_id=allocation.public_id)
    return _allocation_page(request, allocation, form, title="Record non-completion", button="End the place")


# --- the person's progress -------------------------------------------------------------------------


def _progress_url(person) -> str:
    return reverse("rehabilitation:progress", kwargs={"person_id": person.public_id})


@page("rehabilitation.view")
def progress(request, person_id):
    """Needs, plan, programmes in progress and done, qualifications and attendance rate."""
    data = progress_queries.person_progress(request.actor, person_id)
    return render(
        request,
        "rehabilitation/progress/progress.html",
        {"progress": data, "person": data.person, "can_record": request.actor.has("rehabilitation.record_attendance")},
    )


@page("rehabilitation.record_attendance")
def add_qualification(request, person_id):
    actor = request.actor
    actor.require("rehabilitation.record_attendance")
    person = find_person(actor, person_id)
    form = forms.QualificationForm(posted(request))
    if form.is_bound and form.is_valid():
        made = _service_errors_on(
            form,
            lambda: completion_services.record_qualification(actor, person_id=person.public_id, **form.cleaned_data),
        )
        if made is not None:
            messages.success(request, "Qualification recorded.")
            return redirect("rehabilitation:progress", person_id=person.public_id)
    return render(
        request,
        "rehabilitation/attendance/form_page.html",
        {
            "form": form,
            "title": "Record a qualification",
            "caption": person.full_name,
            "button": "Record qualification",
            "back": _progress_url(person),
        },
        status=422 if form.errors else 200,
    )


def progress_panel(actor: Actor, person: Person) -> ProfilePanel | None:
    """The person's rehabilitation progress on their profile (rehabilitation.view only)."""
    if not actor.has("rehabilitation.view"):
        return None
    data = progress_queries.progress_for(person)
    facts = []
    if data.needs:
        facts.append(ProfileFact("Current needs", ", ".join(f"{n.label} ({n.level})" for n in data.needs)))
    if data.plan:
        review = f"; next review {data.plan.next_review_on:%-d %B %Y}" if data.plan.next_review_on else ""
        facts.append(
            ProfileFact("Case plan", f"{data.plan.goals_open} goals open, {data.plan.goals_achieved} achieved{review}")
        )
    if data.in_progress:
        facts.append(
            ProfileFact("Programmes in progress", ", ".join(p.allocation.programme.title for p in data.in_progress))
        )
    if data.done:
        completed = [p for p in data.done if p.allocation.status == Allocation.Status.COMPLETED]
        facts.append(
            ProfileFact(
                "Programmes done", f"{len(completed)} completed, {len(data.done) - len(completed)} not completed"
            )
        )
    if data.qualifications:
        facts.append(ProfileFact("Qualifications", ", ".join(q.title for q in data.qualifications[:5])))
    if data.rate.counted:
        facts.append(ProfileFact("Attendance rate", data.rate.text, hint="attended out of attended or refused"))
    links = (("Rehabilitation progress", _progress_url(person)),)
    return ProfilePanel(
        title="Rehabilitation", facts=tuple(facts), empty_text="No rehabilitation recorded yet.", links=links
    )


urlpatterns = [
    path("sites/<str:site_id>/sessions/", sessions_day, name="sessions_day"),
    path("sessions/<str:session_id>/", session_register, name="session_register"),
    path("sessions/<str:session_id>/cancel/", cancel_session, name="session_cancel"),
    path("sessions/<str:session_id>/marks/<str:allocation_id>/", correct_mark, name="attendance_correct"),
    path("programmes/<str:programme_id>/sessions/generate/", generate_sessions, name="sessions_generate"),
    path("allocations/<str:allocation_id>/progress/", allocation_progress, name="allocation_progress"),
    path("allocations/<str:allocation_id>/complete/", complete, name="allocation_complete"),
    path("allocations/<str:allocation_id>/not-completed/", not_completed, name="allocation_not_completed"),
    path("people/<str:person_id>/progress/", progress, name="progress"),
    path("people/<str:person_id>/qualifications/add/", add_qualification, name="qualification_add"),
]
