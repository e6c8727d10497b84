"""Pages for assessors and supervisors: a person's assessments, start/answer/complete, countersign,
override, and the reassessment due list.

Thin: each page reads through ``queries.assessments`` (assessment.view, person in scope, else 404),
calls one service on POST, and shows the service's RuleViolation or Conflict against the field it
names (GOV.UK error summary, status 422 or 409) with everything typed kept. Buttons the actor cannot
use are hidden; the services still check. The person's profile shows an assessments panel and link
through people's hooks (registered in ``AssessmentConfig.ready``).
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse

from oms.assessment.forms import assessments as forms
from oms.assessment.models import Assessment
from oms.assessment.queries import assessments as queries
from oms.assessment.rules import ogrs3
from oms.assessment.services import assessments as services
from oms.assessment.services import instruments
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.facilities.models import Site
from oms.people.models import Person
from oms.people.queries import ProfileFact, ProfilePanel
from oms.people.queries.records import find_person
from oms.web.access import page
from oms.web.forms import posted, service_errors_on

VIEW = "assessment.view"


def person_assessments_url(person: Person) -> str:
    return reverse("assessment:person", kwargs={"person_id": person.public_id})


def assessment_url(assessment: Assessment) -> str:
    return reverse("assessment:assessment", kwargs={"assessment_id": assessment.public_id})


def _status(code: int, form) -> int:
    return code if form is not None and form.errors else 200


# ---- the due list -------------------------------------------------------------------------------


def _sites_in_reach(actor: Actor) -> list[Site]:
    sites = Site.objects.filter(active=True).order_by("name")
    return [site for site in sites if actor.can_reach_site(site.pk, site.organisation_id)]


@page(VIEW)
def due(request):
    """Current assessments due for reassessment within N days or overdue (soonest first), of the
    people in the actor's scope (a caseload actor sees their caseload), optionally of one site."""
    actor = request.actor
    sites = _sites_in_reach(actor)
    form = forms.DueFilterForm(request.GET or None, sites=[(s.code, s.name) for s in sites])
    within_days, site_code = 28, None
    if form.is_bound and form.is_valid():
        within_days = form.cleaned_data["within_days"] if form.cleaned_data["within_days"] is not None else 28
        site_code = form.cleaned_data["site"] or None
    rows = queries.due_assessments(actor, within_days=within_days, site_code=site_code)
    return render(
        request,
        "assessment/due.html",
        {
            "form": form,
            "rows": [
                {"due": row, "title": forms.instrument_title(row.assessment.instrument_code), "overdue_by": -row.days}
                for row in rows
            ],
            "within_days": within_days,
            "site": next((s for s in sites if s.code == site_code), None),
        },
        status=_status(422, form),
    )


# ---- a person's assessments ---------------------------------------------------------------------


def _person_page(request, person_id, start_form=None):
    actor = request.actor
    found = queries.assessments_of(actor, person_id)
    person = found[0].person if found else find_person(actor, person_id)
    rows = [{"assessment": a, "title": forms.instrument_title(a.instrument_code, a.instrument_version)} for a in found]
    return render(
        request,
        "assessment/person.html",
        {
            "person": person,
            "rows": rows,
            "start_form": start_form or forms.StartForm(),
            "can_assess": actor.has("assessment.assess"),
            "today": clock.today(),
        },
        status=_status(422, start_form),
    )


@page(VIEW)
def person_assessments(request, person_id):
    """The person's assessments, newest first, with the form to start one."""
    return _person_page(request, person_id)


@page("assessment.assess")
def start(request, person_id):
    """POST: start a draft of the chosen instrument (its latest version) and open it."""
    if request.method != "POST":
        return redirect("assessment:person", person_id=person_id)
    form = forms.StartForm(request.POST)
    if form.is_valid():
        started = service_errors_on(
            form,
            lambda: services.start_assessment(
                request.actor, person_id=person_id, instrument=form.cleaned_data["instrument"]
            ),
        )
        if started is not None:
            messages.success(request, "Assessment started: answer the questions and save or complete it.")
            return redirect(assessment_url(started))
    return _person_page(request, person_id, start_form=form)


# ---- one assessment -----------------------------------------------------------------------------


def _explanation_rows(assessment: Assessment) -> list[dict]:
    """Each catalogue item's label, answer and points (they add up to the linear score)."""
    try:
        definition = instruments.catalogue().get(assessment.instrument_code, assessment.instrument_version)
    except Exception:
        definition = None
    rows = []
    for entry in assessment.explanation.get("items", []):
        item = definition.item(entry["item"]) if definition is not None else None
        rows.append(
            {
                "label": item.label if item is not None else entry["item"],
                "answer": entry.get("basis") or entry.get("answer"),
                "points": entry.get("points"),
            }
        )
    return rows


def _assessment_context(actor: Actor, assessment: Assessment) -> dict:
    code = assessment.instrument_code
    is_draft = assessment.status == Assessment.Status.DRAFT
    not_assessor = actor.user_id is not None and actor.user_id != assessment.assessor_id
    override_bands = forms.override_bands(assessment) if not is_draft else []
    return {
        "assessment": assessment,
        "person": assessment.person,
        # Not "title": the base template's message banners read that name.
        "instrument_title": forms.instrument_title(code, assessment.instrument_version),
        "kind": "ogrs3" if code == ogrs3.CODE else "tiering" if code == instruments.TIERING_CODE else "catalogue",
        "items": _explanation_rows(assessment) if not is_draft else [],
        "offence_categories": ogrs3.OFFENCE_CATEGORIES,
        "can_assess": actor.has("assessment.assess"),
        "can_countersign": (
            assessment.status == Assessment.Status.COMPLETED
            and assessment.countersign_required
            and actor.has("assessment.countersign")
            and not_assessor
        ),
        "can_override": (
            not is_draft
            and not assessment.override_band
            and bool(override_bands)
            and actor.has("assessment.approve_override")
            and not_assessor
        ),
        "can_mark_due": not is_draft and assessment.is_current and actor.has("assessment.assess"),
        "override_form": forms.OverrideForm(bands=override_bands) if override_bands else None,
        "mark_due_form": forms.MarkDueForm(),
        "today": clock.today(),
    }


def _show(request, assessment: Assessment, *, status: int = 200, **extra):
    context = _assessment_context(request.actor, assessment)
    context.update(extra)
    return render(request, "assessment/assessment.html", context, status=status)


def _posted_version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@page(VIEW)
def assessment_page(request, assessment_id):
    """A draft: the answers form (Save draft / Complete). A completed one: the result and why, and the
    countersign, override and reassessment-due actions for those who may use them."""
    found = queries.get_assessment(request.actor, assessment_id)
    if request.method == "POST" and found.status == Assessment.Status.DRAFT:
        return _answer(request, found)
    form = forms.answers_form(found) if found.status == Assessment.Status.DRAFT else None
    return _show(request, found, form=form, version=found.version)


def _refusal_on(form, error: RuleViolation) -> None:
    """Put a service refusal on the question it names, saying the question's label rather than its code
    ("finance: has no answer" -> "Finance: has no answer")."""
    field = error.field if error.field in form.fields else None
    detail = error.detail
    if field is not None and detail.startswith(f"{field}: "):
        detail = f"{form.fields[field].label}: {detail[len(field) + 2 :]}"
    form.add_error(field, detail)


def _answer(request, found: Assessment):
    """Save the typed answers with the version read; on "complete", then score it. A refusal keeps
    every typed answer on the page, the error against its field."""
    actor = request.actor
    actor.require("assessment.assess")
    form = forms.answers_form(found, request.POST)
    version = _posted_version(request)
    completing = request.POST.get("action") == "complete"
    answers = form.answers() if form.is_valid() else None
    if version is None:
        form.add_error(None, "The page was missing the version it was read at: reload the assessment.")
    if form.errors:
        return _show(request, found, form=form, version=version, status=422)
    try:
        with transaction.atomic():
            saved = services.update_answers(actor, assessment_id=found.public_id, version=version, answers=answers)
    except Conflict as error:
        if error.code != "assessment.version_conflict":
            raise
        # Someone saved in between: keep what was typed, show what is saved now, and let a second
        # save (knowingly) go on from the current version.
        current = queries.get_assessment(actor, found.public_id)
        form.add_error(
            None,
            "Someone else saved this assessment after you opened it. Your answers are kept below: check them "
            "against the saved answers and save again.",
        )
        return _show(request, current, form=form, version=current.version, conflict_answers=current.answers, status=409)
    except RuleViolation as error:
        _refusal_on(form, error)
        return _show(request, found, form=form, version=version, status=422)
    if completing:
        # The answers are saved as a draft first, so a refusal to complete loses nothing.
        try:
            with transaction.atomic():
                saved = services.complete_assessment(actor, assessment_id=found.public_id, version=saved.version)
        except RuleViolation as error:
            _refusal_on(form, error)
            return _show(request, saved, form=form, version=saved.version, status=422)
    if completing:
        what = "tier" if saved.instrument_code == instruments.TIERING_CODE else "band"
        messages.success(request, f"Assessment completed: {what} {saved.band}.")
    else:
        messages.success(request, "Draft saved.")
    return redirect(assessment_url(saved))


@page("assessment.countersign")
def countersign(request, assessment_id):
    if request.method != "POST":
        return redirect("assessment:assessment", assessment_id=assessment_id)
    found = queries.get_assessment(request.actor, assessment_id)
    try:
        services.countersign_assessment(request.actor, assessment_id=found.public_id)
    except (Conflict, RuleViolation) as error:
        transaction.set_rollback(True)
        messages.error(request, error.detail)
    else:
        messages.success(request, "Assessment countersigned.")
    return redirect(assessment_url(found))


@page("assessment.approve_override")
def override(request, assessment_id):
    found = queries.get_assessment(request.actor, assessment_id)
    bands = forms.override_bands(found)
    form = forms.OverrideForm(posted(request), bands=bands)
    if request.method == "POST" and form.is_valid():
        done = service_errors_on(
            form,
            lambda: services.override_band(
                request.actor,
                assessment_id=found.public_id,
                band=form.cleaned_data["band"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if done is not None:
            messages.success(request, f"Band overridden: {done.override_band} is in force.")
            return redirect(assessment_url(done))
    return _form_page(request, form, found, title="Override the band", button="Approve the override")


@page("assessment.assess")
def mark_due(request, assessment_id):
    found = queries.get_assessment(request.actor, assessment_id)
    form = forms.MarkDueForm(posted(request))
    if request.method == "POST" and form.is_valid():
        changed = service_errors_on(
            form,
            lambda: services.mark_reassessment_due(
                request.actor, found.person, form.cleaned_data["reason"], instrument=found.instrument_code
            ),
        )
        if changed is not None:
            messages.success(
                request,
                "Reassessment marked as due today." if changed else "A reassessment was already due by today.",
            )
            return redirect(assessment_url(found))
    return _form_page(request, form, found, title="Mark a reassessment due", button="Mark reassessment due")


def _form_page(request, form, found: Assessment, *, title: str, button: str):
    return render(
        request,
        "assessment/form_page.html",
        {
            "form": form,
            "person": found.person,
            "assessment": found,
            "heading": title,
            "button": button,
            "back": assessment_url(found),
        },
        status=_status(422, form),
    )


# ---- the person's profile -----------------------------------------------------------------------


def assessments_panel(actor: Actor, person: Person) -> ProfilePanel | None:
    """The person's current assessments with band and reassessment due date (assessment.view); nothing
    for a reader without it. The profile has already read the person in scope."""
    if not actor.has(VIEW):
        return None
    today = clock.today()
    current = [a for a in queries.assessments_of(actor, person.public_id) if a.is_current]
    links = (("All assessments", person_assessments_url(person)),)
    if not current:
        return ProfilePanel(title="Assessments", empty_text="No completed assessments.", links=links)
    facts = []
    for assessment in sorted(current, key=lambda a: a.instrument_code):
        due_on = assessment.reassessment_due_on
        if due_on is None:
            hint = ""  # OGRS3 and tiering are redone on events, not on a date
        elif due_on < today:
            hint = f"Reassessment overdue since {due_on:%-d %B %Y}"
        else:
            hint = f"Reassessment due {due_on:%-d %B %Y}"
        band = assessment.band or "none"
        if assessment.override_band:
            band = f"{band} (overridden; computed {assessment.computed_band})"
        facts.append(
            ProfileFact(
                label=forms.instrument_title(assessment.instrument_code, assessment.instrument_version),
                value=band,
                hint=hint,
                link_text="View",
                link_url=assessment_url(assessment),
            )
        )
    return ProfilePanel(title="Assessments", facts=tuple(facts), links=links)


def assessment_profile_links(actor: Actor, person: Person) -> list[tuple[str, str]]:
    if not actor.has(VIEW):
        return []
    return [("Assessments", person_assessments_url(person))]


urlpatterns = [
    path("due/", due, name="due"),
    path("people/<str:person_id>/", person_assessments, name="person"),
    path("people/<str:person_id>/start/", start, name="start"),
    path("assessments/<str:assessment_id>/", assessment_page, name="assessment"),
    path("assessments/<str:assessment_id>/countersign/", countersign, name="countersign"),
    path("assessments/<str:assessment_id>/override/", override, name="override"),
    path("assessments/<str:assessment_id>/reassessment-due/", mark_due, name="mark_due"),
]
