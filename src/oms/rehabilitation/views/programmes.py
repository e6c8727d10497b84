"""Pages: The programme catalogue (courses and work assignments with eligibility, capacity and timetable),
referrals and waiting lists, and allocation (non-association and timetable-clash checks).

Thin: each page parses a form, calls one service or query, and renders. Every page works without
JavaScript. People are chosen by system number in POSTed forms, never in a URL. A refused allocation
lists its problems; the override reason field is there when every problem may be overridden.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.people import queries as people_queries
from oms.people.models import Person
from oms.rehabilitation.forms import programmes as forms
from oms.rehabilitation.models import Allocation, Programme, Referral
from oms.rehabilitation.queries import attendance as attendance_queries
from oms.rehabilitation.queries import programmes as queries
from oms.rehabilitation.services import allocations as allocation_services
from oms.rehabilitation.services import programmes as programme_services
from oms.rehabilitation.services import referrals as referral_services
from oms.web.access import page
from oms.web.forms import posted

VIEW = "rehabilitation.view"
MANAGE = "rehabilitation.manage_catalogue"
REFER = "rehabilitation.refer"
ALLOCATE = "rehabilitation.allocate"
# The programme page lists the sessions of the last fortnight and the next one (registers to mark).
SESSIONS_BEFORE = dt.timedelta(days=14)
SESSIONS_AFTER = dt.timedelta(days=14)


def _call(form, call):
    """Run a service call in a savepoint; a rule or conflict error goes back on its form field (or the
    form as a whole) and nothing the call wrote is kept."""
    try:
        with transaction.atomic():
            return call()
    except (RuleViolation, Conflict, NotFound) as error:
        if isinstance(error, NotFound) and error.field is None:
            raise
        field = forms.form_field_for(error.field)
        form.add_error(field if field in form.fields else None, error.detail)
        return None


def _form_page(request, form, *, title: str, button: str, back: str, lead: str = "", caption: str = ""):
    return render(
        request,
        "rehabilitation/programmes/form_page.html",
        {"form": form, "title": title, "button": button, "back": back, "lead": lead, "caption": caption},
        status=422 if form.errors else 200,
    )


# --- the catalogue -------------------------------------------------------------------------------


@page(VIEW)
def programmes(request):
    """The catalogue in reach, filterable by kind and facility."""
    actor = request.actor
    facilities = queries.site_choices(actor)
    form = forms.CatalogueFilterForm(request.GET or None, facilities=facilities)
    kind = facility = None
    if form.is_valid():
        kind, facility = form.cleaned_data["kind"] or None, form.cleaned_data["facility"] or None
    return render(
        request,
        "rehabilitation/programmes/catalogue.html",
        {
            "form": form,
            "rows": queries.list_programmes(actor, kind=kind, facility=facility),
            "can_manage": actor.has(MANAGE),
        },
    )


@page(MANAGE)
def programme_new(request):
    actor = request.actor
    form = forms.ProgrammeForm(
        posted(request), facilities=queries.site_choices(actor), needs=queries.known_need_domains()
    )
    if request.method == "POST" and form.is_valid():
        programme = _call(form, lambda: programme_services.add_programme(actor, **form.values()))
        if programme is not None:
            messages.success(request, f"{programme.code} {programme.title} added to the catalogue.")
            return redirect("rehabilitation:programme", programme_id=programme.public_id)
    return render(
        request,
        "rehabilitation/programmes/programme_form.html",
        {"form": form, "title": "Add a programme", "back": reverse("rehabilitation:programmes")},
        status=422 if form.errors else 200,
    )


@page(VIEW)
def programme(request, programme_id):
    """One programme: eligibility, timetable, places, the people allocated and the waiting list."""
    actor = request.actor
    found, waiting = queries.waiting_list(actor, programme_id)
    allocated = queries.allocated_people(actor, found)
    today = clock.today()
    sessions = attendance_queries.programme_sessions(
        actor, found.public_id, since=today - SESSIONS_BEFORE, until=today + SESSIONS_AFTER
    )
    return render(
        request,
        "rehabilitation/programmes/programme.html",
        {
            "programme": found,
            "timetable": queries.timetable_of(found),
            "eligibility": queries.eligibility_lines(found),
            "taken": queries.live_allocation_count(found),
            "allocated": allocated,
            "waiting": waiting,
            "sessions": sessions,
            "today": today,
            "can_record": actor.has("rehabilitation.record_attendance"),
            "can_manage": actor.has(MANAGE) and found.status == Programme.Status.ACTIVE,
            "can_allocate": actor.has(ALLOCATE) and found.status == Programme.Status.ACTIVE,
        },
    )


@page(MANAGE)
def programme_change(request, programme_id):
    actor = request.actor
    found = queries.find_programme(actor, programme_id)
    form = forms.ProgrammeForm(
        posted(request),
        initial=forms.ProgrammeForm.initial_from(found),
        needs=queries.known_need_domains(),
        adding=False,
    )
    version = request.POST.get("version") if request.method == "POST" else found.version
    if request.method == "POST" and form.is_valid():
        try:
            read = int(version)
        except (TypeError, ValueError):
            read = None
        changed = _call(
            form,
            lambda: programme_services.change_programme(
                actor, programme_id=found.public_id, version=read, changes=form.values()
            ),
        )
        if changed is not None:
            messages.success(request, f"{changed.code} {changed.title} changed.")
            return redirect("rehabilitation:programme", programme_id=changed.public_id)
    return render(
        request,
        "rehabilitation/programmes/programme_form.html",
        {
            "form": form,
            "title": f"Change {found.code} {found.title}",
            "version": version,
            "back": reverse("rehabilitation:programme", kwargs={"programme_id": found.public_id}),
        },
        status=422 if form.errors else 200,
    )


@page(MANAGE)
def programme_retire(request, programme_id):
    actor = request.actor
    found = queries.find_programme(actor, programme_id)
    form = forms.RetireForm(posted(request))
    if request.method == "POST" and form.is_valid():
        done = _call(
            form,
            lambda: programme_services.retire_programme(
                actor, programme_id=found.public_id, version=None, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, f"{found.code} retired: it takes no new referrals or places.")
            return redirect("rehabilitation:programme", programme_id=found.public_id)
    return _form_page(
        request,
        form,
        title=f"Retire {found.code} {found.title}",
        button="Retire",
        back=reverse("rehabilitation:programme", kwargs={"programme_id": found.public_id}),
        lead="People already allocated keep their places until each is ended.",
    )


# --- allocation ----------------------------------------------------------------------------------


def _allocate_page(request, programme: Programme, *, referral: Referral | None):
    actor = request.actor
    form = forms.AllocateForm(posted(request), from_referral=referral is not None)
    problems: list = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person_id = None
        if referral is None:
            try:
                person_id = people_queries.get_person_by_system_number(actor, data["system_number"]).public_id
            except NotFound:
                form.add_error("system_number", "No record with that system number was found")
        if not form.errors:
            try:
                with transaction.atomic():
                    allocation = allocation_services.allocate(
                        actor,
                        programme_id=programme.public_id,
                        person_id=person_id,
                        referral_id=referral.public_id if referral else None,
                        starts_on=data["starts_on"],
                        override_reason=data["override_reason"],
                    )
            except allocation_services.AllocationRefused as refused:
                problems = refused.problems
                form.add_error(None, "The place cannot be given as things stand: see the checks below")
            except (RuleViolation, Conflict) as error:
                field = forms.form_field_for(error.field)
                form.add_error(field if field in form.fields else None, error.detail)
            else:
                messages.success(
                    request, f"{allocation.person.given_name} {allocation.person.family_name} allocated a place."
                )
                return redirect("rehabilitation:programme", programme_id=programme.public_id)
    return render(
        request,
        "rehabilitation/programmes/allocate.html",
        {
            "programme": programme,
            "referral": referral,
            "form": form,
            "problems": problems,
            "overridable": bool(problems) and all(p.overridable for p in problems),
            "eligibility": queries.check_eligibility(programme, referral.person) if referral else None,
        },
        status=422 if form.errors else 200,
    )


@page(ALLOCATE)
def programme_allocate(request, programme_id):
    """Allocate a person named by system number directly (an open referral of theirs is used)."""
    return _allocate_page(request, queries.find_programme(request.actor, programme_id), referral=None)


@page(ALLOCATE)
def referral_allocate(request, referral_id):
    referral = queries.find_referral(request.actor, referral_id)
    return _allocate_page(request, referral.programme, referral=referral)


# --- referral decisions --------------------------------------------------------------------------

_DECISIONS = {
    # action: (permission, service, reason required message, button, past tense)
    "approve": (ALLOCATE, referral_services.approve_referral, "", "Approve", "approved"),
    "decline": (
        ALLOCATE,
        referral_services.decline_referral,
        "Enter why the referral is declined",
        "Decline",
        "declined",
    ),
    "remove": (
        ALLOCATE,
        referral_services.remove_referral,
        "Enter why the referral is removed from the list",
        "Remove from the list",
        "removed from the list",
    ),
    "withdraw": (
        REFER,
        referral_services.withdraw_referral,
        "Enter why the referral is withdrawn",
        "Withdraw",
        "withdrawn",
    ),
}


@page(VIEW)
def referral_decision(request, referral_id, action):
    """Approve (one button on the waiting list), decline, remove or withdraw a referral."""
    if action not in _DECISIONS:
        raise NotFound()
    permission, service, required, button, done = _DECISIONS[action]
    actor = request.actor
    actor.require(permission)
    referral = queries.find_referral(actor, referral_id)
    form = forms.ReasonForm(posted(request), required=required, label="Reason" + ("" if required else " (optional)"))
    if request.method == "POST" and form.is_valid():
        changed = _call(
            form, lambda: service(actor, referral_id=referral.public_id, reason=form.cleaned_data["reason"])
        )
        if changed is not None:
            messages.success(request, f"Referral {done}.")
            if action == "withdraw":
                return redirect("rehabilitation:person_programmes", person_id=referral.person.public_id)
            return redirect("rehabilitation:programme", programme_id=referral.programme.public_id)
    person = referral.person
    return _form_page(
        request,
        form,
        title=f"{button}: referral to {referral.programme.code} {referral.programme.title}",
        button=button,
        back=reverse("rehabilitation:programme", kwargs={"programme_id": referral.programme.public_id}),
        caption=f"{person.family_name.upper()}, {person.given_name} ({person.system_number})",
        lead=f"Referred for: {referral.reason}",
    )


# --- changing a place ----------------------------------------------------------------------------


@page(ALLOCATE)
def allocation_change(request, allocation_id, action):
    """Suspend, reinstate or remove a place."""
    actor = request.actor
    allocation = queries.find_allocation(actor, allocation_id)
    if action == "remove":
        form = forms.RemoveAllocationForm(posted(request))
    elif action in ("suspend", "reinstate"):
        required = "Enter why the place is suspended" if action == "suspend" else ""
        form = forms.ReasonForm(posted(request), required=required)
    else:
        raise NotFound()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if action == "remove":
            call = lambda: allocation_services.remove_allocation(  # noqa: E731
                actor, allocation_id=allocation.public_id, end_reason=data["end_reason"], detail=data["detail"]
            )
        elif action == "suspend":
            call = lambda: allocation_services.suspend_allocation(  # noqa: E731
                actor, allocation_id=allocation.public_id, reason=data["reason"]
            )
        else:
            call = lambda: allocation_services.reinstate_allocation(  # noqa: E731
                actor, allocation_id=allocation.public_id, reason=data["reason"]
            )
        changed = _call(form, call)
        if changed is not None:
            messages.success(request, f"Place {changed.get_status_display().lower()}.")
            return redirect("rehabilitation:programme", programme_id=allocation.programme.public_id)
    person = allocation.person
    titles = {"remove": "End the place", "suspend": "Suspend the place", "reinstate": "Reinstate the place"}
    return _form_page(
        request,
        form,
        title=f"{titles[action]} on {allocation.programme.code} {allocation.programme.title}",
        button=titles[action].split()[0],
        back=reverse("rehabilitation:programme", kwargs={"programme_id": allocation.programme.public_id}),
        caption=f"{person.family_name.upper()}, {person.given_name} ({person.system_number})",
    )


# --- a person's programmes -----------------------------------------------------------------------


@page(VIEW)
def person_programmes(request, person_id):
    """A person's referrals and places."""
    actor = request.actor
    person, referrals = queries.referrals_of(actor, person_id)
    _, allocations = queries.allocations_of(actor, person_id)
    return render(
        request,
        "rehabilitation/programmes/person.html",
        {
            "person": person,
            "referrals": referrals,
            "allocations": allocations,
            "open_statuses": Referral.OPEN_STATUSES,
            "live_statuses": Allocation.LIVE_STATUSES,
            "can_refer": actor.has(REFER),
            "can_allocate": actor.has(ALLOCATE),
        },
    )


@page(REFER)
def person_refer(request, person_id):
    actor = request.actor
    person = people_queries.find_person(actor, person_id)
    choices = [
        (str(r.programme.public_id), f"{r.programme.title} ({r.programme.code}, {r.programme.facility.name})")
        for r in queries.list_programmes(actor)
    ]
    form = forms.ReferForm(posted(request), programmes=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        referral = _call(
            form,
            lambda: referral_services.refer(
                actor,
                person_id=person.public_id,
                programme_id=data["programme"],
                reason=data["reason"],
                priority=data["priority"],
            ),
        )
        if referral is not None:
            messages.success(request, f"Referred to {referral.programme.title}.")
            return redirect("rehabilitation:person_programmes", person_id=person.public_id)
    return _form_page(
        request,
        form,
        title="Refer to a programme",
        button="Refer",
        back=reverse("rehabilitation:person_programmes", kwargs={"person_id": person.public_id}),
        caption=f"{person.family_name.upper()}, {person.given_name} ({person.system_number})",
        lead="" if choices else "There are no programmes in your reach to refer to.",
    )


def programme_profile_links(actor: Actor, person: Person) -> list[tuple[str, str]]:
    """The person's programmes page from their profile (rehabilitation.view; the profile has read the
    person in scope)."""
    if not actor.has(VIEW):
        return []
    return [("Programmes", reverse("rehabilitation:person_programmes", kwargs={"person_id": person.public_id}))]


urlpatterns: list = [
    path("programmes/", programmes, name="programmes"),
    path("programmes/new/", programme_new, name="programme_new"),
    path("programmes/<str:programme_id>/", programme, name="programme"),
    path("programmes/<str:programme_id>/change/", programme_change, name="programme_change"),
    path("programmes/<str:programme_id>/retire/", programme_retire, name="programme_retire"),
    path("programmes/<str:programme_id>/allocate/", programme_allocate, name="programme_allocate"),
    path("referrals/<str:referral_id>/allocate/", referral_allocate, name="referral_allocate"),
    *[
        path(f"referrals/<str:referral_id>/{action}/", referral_decision, {"action": action}, name=f"referral_{action}")
        for action in _DECISIONS
    ],
    *[
        path(
            f"allocations/<str:allocation_id>/{action}/",
            allocation_change,
            {"action": action},
            name=f"allocation_{action}",
        )
        for action in ("suspend", "reinstate", "remove")
    ],
    path("people/<str:person_id>/programmes/", person_programmes, name="person_programmes"),
    path("people/<str:person_id>/programmes/refer/", person_refer, name="person_refer"),
]
