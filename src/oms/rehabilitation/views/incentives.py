"""Incentive pages: the reviews due or overdue, a person's level with its history and the review form,
and each facility's levels (what each allows) with the form to add or change one.

Thin: each page reads through ``queries.incentives`` (rehabilitation.view; facility in reach and person in
scope, else 404) and calls one service on POST; a RuleViolation or Conflict shows against the field it
names (GOV.UK error summary, status 422 or 409) with what was typed kept. The person's profile shows an
incentive panel (``incentive_panel``, registered in ``RehabilitationConfig.ready``).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse

from oms.core.actor import Actor
from oms.people.models import Person
from oms.people.queries import ProfileFact, ProfilePanel
from oms.rehabilitation.forms import incentives as forms
from oms.rehabilitation.queries import incentives as queries
from oms.rehabilitation.services import incentives as services
from oms.web.access import page
from oms.web.forms import service_errors_on

VIEW = "rehabilitation.view"


def person_incentives_url(person: Person) -> str:
    return reverse("rehabilitation:person_incentives", kwargs={"person_id": person.public_id})


def _pounds(pence: int) -> str:
    pounds, rest = divmod(pence, 100)
    return f"{pounds}.{rest:02d}"


def _status(form) -> int:
    return 422 if form is not None and form.is_bound and form.errors else 200


@page(VIEW)
def reviews_due(request):
    """Current reviews overdue or due within N days (most overdue first), of the people in the actor's
    scope held at the facility that set them, optionally at one facility."""
    actor = request.actor
    sites = queries.facilities_in_reach(actor)
    form = forms.DueFilterForm(request.GET or None, sites=[(s.code, s.name) for s in sites])
    within_days, site_code = 0, None
    if form.is_bound and form.is_valid():
        within_days = form.cleaned_data["within_days"] or 0
        site_code = form.cleaned_data["site"] or None
    rows = queries.reviews_due(actor, within_days=within_days, site_code=site_code)
    return render(
        request,
        "rehabilitation/incentives/due.html",
        {
            "form": form,
            "rows": rows,
            "within_days": within_days,
            "site": next((s for s in sites if s.code == site_code), None),
            "can_configure": actor.has(services.MANAGE),
        },
        status=_status(form),
    )


def _person_page(request, found: queries.PersonIncentives, form=None):
    actor = request.actor
    can_review = actor.has(services.REVIEW) and found.custody_site is not None and bool(found.levels)
    if form is None and can_review:
        initial = {"level": found.current.level.code} if found.current else {}
        form = forms.ReviewForm(levels=found.levels, initial=initial)
    return render(
        request,
        "rehabilitation/incentives/person.html",
        {
            "person": found.person,
            "found": found,
            "current": found.current,
            "allowance": queries.levels_summary(found.current.level) if found.current else "",
            "form": form if can_review else None,
        },
        status=_status(form),
    )


@page(VIEW)
def person_incentives(request, person_id):
    """The person's current level and what it allows, the next review, the review history and the form."""
    return _person_page(request, queries.incentives_of(request.actor, person_id))


@page(services.REVIEW)
def record_review(request, person_id):
    """POST: record a review; the page again with the errors when it is refused."""
    if request.method != "POST":
        return redirect("rehabilitation:person_incentives", person_id=person_id)
    # Read before the service call: a refused review marks the transaction for rollback.
    found = queries.incentives_of(request.actor, person_id)
    form = forms.ReviewForm(request.POST, levels=found.levels)
    if form.is_valid():
        data = form.cleaned_data
        review = service_errors_on(
            form,
            lambda: services.record_review(
                request.actor,
                person_id=person_id,
                level=data["level"],
                reasons=data["reasons"],
                reviewed_on=data["reviewed_on"],
            ),
        )
        if review is not None:
            messages.success(
                request,
                f"Review recorded: {review.get_outcome_display().lower()} ({review.level.name}). "
                f"Next review due by {review.next_review_on:%-d %B %Y}.",
            )
            return redirect("rehabilitation:person_incentives", person_id=person_id)
    return _person_page(request, found, form)


@page(VIEW)
def facilities(request):
    """The facilities in reach, each with its levels in one line, leading to its levels page."""
    actor = request.actor
    rows = [
        {"site": site, "levels": queries.levels_of(actor, site.public_id)[1]}
        for site in queries.facilities_in_reach(actor)
    ]
    return render(request, "rehabilitation/incentives/facilities.html", {"rows": rows})


@page(VIEW)
def levels(request, site_id):
    """A facility's levels and what each allows; with manage_incentive_levels, the form to add a level or
    change one (``?code=`` fills it from that level)."""
    actor = request.actor
    site, found = queries.levels_of(actor, site_id)
    can_manage = actor.has(services.MANAGE)
    form = None
    if can_manage:
        if request.method == "POST":
            form = forms.LevelForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                change = service_errors_on(
                    form,
                    lambda: services.save_level(
                        actor,
                        site_id=site.public_id,
                        code=data["code"],
                        name=data["name"],
                        rank=data["rank"],
                        spending_limit_pence=data["spending_limit"],
                        visits_per_month=data["visits_per_month"],
                        privileges=data["privileges"],
                        is_basic=data["is_basic"],
                        is_default=data["is_default"],
                        active=data["active"],
                    ),
                )
                if change is not None:
                    verb = "added" if change.created else "saved"
                    messages.success(request, f"{change.level.name} level {verb}.")
                    return redirect("rehabilitation:incentive_levels", site_id=site.public_id)
        else:
            editing = next((lv for lv in found if lv.code == request.GET.get("code")), None)
            initial = {"active": True, "rank": (max((lv.rank for lv in found), default=0) + 1)}
            if editing is not None:
                initial = {
                    "code": editing.code,
                    "name": editing.name,
                    "rank": editing.rank,
                    "spending_limit": _pounds(editing.spending_limit_pence),
                    "visits_per_month": editing.visits_per_month,
                    "privileges": "\n".join(editing.privileges),
                    "is_basic": editing.is_basic,
                    "is_default": editing.is_default,
                    "active": editing.active,
                }
            form = forms.LevelForm(initial=initial)
    rows = [{"level": lv, "spending": _pounds(lv.spending_limit_pence)} for lv in found]
    return render(
        request,
        "rehabilitation/incentives/levels.html",
        {
            "site": site,
            "rows": rows,
            "form": form,
            "ready": services.scheme_is_ready([lv for lv in found if lv.active]),
        },
        status=_status(form),
    )


def incentive_panel(actor: Actor, person: Person) -> ProfilePanel | None:
    """The person's incentive level and next review on their profile (rehabilitation.view)."""
    if not actor.has(VIEW):
        return None
    current = queries.current_review_of(actor, person)
    links = (("Incentive level and reviews", person_incentives_url(person)),)
    if current is None:
        return ProfilePanel(title="Incentive level", empty_text="No incentive level has been set.", links=links)
    due = current.next_review_on
    overdue = queries.days_overdue(current)
    facts = (
        ProfileFact(label="Level", value=f"{current.level.name} ({current.facility.name})"),
        ProfileFact(label="Allows", value=queries.levels_summary(current.level)),
        ProfileFact(
            label="Next review due",
            value=due.strftime("%-d %B %Y"),
            hint=f"Overdue by {overdue} day{'s' if overdue != 1 else ''}" if overdue > 0 else "",
        ),
    )
    return ProfilePanel(title="Incentive level", facts=facts, links=links)


urlpatterns = [
    path("incentives/", reviews_due, name="incentive_reviews_due"),
    path("incentives/levels/", facilities, name="incentive_facilities"),
    path("incentives/levels/<str:site_id>/", levels, name="incentive_levels"),
    path("people/<str:person_id>/incentives/", person_incentives, name="person_incentives"),
    path("people/<str:person_id>/incentives/review/", record_review, name="record_incentive_review"),
]
