"""Pages: Case plans: a person's plan, its goals (derived from assessed needs), actions, reviews and version
history; overdue actions and reviews per caseload.

Thin: each form page reads its record in scope, calls one service on POST and goes back to the plan,
or shows the form again with its errors (GOV.UK error summary, status 422). A stale version comes
back as a form error asking to reload, so nothing typed is lost.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse

from oms.core.actor import Actor
from oms.people.models import Person
from oms.people.queries.records import sites_in_reach
from oms.rehabilitation.forms import plans as forms
from oms.rehabilitation.models import CasePlan, PlanAction, Programme
from oms.rehabilitation.queries import plans as queries
from oms.rehabilitation.services import plans as services
from oms.web.access import page
from oms.web.forms import posted, service_errors_on

VIEW = "rehabilitation.view"
MANAGE = "rehabilitation.manage_plans"


def plan_profile_links(actor: Actor, person: Person) -> list[tuple[str, str]]:
    """The "Case plan" link on the person's profile, for those who may read plans (rehabilitation.view).
    The profile has already read the person in scope."""
    if not actor.has(VIEW):
        return []
    return [("Case plan", plan_url(person))]


def plan_url(person: Person, anchor: str = "") -> str:
    url = reverse("rehabilitation:plan", kwargs={"person_id": person.public_id})
    return f"{url}#{anchor}" if anchor else url


def done(request, person: Person, text: str, anchor: str = ""):
    messages.success(request, text)
    return redirect(plan_url(person, anchor))


def form_page(request, form, *, person: Person, title: str, button: str, lead: str = ""):
    return render(
        request,
        "rehabilitation/plans/form_page.html",
        {"form": form, "person": person, "title": title, "button": button, "lead": lead, "back": plan_url(person)},
        status=422 if form.errors else 200,
    )


# --- the plan page -------------------------------------------------------------------------------


@page(VIEW)
def plan(request, person_id):
    found = queries.person_plan(request.actor, person_id)
    goals = list(found.plan.goals.all()) if found.plan else []
    return render(
        request,
        "rehabilitation/plans/plan.html",
        {
            "person": found.person,
            "plan": found.plan,
            "goals": goals,
            "open_goals": [g for g in goals if g.status == "open"],
            "closed_goals": [g for g in goals if g.status != "open"],
            "reviews": list(found.plan.reviews.all()) if found.plan else [],
            "latest_needs_assessment": found.latest_needs_assessment,
            "newer_needs_assessment": found.newer_needs_assessment,
            "can_manage": request.actor.has(MANAGE),
            "open_form": forms.OpenPlanForm(),
        },
    )


@page(MANAGE)
def plan_open(request, person_id):
    found = queries.person_plan(request.actor, person_id)
    person = found.person
    form = forms.OpenPlanForm(posted(request))
    if request.method == "POST" and form.is_valid():
        opened = service_errors_on(
            form, lambda: services.open_plan(request.actor, person_id=person.public_id, **form.cleaned_data)
        )
        if opened:
            return done(request, person, "Case plan opened")
    title = "Reopen the case plan" if found.plan else "Open a case plan"
    return form_page(request, form, person=person, title=title, button=title)


def _plan_form(request, plan_id, form_class, call, *, title: str, button: str, message: str, initial=None):
    """A form that changes the plan as a whole: read, show, call the service with the version posted."""
    plan_row = queries.find_plan(request.actor, plan_id)
    form = form_class(posted(request), initial={"version": plan_row.version, **(initial or {})})
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        result = service_errors_on(form, lambda: call(plan_row, values))
        if result is not None:
            return done(request, plan_row.person, message)
    return form_page(request, form, person=plan_row.person, title=title, button=button)


@page(MANAGE)
def goal_new(request, plan_id):
    return _plan_form(
        request,
        plan_id,
        forms.GoalForm,
        lambda p, v: services.add_goal(request.actor, plan_id=p.public_id, **v),
        title="Add a goal",
        button="Add goal",
        message="Goal added",
    )


@page(MANAGE)
def review_new(request, plan_id):
    return _plan_form(
        request,
        plan_id,
        forms.ReviewForm,
        lambda p, v: services.record_review(request.actor, plan_id=p.public_id, **v),
        title="Record a review",
        button="Record review",
        message="Review recorded",
    )


@page(MANAGE)
def persons_words(request, plan_id):
    current = queries.find_plan(request.actor, plan_id)
    return _plan_form(
        request,
        plan_id,
        forms.PersonsWordsForm,
        lambda p, v: services.update_persons_words(request.actor, plan_id=p.public_id, **v),
        title="The person's own words",
        button="Save",
        message="The person's own words saved",
        initial={"persons_words": current.persons_words},
    )


@page(MANAGE)
def plan_close(request, plan_id):
    return _plan_form(
        request,
        plan_id,
        forms.ClosePlanForm,
        lambda p, v: services.close_plan(request.actor, plan_id=p.public_id, **v),
        title="Close the case plan",
        button="Close plan",
        message="Case plan closed",
    )


@page(MANAGE)
def goals_from_needs(request, plan_id):
    return _plan_form(
        request,
        plan_id,
        forms.VersionOnlyForm,
        lambda p, v: services.update_goals_from_needs(request.actor, plan_id=p.public_id, **v),
        title="Update goals from the latest needs assessment",
        button="Update goals",
        message="Goals updated from the latest needs assessment",
    )


# --- goals and actions ---------------------------------------------------------------------------


@page(MANAGE)
def goal_change(request, goal_id):
    goal = queries.find_goal(request.actor, goal_id)
    initial = {"title": goal.title, "description": goal.description, "version": goal.plan.version}
    form = forms.GoalChangeForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        changed = service_errors_on(
            form,
            lambda: services.change_goal(request.actor, goal_id=goal.public_id, version=version, changes=values),
        )
        if changed:
            return done(request, goal.plan.person, "Goal changed", f"goal-{goal.public_id}")
    return form_page(request, form, person=goal.plan.person, title="Change the goal", button="Save changes")


@page(MANAGE)
def goal_close(request, goal_id):
    goal = queries.find_goal(request.actor, goal_id)
    form = forms.GoalCloseForm(posted(request), initial={"version": goal.plan.version})
    if request.method == "POST" and form.is_valid():
        closed = service_errors_on(
            form, lambda: services.close_goal(request.actor, goal_id=goal.public_id, **form.cleaned_data)
        )
        if closed:
            return done(request, goal.plan.person, "Goal closed")
    return form_page(request, form, person=goal.plan.person, title=f"Close the goal: {goal.title}", button="Close goal")


def _programmes(actor: Actor) -> list[Programme]:
    sites = [s.pk for s in sites_in_reach(actor)]
    return list(
        Programme.objects.filter(status=Programme.Status.ACTIVE, facility_id__in=sites)
        .select_related("facility")
        .order_by("title", "code")[:200]
    )


def _action_values(data: dict) -> dict:
    values = dict(data)
    values["programme_id"] = values.get("programme_id") or None
    return values


@page(MANAGE)
def action_new(request, goal_id):
    goal = queries.find_goal(request.actor, goal_id)
    form = forms.ActionForm(
        posted(request),
        programmes=_programmes(request.actor),
        initial={"version": goal.plan.version, "status": PlanAction.Status.NOT_STARTED, "owner_kind": "case_manager"},
    )
    if request.method == "POST" and form.is_valid():
        added = service_errors_on(
            form,
            lambda: services.add_action(request.actor, goal_id=goal.public_id, **_action_values(form.cleaned_data)),
        )
        if added:
            return done(request, goal.plan.person, "Action added", f"goal-{goal.public_id}")
    return form_page(
        request, form, person=goal.plan.person, title=f"Add an action to: {goal.title}", button="Add action"
    )


@page(MANAGE)
def action_change(request, action_id):
    action = queries.find_action(request.actor, action_id)
    plan_row = action.goal.plan
    initial = {
        "description": action.description,
        "owner_kind": action.owner_kind,
        "owner_name": action.owner_name,
        "target_on": action.target_on,
        "status": action.status,
        "programme_id": str(action.programme.public_id) if action.programme_id else "",
        "version": plan_row.version,
    }
    form = forms.ActionForm(posted(request), programmes=_programmes(request.actor), initial=initial)
    if request.method == "POST" and form.is_valid():
        values = _action_values(form.cleaned_data)
        version = values.pop("version")
        changed = service_errors_on(
            form,
            lambda: services.change_action(request.actor, action_id=action.public_id, version=version, changes=values),
        )
        if changed:
            return done(request, plan_row.person, "Action changed", f"goal-{action.goal.public_id}")
    return form_page(request, form, person=plan_row.person, title="Change the action", button="Save changes")


# --- history -------------------------------------------------------------------------------------


@page(VIEW)
def plan_history(request, plan_id):
    plan_row, versions = queries.list_versions(request.actor, plan_id)
    return render(
        request,
        "rehabilitation/plans/history.html",
        {"plan": plan_row, "person": plan_row.person, "versions": versions},
    )


@page(VIEW)
def plan_version(request, plan_id, number):
    plan_row, version = queries.get_version(request.actor, plan_id, number)
    snapshot = version.snapshot
    return render(
        request,
        "rehabilitation/plans/version.html",
        {
            "plan": plan_row,
            "person": plan_row.person,
            "version": version,
            "snapshot": snapshot,
            "status_labels": {
                **dict(PlanAction.Status.choices),
                **dict(CasePlan.Status.choices),
                "open": "Open",
                "achieved": "Achieved",
                "withdrawn": "No longer needed",
            },
            "owner_labels": dict(PlanAction.OwnerKind.choices),
        },
    )


# --- the caseload worklist -----------------------------------------------------------------------


@page(VIEW)
def plans_due(request):
    form = forms.DueFilterForm(request.GET or None)
    within_days, sort = 14, "urgency"
    if form.is_bound and form.is_valid():
        within_days = form.cleaned_data["within_days"] if form.cleaned_data["within_days"] is not None else 14
        sort = form.cleaned_data["sort"] or "urgency"
    items = [] if form.errors else queries.due_for_caseload(request.actor, within_days=within_days, sort=sort)
    return render(
        request,
        "rehabilitation/plans/due.html",
        {"form": form, "items": items, "within_days": within_days, "sort": sort},
        status=422 if form.errors else 200,
    )


urlpatterns = [
    path("plans/due/", plans_due, name="plans_due"),
    path("people/<str:person_id>/plan/", plan, name="plan"),
    path("people/<str:person_id>/plan/open/", plan_open, name="plan_open"),
    path("plans/<str:plan_id>/goals/new/", goal_new, name="plan_goal_new"),
    path("plans/<str:plan_id>/review/", review_new, name="plan_review_new"),
    path("plans/<str:plan_id>/persons-words/", persons_words, name="plan_persons_words"),
    path("plans/<str:plan_id>/close/", plan_close, name="plan_close"),
    path("plans/<str:plan_id>/goals-from-needs/", goals_from_needs, name="plan_goals_from_needs"),
    path("plans/<str:plan_id>/history/", plan_history, name="plan_history"),
    path("plans/<str:plan_id>/history/<int:number>/", plan_version, name="plan_version"),
    path("plan-goals/<str:goal_id>/change/", goal_change, name="plan_goal_change"),
    path("plan-goals/<str:goal_id>/close/", goal_close, name="plan_goal_close"),
    path("plan-goals/<str:goal_id>/actions/new/", action_new, name="plan_action_new"),
    path("plan-actions/<str:action_id>/change/", action_change, name="plan_action_change"),
]
