"""Setting up a programme (diversion.manage_programmes) at a diversion-programme site the actor reaches."""

from __future__ import annotations

from django.contrib import messages as flash
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse

from oms.core.errors import Conflict, RuleViolation
from oms.diversion.forms.programmes import ProgrammeForm
from oms.diversion.services import programmes as services
from oms.facilities.models import Site
from oms.web.access import page
from oms.web.forms import posted

MANAGE_PROGRAMMES = "diversion.manage_programmes"


def sites_for(actor) -> list[Site]:
    found = Site.objects.filter(kind=Site.Kind.DIVERSION_PROGRAMME, active=True).order_by("name", "id")
    return [s for s in found if actor.can_reach_site(s.pk, s.organisation_id)]


@page(MANAGE_PROGRAMMES)
def programme_new(request):
    form = ProgrammeForm(posted(request), sites=sites_for(request.actor))
    if request.method == "POST" and form.is_valid():
        try:
            made = services.create_programme(request.actor, **form.values())
        except (RuleViolation, Conflict) as error:
            transaction.set_rollback(True)
            # The criteria's errors name "eligibility.<criterion>", the field of the same name here.
            field = (error.field or "").removeprefix("eligibility.")
            form.add_error(field if field in form.fields else None, error.detail)
        else:
            flash.success(request, "Programme set up")
            return redirect(reverse("diversion:programme", kwargs={"programme_id": made.public_id}))
    return render(
        request,
        "diversion/form_page.html",
        {
            "form": form,
            "person": None,
            "title": "Set up a programme",
            "button": "Set up programme",
            "lead": "Eligibility criteria left empty do not apply.",
            "back": reverse("diversion:programmes"),
        },
        status=422 if form.errors else 200,
    )


urlpatterns = [path("programmes/new/", programme_new, name="programme_new")]
