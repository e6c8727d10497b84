"""Pages for remote check-ins. Officers: set the schedule on a case, review a submitted check-in, see its
photo. Participants (supervision.use_portal): the portal home (next appointments, check-ins open now)
and the check-in form. Portal pages never take a person from the URL: the person is always
``portal_person(actor)``, and a check-in id of anyone else's answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from oms.core import clock
from oms.core.errors import Conflict
from oms.people.views import _PhotoSizeLimit
from oms.supervision.forms import checkins as forms
from oms.supervision.queries import cases as case_queries
from oms.supervision.queries import checkins as queries
from oms.supervision.rules.checkins import FLAG_LABELS, SURVEY
from oms.supervision.services import checkins as services
from oms.supervision.views.cases import case_url, done, form_page
from oms.web.access import page
from oms.web.forms import posted, service_errors_on

VIEW = "supervision.view"
RECORD = "supervision.record_contacts"
USE_PORTAL = "supervision.use_portal"


def answers_shown(check_in) -> list[tuple[str, str]]:
    """The survey answers as (question, answer label) for the review page."""
    rows = []
    for key, (question, choices) in SURVEY.items():
        rows.append((question, dict(choices).get(check_in.answers.get(key), "Not answered")))
    return rows


# --- officers ------------------------------------------------------------------------------------


@page(RECORD)
def schedule_set(request, case_id):
    found = case_queries.find_case(request.actor, case_id)
    current = queries.active_schedule(found)
    initial = {"window_hours": 72, "starts_on": clock.today()}
    if current:
        initial.update(frequency=current.frequency, window_hours=current.window_hours)
    form = forms.ScheduleForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = service_errors_on(
            form, lambda: services.set_schedule(request.actor, case_id=found.public_id, **form.cleaned_data)
        )
        if saved:
            return done(request, found, f"Check-ins set: {saved.get_frequency_display().lower()}")
    lead = (
        f"Now {current.get_frequency_display().lower()} from {current.starts_on:%d %B %Y}; saving replaces it."
        if current
        else "The person completes each check-in on the participant portal."
    )
    return form_page(
        request, form, person=found.person, title="Remote check-ins", lead=lead, button="Save", back=case_url(found)
    )


@page(RECORD)
def schedule_end(request, case_id):
    """POST only (the button on the case page): stop opening check-ins."""
    found = case_queries.find_case(request.actor, case_id)
    if request.method == "POST":
        try:
            services.end_schedule(request.actor, case_id=found.public_id)
        except Conflict as error:
            messages.error(request, error.detail)
            return redirect(case_url(found))
        return done(request, found, "Check-ins stopped")
    return redirect(case_url(found))


@page(RECORD)
def check_in_review(request, check_in_id):
    check_in = queries.get_check_in(request.actor, check_in_id)
    form = forms.ReviewForm(posted(request), initial={"version": check_in.version})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            saved = service_errors_on(
                form,
                lambda: services.review_check_in(request.actor, check_in_id=check_in.public_id, **form.cleaned_data),
            )
            if saved:
                return done(request, check_in.case, "Check-in reviewed")
        status = 422
    return render(
        request,
        "supervision/check_in_review.html",
        {
            "check_in": check_in,
            "case": check_in.case,
            "person": check_in.case.person,
            "answers": answers_shown(check_in),
            "flags": [FLAG_LABELS.get(f, f) for f in check_in.flags],
            "form": form,
            "can_review": check_in.state == "submitted",
            "back": case_url(check_in.case),
        },
        status=status,
    )


@page(VIEW)
def check_in_photo(request, check_in_id):
    """The check-in photo, served as an attachment under a sandbox CSP like the person's photograph."""
    check_in = queries.find_check_in(request.actor, check_in_id)
    if not check_in.photo_content_type:
        return HttpResponse(status=404)
    response = HttpResponse(bytes(check_in.photo), content_type=check_in.photo_content_type)
    extension = "png" if check_in.photo_content_type == "image/png" else "jpg"
    response["Content-Disposition"] = f'attachment; filename="check-in.{extension}"'
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# --- the participant portal ----------------------------------------------------------------------


@page(USE_PORTAL)
def portal(request):
    home = queries.portal_home(request.actor)
    return render(request, "supervision/portal.html", {"home": home, "person": home.person})


# The size limit is enforced while the upload streams (people's photo handler), which must be installed
# before CSRF reads the body; CSRF is checked just below.
@csrf_exempt
@page(USE_PORTAL)
def portal_check_in(request, check_in_id):
    request.upload_handlers.insert(0, _PhotoSizeLimit(request))
    return _portal_check_in(request, check_in_id)


@csrf_protect
def _portal_check_in(request, check_in_id):
    check_in = queries.own_check_in(request.actor, check_in_id)
    data, files = posted(request, files=True)
    form = forms.CheckInForm(data, files)
    status = 200
    if getattr(request, "oms_upload_too_large", False):
        form = forms.CheckInForm(data)
        form.is_valid()
        form.add_error("photo", "The photo must be smaller than 2 MB")
        status = 422
    elif request.method == "POST":
        if form.is_valid():
            saved = service_errors_on(
                form,
                lambda: services.submit_check_in(request.actor, check_in_id=check_in.public_id, **form.values()),
            )
            if saved:
                messages.success(request, "Check-in sent to your officer. Thank you.")
                return redirect(reverse("supervision:portal"))
        status = 422
    return render(
        request,
        "supervision/portal_check_in.html",
        {"form": form, "check_in": check_in, "back": reverse("supervision:portal")},
        status=status,
    )


urlpatterns = [
    path("portal/", portal, name="portal"),
    path("portal/check-ins/<str:check_in_id>/", portal_check_in, name="portal_check_in"),
    path("cases/<str:case_id>/check-ins/schedule/", schedule_set, name="check_in_schedule"),
    path("cases/<str:case_id>/check-ins/stop/", schedule_end, name="check_in_schedule_end"),
    path("check-ins/<str:check_in_id>/review/", check_in_review, name="check_in_review"),
    path("check-ins/<str:check_in_id>/photo/", check_in_photo, name="check_in_photo"),
]
