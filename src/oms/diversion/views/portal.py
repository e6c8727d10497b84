"""The participant portal (diversion.use_portal): the participant's own requirements and progress, hours
logging, check-in and messages from the coordinator.

Nothing here takes a person or participation id from the URL: the participant is always
``portal_person(request.actor)``; a requirement or message id of anyone else answers 404.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.shortcuts import redirect, render
from django.urls import path, reverse

from oms.core.errors import NotFound
from oms.diversion.forms import portal as forms
from oms.diversion.queries import portal as queries
from oms.diversion.services import messages as message_services
from oms.diversion.services import portal as services
from oms.web.access import page
from oms.web.forms import posted, service_errors_on

USE_PORTAL = "diversion.use_portal"


def home_url() -> str:
    return reverse("diversion:portal")


def _form(request, form, *, title: str, button: str, lead: str = ""):
    return render(
        request,
        "diversion/form_page.html",
        {"form": form, "person": None, "title": title, "button": button, "lead": lead, "back": home_url()},
        status=422 if form.errors else 200,
    )


@page(USE_PORTAL)
def portal(request):
    try:
        found = queries.overview(request.actor)
    except NotFound as error:
        if error.code != "diversion.participation_not_found":
            raise
        # The participant role also serves people under supervision only: a plain answer, not a 404 page.
        return render(request, "diversion/portal_none.html")
    p = found.detail.participation
    return render(
        request,
        "diversion/portal.html",
        {"o": found, "detail": found.detail, "p": p, "is_active": p.state == "active"},
    )


@page(USE_PORTAL)
def log_hours(request, requirement_id):
    requirement = queries.my_requirement(request.actor, requirement_id)
    form = forms.PortalHoursForm(posted(request))
    if request.method == "POST" and form.is_valid():
        made = service_errors_on(
            form,
            lambda: services.log_own_hours(request.actor, requirement_id=requirement.public_id, **form.cleaned_data),
        )
        if made:
            flash.success(request, "Hours logged: your coordinator will check them with the placement")
            return redirect(home_url())
    return _form(
        request,
        form,
        title="Log community service hours",
        button="Log hours",
        lead="Your coordinator checks the hours with the place you worked before they count.",
    )


@page(USE_PORTAL)
def check_in(request):
    form = forms.CheckInForm(posted(request))
    if request.method == "POST" and form.is_valid():
        made = service_errors_on(form, lambda: services.check_in(request.actor, **form.cleaned_data))
        if made:
            flash.success(request, "Checked in: thank you")
            return redirect(home_url())
    return _form(request, form, title="Check in", button="Check in")


@page(USE_PORTAL)
def message(request, message_id):
    # Opening a message is reading it, as in any inbox.
    found = message_services.read_message(request.actor, message_id=message_id)
    return render(request, "diversion/portal_message.html", {"message": found})


urlpatterns = [
    path("portal/", portal, name="portal"),
    path("portal/requirements/<str:requirement_id>/hours/new/", log_hours, name="portal_hours_new"),
    path("portal/check-in/", check_in, name="portal_check_in"),
    path("portal/messages/<str:message_id>/", message, name="portal_message"),
]
