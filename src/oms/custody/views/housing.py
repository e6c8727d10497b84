"""Housing and keep-apart pages.

Thin: each page parses a form, calls one service or query, and renders. Every page works without
JavaScript. Beds and people are chosen by code or system number in POSTed forms, never in a URL.
Conflicts are listed with their explanations; a supervisor sees the override reason field when every
conflict may be overridden. The other side of a keep-apart is named only when the reader may read them.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.custody.forms import housing as forms
from oms.custody.queries import housing as housing_queries
from oms.custody.queries import non_associations as keep_apart_queries
from oms.custody.queries.episodes import current_assignment, get_episode
from oms.custody.services import housing as housing_services
from oms.custody.services import non_associations as keep_apart_services
from oms.people import queries as people_queries
from oms.web.access import page

_FIELD_ALIASES = {"bed_id": "bed", "other_person_id": "other_system_number", "person_id": "system_number"}


def _put_error(form, error) -> None:
    """A rule or conflict error back on its field (or the form). Service calls run in a savepoint
    (``transaction.atomic()``) so a refused call leaves nothing behind and the page can still read."""
    field = _FIELD_ALIASES.get(error.field, error.field)
    form.add_error(field if field in form.fields else None, error.detail)


def _readable_names(actor, conflicts) -> dict[int, object]:
    others = {c.other_person_id for c in conflicts if c.other_person_id}
    if not others:
        return {}
    return {p.pk: p for p in people_queries.people_in_scope(actor).filter(pk__in=others)}


def _conflict_rows(actor, conflicts) -> list[dict]:
    readable = _readable_names(actor, conflicts)
    return [{"conflict": c, "other": readable.get(c.other_person_id)} for c in conflicts]


def _person_by_number(actor, form, field: str):
    """The person with the typed system number, within reach; else an error on ``field``."""
    try:
        return people_queries.get_person_by_system_number(actor, form.cleaned_data[field])
    except NotFound:
        form.add_error(field, "No record with that system number was found")
        return None


# --- housing -------------------------------------------------------------------------------------


@page("custody.view")
def housing(request, episode_id):
    """The person's bed, bed history, suggested beds best first, and the assign or move form."""
    actor = request.actor
    episode = get_episode(actor, episode_id)
    can_house = actor.has("custody.house")
    form = forms.BedForm(request.POST if request.method == "POST" else None)
    conflicts: list = []
    if request.method == "POST":
        actor.require("custody.house")
        if form.is_valid():
            data = form.cleaned_data
            bed_id = housing_queries.bed_public_id_at_site(episode.site_id, data["bed"])
            if bed_id is None:
                form.add_error("bed", "There is no bed with that code at this establishment")
            else:
                try:
                    with transaction.atomic():
                        assignment = housing_services.assign_bed(
                            actor,
                            episode_id=episode.public_id,
                            bed_id=bed_id,
                            reason=data["reason"],
                            override_reason=data["override_reason"],
                        )
                except housing_services.HousingConflict as refused:
                    conflicts = refused.conflicts
                    form.add_error("bed", f"Bed {data['bed']} cannot be used as things stand: see the checks below")
                except (RuleViolation, Conflict, NotFound) as error:
                    _put_error(form, error)
                else:
                    messages.success(request, f"Moved to bed {assignment.bed.key}.")
                    return redirect("custody:housing", episode_id=episode.public_id)
    overridable = bool(conflicts) and all(c.overridable for c in conflicts)
    suggestions = (
        housing_queries.suggest_beds(actor, episode_id=episode.public_id, limit=20)
        if can_house and episode.status == "active"
        else []
    )
    return render(
        request,
        "custody/housing/housing.html",
        {
            "episode": episode,
            "current": current_assignment(episode),
            "history": housing_queries.bed_history(episode),
            "suggestions": [{"suggestion": s, "conflicts": _conflict_rows(actor, s.conflicts)} for s in suggestions],
            "form": form,
            "conflicts": _conflict_rows(actor, conflicts),
            "overridable": overridable,
            "can_house": can_house and episode.status == "active",
            "can_override": actor.has("custody.override_housing"),
            "can_view_keep_aparts": actor.has("custody.view_non_associations"),
        },
        status=422 if form.errors else 200,
    )


# --- non-associations ----------------------------------------------------------------------------


@page("custody.view_non_associations")
def person_non_associations(request, person_id):
    """A person's non-associations, open and closed, and their keep-apart groups."""
    person, views = keep_apart_queries.non_associations_for_person(request.actor, person_id)
    groups = [
        g
        for g in keep_apart_queries.keep_apart_groups(request.actor, open_only=False)
        if any(m.person is not None and m.person.pk == person.pk for m in g.members)
    ]
    return render(
        request,
        "custody/housing/non_associations.html",
        {
            "person": person,
            "open_pairs": [v for v in views if v.open],
            "closed_pairs": [v for v in views if not v.open],
            "groups": groups,
            "can_manage": request.actor.has("custody.manage_non_associations"),
        },
    )


@page("custody.manage_non_associations")
def create_non_association(request, person_id):
    person, _ = keep_apart_queries.non_associations_for_person(request.actor, person_id, include_closed=False)
    form = forms.NonAssociationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        other = _person_by_number(request.actor, form, "other_system_number")
        if other is not None:
            data = {k: v for k, v in form.cleaned_data.items() if k != "other_system_number"}
            try:
                with transaction.atomic():
                    keep_apart_services.create_non_association(
                        request.actor, person_id=person.public_id, other_person_id=other.public_id, **data
                    )
            except (RuleViolation, Conflict, NotFound) as error:
                _put_error(form, error)
            else:
                messages.success(request, "Non-association recorded.")
                return redirect("custody:person_non_associations", person_id=person.public_id)
    return render(
        request,
        "custody/housing/form_page.html",
        {
            "form": form,
            "person": person,
            "title": "Keep this person apart from someone",
            "button": "Save non-association",
            "back": ("custody:person_non_associations", person.public_id),
        },
        status=422 if form.errors else 200,
    )


@page("custody.manage_non_associations")
def close_non_association(request, non_association_id):
    view = keep_apart_queries.get_non_association(request.actor, non_association_id)
    person = view.this.person or view.other.person
    form = forms.CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                keep_apart_services.close_non_association(
                    request.actor, non_association_id=view.pair.public_id, reason=form.cleaned_data["reason"]
                )
        except (RuleViolation, Conflict, NotFound) as error:
            _put_error(form, error)
        else:
            messages.success(request, "Non-association closed. It stays on the record.")
            return redirect("custody:person_non_associations", person_id=person.public_id)
    return render(
        request,
        "custody/housing/form_page.html",
        {
            "form": form,
            "person": person,
            "title": "Close the non-association",
            "button": "Close non-association",
            "back": ("custody:person_non_associations", person.public_id),
        },
        status=422 if form.errors else 200,
    )


# --- keep-apart groups ---------------------------------------------------------------------------


@page("custody.view_non_associations")
def groups(request):
    return render(
        request,
        "custody/housing/groups.html",
        {
            "groups": keep_apart_queries.keep_apart_groups(request.actor, open_only=False),
            "can_manage": request.actor.has("custody.manage_non_associations"),
        },
    )


@page("custody.manage_non_associations")
def create_group(request):
    form = forms.GroupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                group = keep_apart_services.create_keep_apart_group(request.actor, **form.cleaned_data)
        except (RuleViolation, Conflict, NotFound) as error:
            _put_error(form, error)
        else:
            messages.success(request, "Group created. Add its members.")
            return redirect("custody:keep_apart_group", group_id=group.public_id)
    return render(
        request,
        "custody/housing/form_page.html",
        {
            "form": form,
            "title": "Create a keep-apart group",
            "button": "Create group",
            "back": ("custody:keep_apart_groups", None),
        },
        status=422 if form.errors else 200,
    )


@page("custody.view_non_associations")
def group(request, group_id):
    """A group, its members (named when readable), and the add-member form."""
    view = keep_apart_queries.get_keep_apart_group(request.actor, group_id)
    form = forms.MemberForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        request.actor.require("custody.manage_non_associations")
        if form.is_valid():
            person = _person_by_number(request.actor, form, "system_number")
            if person is not None:
                try:
                    with transaction.atomic():
                        keep_apart_services.add_group_member(
                            request.actor, group_id=view.group.public_id, person_id=person.public_id
                        )
                except (RuleViolation, Conflict, NotFound) as error:
                    _put_error(form, error)
                else:
                    messages.success(request, "Member added.")
                    return redirect("custody:keep_apart_group", group_id=view.group.public_id)
    return render(
        request,
        "custody/housing/group.html",
        {
            "view": view,
            "form": form,
            "hidden_members": sum(1 for m in view.members if m.person is None and m.member.removed_at is None),
            "can_manage": request.actor.has("custody.manage_non_associations") and view.group.closed_at is None,
        },
        status=422 if form.errors else 200,
    )


@require_POST
@page("custody.manage_non_associations")
def remove_group_member(request, group_id, person_id):
    keep_apart_services.remove_group_member(request.actor, group_id=group_id, person_id=person_id)
    messages.success(request, "Member removed. The membership stays on the record.")
    return redirect("custody:keep_apart_group", group_id=group_id)


@page("custody.manage_non_associations")
def close_group(request, group_id):
    view = keep_apart_queries.get_keep_apart_group(request.actor, group_id)
    form = forms.CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                keep_apart_services.close_keep_apart_group(
                    request.actor, group_id=view.group.public_id, reason=form.cleaned_data["reason"]
                )
        except (RuleViolation, Conflict, NotFound) as error:
            _put_error(form, error)
        else:
            messages.success(request, "Group closed.")
            return redirect("custody:keep_apart_group", group_id=view.group.public_id)
    return render(
        request,
        "custody/housing/form_page.html",
        {
            "form": form,
            "title": f"Close the group {view.group.name}",
            "button": "Close group",
            "back": ("custody:keep_apart_group", view.group.public_id),
        },
        status=422 if form.errors else 200,
    )


urlpatterns = [
    path("episodes/<uuid:episode_id>/housing/", housing, name="housing"),
    path("people/<uuid:person_id>/non-associations/", person_non_associations, name="person_non_associations"),
    path("people/<uuid:person_id>/non-associations/new/", create_non_association, name="person_non_association_create"),
    path("non-associations/<uuid:non_association_id>/close/", close_non_association, name="non_association_close"),
    path("keep-apart-groups/", groups, name="keep_apart_groups"),
    path("keep-apart-groups/new/", create_group, name="keep_apart_group_create"),
    path("keep-apart-groups/<uuid:group_id>/", group, name="keep_apart_group"),
    path("keep-apart-groups/<uuid:group_id>/close/", close_group, name="keep_apart_group_close"),
    path(
        "keep-apart-groups/<uuid:group_id>/members/<uuid:person_id>/remove/",
        remove_group_member,
        name="keep_apart_member_remove",
    ),
]
