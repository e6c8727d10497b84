"""Release-date pages: a person's key dates (calculated and overridden side by side), their calculation
history, one calculation with the "why" of each date, overrides, and the profile of each facility.

Thin: each page parses a form, calls one service or query, and renders. Everything works without
JavaScript. The person's profile shows a key-dates panel through people's panel hook
(``key_dates_panel``, registered in ``SentencingConfig.ready``).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse

from oms.core.actor import Actor
from oms.people.models import Person
from oms.people.queries import ProfileFact, ProfilePanel
from oms.sentencing.forms import calculations as forms
from oms.sentencing.queries import calculations as queries
from oms.sentencing.rules.types import DateType
from oms.sentencing.services import calculations as services
from oms.sentencing.services import overrides as override_services
from oms.sentencing.services import profiles as profile_services
from oms.web.access import page
from oms.web.forms import posted, service_errors_on


def _key_dates_url(person) -> str:
    return reverse("sentencing:key_dates", kwargs={"person_id": person.public_id})


@page("sentencing.view")
def key_dates(request, person_id):
    """Calculated and overridden dates side by side, with the button to calculate now."""
    actor = request.actor
    dates = queries.key_dates_for(actor, person_id)
    return render(
        request,
        "sentencing/calculations/key_dates.html",
        {
            "person": dates.person,
            "key": dates,
            "calculate_form": forms.CalculateForm(),
            "can_calculate": actor.has("sentencing.calculate"),
            "can_override": actor.has("sentencing.override_dates"),
        },
    )


@page("sentencing.calculate")
def calculate(request, person_id):
    """POST: calculate now (manual request); GET shows the same form on its own."""
    form = forms.CalculateForm(posted(request))
    person = queries.key_dates_for(request.actor, person_id).person
    if request.method == "POST" and form.is_valid():
        calculation = service_errors_on(
            form,
            lambda: services.request_calculation(
                request.actor, person_id=person_id, detail=form.cleaned_data["reason"]
            ),
        )
        if calculation is not None:
            messages.success(request, "Release dates calculated.")
            return redirect("sentencing:calculation", calculation_id=calculation.public_id)
    return render(
        request,
        "sentencing/calculations/form_page.html",
        {
            "form": form,
            "person": person,
            "title": "Calculate release dates",
            "button": "Calculate",
            "back": _key_dates_url(person),
        },
    )


@page("sentencing.view")
def history(request, person_id):
    """Every calculation, newest first, with what changed each time."""
    person, calculations = queries.calculation_history(request.actor, person_id)
    return render(
        request,
        "sentencing/calculations/history.html",
        {"person": person, "calculations": calculations, "titles": queries.DATE_TITLES},
    )


@page("sentencing.view")
def calculation(request, calculation_id):
    """One calculation: each date with its explanation steps, warnings and the inputs snapshot."""
    found = queries.get_calculation(request.actor, calculation_id)
    return render(
        request,
        "sentencing/calculations/calculation.html",
        {
            "person": found.person,
            "calculation": found,
            "dates": queries.calculation_dates(found),
            "titles": queries.DATE_TITLES,
        },
    )


@page("sentencing.override_dates")
def override(request, person_id):
    key = queries.key_dates_for(request.actor, person_id)
    offered = [d.type for d in key.dates if d.override is None] or [t.value for t in DateType]
    form = forms.OverrideForm(posted(request), date_types=offered, initial={"date_type": key.release_date_type})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = service_errors_on(
            form,
            lambda: override_services.override_date(
                request.actor,
                person_id=person_id,
                date_type=data["date_type"],
                new_date=data["date"],
                reason=data["reason"],
            ),
        )
        if made is not None:
            messages.success(request, f"{queries.date_title(made.date_type)} overridden.")
            return redirect(_key_dates_url(key.person))
    return render(
        request,
        "sentencing/calculations/form_page.html",
        {
            "form": form,
            "person": key.person,
            "title": "Override a date",
            "button": "Override the date",
            "back": _key_dates_url(key.person),
        },
    )


@page("sentencing.override_dates")
def withdraw(request, override_id):
    found = queries.get_override(request.actor, override_id)
    form = forms.WithdrawOverrideForm(posted(request))
    if request.method == "POST" and form.is_valid():
        done = service_errors_on(
            form,
            lambda: override_services.withdraw_override(
                request.actor, override_id=override_id, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, "Override withdrawn: the calculated date applies again.")
            return redirect(_key_dates_url(found.person))
    return render(
        request,
        "sentencing/calculations/form_page.html",
        {
            "form": form,
            "person": found.person,
            "title": f"Withdraw the override of the {queries.date_title(found.date_type)}",
            "button": "Withdraw the override",
            "back": _key_dates_url(found.person),
        },
    )


@page("sentencing.manage_profiles")
def site_profiles(request):
    """The profile of each facility in reach, with a form per facility to change it."""
    actor = request.actor
    choices = profile_services.site_profiles(actor)
    available = profile_services.available_profiles()
    changed_site = request.POST.get("site") if request.method == "POST" else None
    rows = []
    for choice in choices:
        data = posted(request) if changed_site == str(choice.site.public_id) else None
        prefix = f"site-{choice.site.code.lower()}"
        form = forms.SiteProfileForm(data, profiles=available, initial={"profile": choice.profile_code}, prefix=prefix)
        if data is not None and form.is_valid():
            result = service_errors_on(
                form,
                lambda choice=choice, form=form: profile_services.choose_site_profile(
                    actor, site_id=choice.site.public_id, profile_code=form.cleaned_data["profile"]
                ),
            )
            if result is not None:
                _, outcome = result
                messages.success(
                    request,
                    f"{choice.site.name} now uses {form.cleaned_data['profile']}: {outcome.people} people"
                    f" recalculated ({outcome.stored} with new dates, {outcome.unchanged} unchanged,"
                    f" {outcome.failed} could not be calculated).",
                )
                return redirect("sentencing:site_profiles")
        rows.append({"choice": choice, "form": form})
    return render(request, "sentencing/calculations/site_profiles.html", {"rows": rows})


def key_dates_panel(actor: Actor, person: Person) -> ProfilePanel | None:
    """The person's key dates on their profile (sentencing.view), each with a "why" link to the
    calculation that produced it. Nothing for a reader without sentencing.view."""
    if not actor.has("sentencing.view"):
        return None
    key = queries.key_dates(person)
    links = (("Release dates, overrides and history", _key_dates_url(person)),)
    if key.calculation is None:
        return ProfilePanel(title="Release dates", empty_text="No release dates have been calculated.", links=links)
    why = reverse("sentencing:calculation", kwargs={"calculation_id": key.calculation.public_id})
    facts = []
    for date in key.dates:
        if date.effective is None:
            continue
        hint = ""
        if date.override is not None:
            hint = "Overridden; calculated date has moved" if date.moved_since_override else "Overridden"
        facts.append(
            ProfileFact(
                label=f"{date.title} ({date.type})",
                value=date.effective.strftime("%-d %B %Y"),
                hint=hint,
                link_text="Why",
                link_url=f"{why}#date-{date.type}",
            )
        )
    return ProfilePanel(title="Release dates", facts=tuple(facts), links=links)


urlpatterns = [
    path("people/<str:person_id>/release-dates/", key_dates, name="key_dates"),
    path("people/<str:person_id>/release-dates/calculate/", calculate, name="calculate"),
    path("people/<str:person_id>/release-dates/history/", history, name="calculation_history"),
    path("people/<str:person_id>/release-dates/override/", override, name="override_date"),
    path("calculations/<str:calculation_id>/", calculation, name="calculation"),
    path("overrides/<str:override_id>/withdraw/", withdraw, name="withdraw_override"),
    path("release-date-profiles/", site_profiles, name="site_profiles"),
]
