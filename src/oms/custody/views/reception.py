"""Reception, the episode record, intake records, release and the daily action plan: pages.

Thin: each page parses a form, calls one service or query, and renders. Every page works without
JavaScript. Names, numbers and dates of birth never go in a URL: the person search is POSTed and
records are addressed by public ids.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.http import require_POST

from oms.core import clock
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.custody import queries, services
from oms.custody.forms import reception as forms
from oms.custody.queries.episodes import get_episode
from oms.custody.rules.reception import format_money
from oms.custody.services.release import RELEASE_REASONS
from oms.facilities.models import Site
from oms.people import queries as people_queries
from oms.people.services import PossibleDuplicates
from oms.web.access import page
from oms.web.forms import posted

# Service error fields that a page form names differently.
_FIELD_ALIASES = {"cash_minor": "cash", "amount_minor": "amount", "person": "q", "property_description": "property"}


def _put_error(form, error) -> None:
    transaction.set_rollback(True)
    field = _FIELD_ALIASES.get(error.field, error.field)
    form.add_error(field if field in form.fields else None, error.detail)


def _sites_for(actor, permission: str) -> list[Site]:
    sites = Site.objects.filter(active=True).order_by("name")
    return [s for s in sites if actor.has(permission) and actor.can_reach_site(s.pk, s.organisation_id)]


def housing_url(episode) -> str | None:
    """The housing page for this person, if that part of custody is installed (another area owns it)."""
    for kwargs in ({"episode_id": episode.public_id}, {}):
        try:
            return reverse("custody:housing", kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


# --- reception ---------------------------------------------------------------------------------------


def _person_label(person) -> str:
    born = person.date_of_birth.strftime("%-d %b %Y") if person.date_of_birth else "date of birth not known"
    return f"{person.family_name.upper()}, {person.given_name} ({person.system_number}), born {born}"


def _held_elsewhere(actor, data, sites) -> list[tuple[str, str]]:
    """Records outside the officer's access that match the details typed, as radio choices with the
    identifying minimum (people layer, purpose "reception": each record shown is audited)."""
    site = next((s for s in sites if str(s.public_id) == str(data.get("site"))), None)
    if site is None:
        return []
    matches = people_queries.matches_for_present_person(
        actor,
        purpose="reception",
        site_id=site.pk,
        family_name=data.get("family_name") or "",
        given_name=data.get("given_name") or "",
        date_of_birth=data.get("date_of_birth"),
    )
    choices = []
    for match in matches:
        if match.in_scope:
            continue
        born = match.date_of_birth.strftime("%-d %b %Y") if match.date_of_birth else "date of birth not known"
        matched = ", ".join(reason.replace("_", " ") for reason in match.matched_on) or "details"
        name = f"{match.family_name.upper()}, {match.given_name}"
        label = f"{name} ({match.system_number}), born {born}; matched on {matched}"
        choices.append((match.public_id, label))
    return choices


@page("custody.receive")
def receive(request):
    """Receive a person. "Find" searches (POSTed, so names never reach a URL) and lists people to pick;
    "Receive" records the reception. Possible duplicate records are listed to pick from, or a reason
    creates a new record anyway. Matches held outside the officer's access are shown with the identifying
    minimum (audited, purpose "reception") and can be picked: reception links that record to the site.
    Problems are recorded as warnings, shown on the episode page."""
    actor = request.actor
    sites = _sites_for(actor, "custody.receive")
    posted = request.POST if request.method == "POST" else None
    people: list = []
    candidates = None
    if posted is not None:
        # The people offered to pick from come back with the form so a pick survives a round trip.
        picked = posted.get("person_id", "")
        offered = posted.getlist("offered")
        for public_id in dict.fromkeys([*offered, picked]):
            if public_id:
                try:
                    person = people_queries.find_person(actor, public_id)
                except NotFound:
                    continue
                people.append((person, _person_label(person)))
    # A record held elsewhere is checked by the service against the details typed; the choice only needs
    # to survive form validation here.
    held_elsewhere = (
        [(posted["held_elsewhere_id"], "")] if posted is not None and posted.get("held_elsewhere_id") else []
    )
    form = forms.ReceptionForm(posted, sites=sites, people=people, held_elsewhere=held_elsewhere)
    if posted is None and request.GET.get("site") in dict(form.fields["site"].choices):
        form.initial["site"] = request.GET["site"]  # from an establishment's sub-navigation
    action = request.POST.get("action", "receive") if posted is not None else ""

    if action == "search":
        # Finding someone comes before the rest of the form is filled in: only the search box is judged.
        text = (posted.get("q") or "").strip()[:200]
        if text:
            result = people_queries.search_people(actor, text=text, limit=10)
            people = [(h.person, _person_label(h.person)) for h in result.hits]
            form = forms.ReceptionForm(posted, sites=sites, people=people)
            if not people:
                messages.info(request, "No one found. Check the spelling, or enter the details of a new person.")
        form.is_valid()
        for name in [n for n in form.errors if n != "q"]:
            del form.errors[name]
        if not text:
            form.add_error("q", "Enter a name, system number or identifier to search for")
    elif action == "receive" and form.is_valid():
        data = form.cleaned_data
        new_person = None
        if not data["person_id"]:
            if not data["family_name"] or not data["given_name"]:
                form.add_error(
                    "family_name" if not data["family_name"] else "given_name",
                    "Pick the person found, or enter a family name and a given name",
                )
        if not form.errors:
            if data["held_elsewhere_id"] and data["person_id"]:
                data["person_id"] = ""  # the pick from outside access is the later, more specific choice
            if not data["person_id"]:
                new_person = services.NewPerson(
                    family_name=data["family_name"],
                    given_name=data["given_name"],
                    date_of_birth=data["date_of_birth"],
                    sex=data["sex"] or "not_known",
                )
            authorities = []
            if data["authority_kind"]:
                authorities.append(
                    services.NewAuthority(
                        kind=data["authority_kind"],
                        reference=data["authority_reference"],
                        issued_by=data["authority_issued_by"],
                        issued_on=data["authority_issued_on"],
                        expires_on=data["authority_expires_on"],
                        document_seen=data["authority_document_seen"],
                    )
                )
            try:
                # A savepoint: a refusal undoes the service's writes here, so the request transaction stays
                # usable and the audited lookup of records held elsewhere below is kept.
                with transaction.atomic():
                    episode = services.receive_person(
                        actor,
                        site_id=data["site"],
                        person_id=data["person_id"] or None,
                        new_person=new_person,
                        held_elsewhere_person_id=data["held_elsewhere_id"] or None,
                        duplicate_override_reason=data["duplicate_override_reason"],
                        booking_number=data["booking_number"],
                        legal_status=data["legal_status"],
                        received_from=data["received_from"],
                        authorities=authorities,
                        security_level=data["security_level"],
                        property_items=[services.NewPropertyItem(d, seal_number=s) for d, s in data["property"]],
                        cash_minor=data["cash"],
                        release_due_on=data["release_due_on"],
                    )
            except PossibleDuplicates as duplicates:
                candidates = duplicates.candidates
                people = [(c.person, _person_label(c.person)) for c in candidates if c.in_scope]
                held_elsewhere = _held_elsewhere(actor, data, sites) if any(not c.in_scope for c in candidates) else []
                form = forms.ReceptionForm(posted, sites=sites, people=people, held_elsewhere=held_elsewhere)
                form.is_valid()
                form.add_error("duplicate_override_reason", duplicates.detail)
            except (RuleViolation, Conflict, NotFound) as error:
                field = _FIELD_ALIASES.get(error.field, error.field)
                form.add_error(field if field in form.fields else None, error.detail)
                if data["held_elsewhere_id"]:
                    # Show the matches again (a fresh, audited read) so the officer can pick again.
                    form.fields["held_elsewhere_id"].choices = _held_elsewhere(actor, data, sites)
            else:
                count = len([w for w in episode.reception_warnings if not w.get("resolved_at")])
                note = f" {count} warning(s) to follow up." if count else ""
                messages.success(request, f"Received: booking number {episode.booking_number}.{note}")
                return redirect("custody:episode", episode_id=episode.public_id)
    if form.errors and not all(label for _, label in form.fields["held_elsewhere_id"].choices):
        # A pick from outside access came back with another error: show the matches again to pick from.
        cleaned = getattr(form, "cleaned_data", {})
        form.fields["held_elsewhere_id"].choices = _held_elsewhere(actor, cleaned, sites)
    status = 200 if not form.errors else 409 if candidates else 422
    return render(
        request,
        "custody/reception/receive.html",
        {"form": form, "people": people, "candidates": candidates},
        status=status,
    )


# --- the episode -------------------------------------------------------------------------------------


@page("custody.view")
def episode(request, episode_id):
    """The custody record: summary, warnings, authorities, property, cash, screening and release checks."""
    actor = request.actor
    record = queries.reception_record(actor, episode_id)
    checks = services.release_checks(actor, record.episode) if record.episode.status == "active" else []
    return render(
        request,
        "custody/reception/episode.html",
        {
            "record": record,
            "episode": record.episode,
            "checks": checks,
            "can_receive": actor.has("custody.receive") and record.episode.status == "active",
            "can_release": actor.has("custody.release") and record.episode.status == "active",
            "housing_url": housing_url(record.episode) if record.episode.status == "active" else None,
            "release_reasons": RELEASE_REASONS,
            "balance": format_money(record.cash_balance_minor),
            "cash_rows": [(entry, format_money(entry.amount_minor)) for entry in record.cash_entries],
        },
    )


def _intake_page(request, episode_id, *, form, title, button, save, success, permission="custody.receive"):
    """A small form about one episode: on a valid POST call ``save`` and go back to the episode."""
    record = get_episode(request.actor, episode_id, permission=permission)
    if request.method == "POST" and form.is_valid():
        try:
            save(record, form.cleaned_data)
        except (RuleViolation, Conflict, NotFound) as error:
            _put_error(form, error)
        else:
            messages.success(request, success)
            return redirect("custody:episode", episode_id=record.public_id)
    return render(
        request,
        "custody/reception/form_page.html",
        {"form": form, "episode": record, "title": title, "button": button},
        status=422 if form.errors else 200,
    )


@page("custody.receive")
def add_authority(request, episode_id):
    def save(episode, data):
        services.add_lawful_authority(
            request.actor, episode_id=episode.public_id, authority=services.NewAuthority(**data)
        )

    return _intake_page(
        request,
        episode_id,
        form=forms.AuthorityForm(posted(request)),
        title="Add a warrant, order or hold",
        button="Add",
        save=save,
        success="Authority added.",
    )


@page("custody.receive")
def end_authority(request, episode_id, authority_id):
    def save(episode, data):
        services.end_lawful_authority(
            request.actor, episode_id=episode.public_id, authority_id=authority_id, reason=data["reason"]
        )

    return _intake_page(
        request,
        episode_id,
        form=forms.EndAuthorityForm(posted(request)),
        title="End an authority",
        button="End it",
        save=save,
        success="Authority ended.",
    )


@page("custody.receive")
def add_property(request, episode_id):
    def save(episode, data):
        services.add_property_item(request.actor, episode_id=episode.public_id, item=services.NewPropertyItem(**data))

    return _intake_page(
        request,
        episode_id,
        form=forms.PropertyForm(posted(request)),
        title="Add a property item",
        button="Add item",
        save=save,
        success="Item added.",
    )


@page("custody.receive")
def close_property(request, episode_id, item_id):
    def save(episode, data):
        services.close_property_item(
            request.actor, episode_id=episode.public_id, item_id=item_id, outcome=data["outcome"], reason=data["reason"]
        )

    return _intake_page(
        request,
        episode_id,
        form=forms.ClosePropertyForm(posted(request)),
        title="Return or dispose of an item",
        button="Save",
        save=save,
        success="Property updated.",
    )


@page("custody.receive")
def record_cash(request, episode_id):
    def save(episode, data):
        services.record_cash(
            request.actor,
            episode_id=episode.public_id,
            kind=data["kind"],
            amount_minor=data["amount_minor"],
            note=data["note"],
        )

    return _intake_page(
        request,
        episode_id,
        form=forms.CashForm(posted(request)),
        title="Record cash",
        button="Record",
        save=save,
        success="Cash recorded.",
    )


@page("custody.receive")
def screening(request, episode_id):
    show_health = request.actor.has("custody.view_screening_health")
    current = queries.reception_record(request.actor, episode_id).screening if request.method == "GET" else None
    initial = {}
    if current is not None:
        s = current.screening
        initial = {f: getattr(s, f) for f in forms.ScreeningForm.base_fields if f in s.__dict__}
        if not show_health:
            initial.pop("health_notes", None)
            initial.pop("suicide_self_harm_notes", None)

    def save(episode, data):
        screening_data = {**data}
        screening_data.setdefault("health_notes", None)
        screening_data.setdefault("suicide_self_harm_notes", None)
        services.record_screening(
            request.actor, episode_id=episode.public_id, screening=services.Screening(**screening_data)
        )

    return _intake_page(
        request,
        episode_id,
        form=forms.ScreeningForm(posted(request), initial=initial, show_health=show_health),
        title="First-night screening",
        button="Save screening",
        save=save,
        success="Screening saved.",
    )


# --- release -----------------------------------------------------------------------------------------


@page("custody.release")
def release(request, episode_id):
    """Release: the checks are listed; the release is refused while any fails, unless a supervisor
    overrides the ones that may be overridden with a reason."""
    actor = request.actor
    form = forms.ReleaseForm(posted(request))
    episode = get_episode(actor, episode_id, permission="custody.release")
    failed = None
    # Read before trying: a refused release rolls the transaction back, after which nothing can be read.
    court_order = form.data.get("court_order_reference", "")[:60] if form.is_bound else ""
    checks = services.release_checks(actor, episode, court_order_reference=court_order)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.release_person(actor, episode_id=episode.public_id, **data)
        except services.ReleaseRefused as refused:
            transaction.set_rollback(True)
            failed = refused.failed
            form.add_error(
                "override_reason" if refused.field == "override_reason" else None,
                refused.detail,
            )
        except (RuleViolation, Conflict, NotFound) as error:
            _put_error(form, error)
        else:
            messages.success(request, f"Released: booking {episode.booking_number}. The custody record is closed.")
            return redirect("custody:episode", episode_id=episode.public_id)
    return render(
        request,
        "custody/reception/release.html",
        {
            "form": form,
            "episode": episode,
            "checks": checks,
            "failed": failed,
            "may_override": actor.has("custody.override_release_checks"),
        },
        status=422 if form.errors else 200,
    )


@require_POST
@page("custody.release")
def queue_notifications(request, episode_id):
    try:
        queued = services.queue_release_notifications(request.actor, episode_id=episode_id)
    except Conflict as error:
        transaction.set_rollback(True)
        messages.info(request, error.detail)
    else:
        messages.success(
            request, "Release notifications queued for: " + ", ".join(r.replace("_", " ") for r in queued) + "."
        )
    return redirect("custody:episode", episode_id=episode_id)


# --- daily action plan -------------------------------------------------------------------------------


@page("custody.view")
def action_plan_index(request):
    """The action plan of the actor's establishment; a choice when they reach several."""
    sites = _sites_for(request.actor, "custody.view")
    if len(sites) == 1:
        return redirect("custody:action_plan", site_id=sites[0].public_id)
    return render(request, "custody/reception/action_plan_sites.html", {"sites": sites})


@page("custody.view")
def action_plan(request, site_id):
    day = None
    if request.GET.get("date"):
        try:
            day = dt.date.fromisoformat(request.GET["date"])
        except ValueError:
            raise Http404("No such day.")
    plan = queries.action_plan(request.actor, site_id, day)
    return render(
        request,
        "custody/reception/action_plan.html",
        {
            "plan": plan,
            "previous_day": plan.day - dt.timedelta(days=1),
            "next_day": plan.day + dt.timedelta(days=1),
            "is_today": plan.day == clock.today(),
        },
    )


urlpatterns = [
    path("reception/", receive, name="reception"),
    path("episodes/<uuid:episode_id>/", episode, name="episode"),
    path("episodes/<uuid:episode_id>/authorities/add/", add_authority, name="episode_add_authority"),
    path("episodes/<uuid:episode_id>/authorities/<int:authority_id>/end/", end_authority, name="episode_end_authority"),
    path("episodes/<uuid:episode_id>/property/add/", add_property, name="episode_add_property"),
    path("episodes/<uuid:episode_id>/property/<int:item_id>/close/", close_property, name="episode_close_property"),
    path("episodes/<uuid:episode_id>/cash/", record_cash, name="episode_cash"),
    path("episodes/<uuid:episode_id>/screening/", screening, name="episode_screening"),
    path("episodes/<uuid:episode_id>/release/", release, name="episode_release"),
    path(
        "episodes/<uuid:episode_id>/release/notifications/", queue_notifications, name="episode_release_notifications"
    ),
    path("action-plan/", action_plan_index, name="action_plan_index"),
    path("sites/<uuid:site_id>/action-plan/", action_plan, name="action_plan"),
]
