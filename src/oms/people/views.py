"""Person pages: thin. Each parses a form, calls one query or service, and renders a full page or,
for htmx requests, only the fragment that changes. Every page works without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from oms.core import clock
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.people import forms, queries, rules, services
from oms.people.models import PersonName
from oms.web.access import page
from oms.web.forms import posted, service_errors_on

TABS = (("overview", "Overview"), ("alerts", "Alerts"), ("notes", "Case notes"), ("timeline", "Timeline"))


def _person_or_redirect(request, public_id, tab="overview"):
    """The person, or a redirect to the survivor when the record was merged."""
    try:
        return queries.get_person(request.actor, public_id), None
    except queries.PersonMerged as merged:
        if merged.survivor_public_id is None:
            raise
        messages.info(request, "That record was merged into this one.")
        return None, redirect("people:profile_tab", public_id=merged.survivor_public_id, tab=tab)


# --- search --------------------------------------------------------------------------------------


@page("people.view")
def search(request):
    """Search people. The terms are POSTed (htmx as you type, or the plain form without JavaScript)
    so names, numbers and dates of birth never reach a URL, browser history or access log (DP-2).
    A GET shows the empty form and ignores any query string."""
    form = forms.SearchForm(request.POST if request.method == "POST" else None)
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["q"].strip() or data["date_of_birth"]:
            result = queries.search_people(
                request.actor,
                text=data["q"],
                date_of_birth=data["date_of_birth"],
                status=data["status"] or None,
                limit=25,
            )
    context = {"form": form, "result": result, "can_create": request.actor.has("people.create")}
    if request.htmx and request.htmx.target == "search-results":
        # Only the results are swapped as you type, so a filter's error is said here, where it shows.
        return render(request, "people/_results.html", {**context, "fragment": True})
    return render(request, "people/search.html", context)


# --- profile -------------------------------------------------------------------------------------


@page("people.view")
def profile(request, public_id, tab="overview"):
    """The person's record with an identity bar and tabs (overview, alerts, case notes, timeline)."""
    if tab not in dict(TABS):
        tab = "overview"
    person, redirect_to = _person_or_redirect(request, public_id, tab)
    if redirect_to:
        return redirect_to
    actor = request.actor
    context = {
        "person": person,
        "tab": tab,
        "tabs": [(key, label, reverse("people:profile_tab", args=[person.public_id, key])) for key, label in TABS],
        "active_alerts": queries.active_alerts(person),
        "age": rules.age_on(person.date_of_birth, clock.today()) if person.date_of_birth else None,
        "can": {p: actor.has(f"people.{p}") for p in ("edit", "add_alert", "close_alert", "add_note", "merge")},
    }
    if tab == "overview":
        context["names"] = [n for n in queries.person_names(person) if n.kind != PersonName.Kind.PRIMARY]
        context["identifiers"] = queries.person_identifiers(person)
        context["addresses"] = list(person.addresses.order_by("-is_primary", "-from_date"))
        context["contacts"] = list(person.contacts.order_by("name"))
        context["site_links"] = list(
            person.site_links.filter(ended_on__isnull=True).select_related("site").order_by("started_on", "pk")
        )
        context["allocations"] = list(
            person.allocations.filter(ended_on__isnull=True).select_related("site", "staff").order_by("started_on")
        )
        context["has_photo"] = queries.has_photo(person)
        context["elsewhere"] = queries.profile_links(actor, person)
        context["panels"] = queries.profile_panels(actor, person)
        if actor.has("people.manage_portal_accounts"):
            context["portal_account"] = queries.open_portal_account_of(person)
            context["can_manage_portal"] = True
    elif tab == "alerts":
        context["alerts"] = queries.list_alerts(actor, person)
    elif tab == "notes":
        context["notes"] = queries.list_case_notes(actor, person)
    else:
        context["entries"] = queries.timeline(actor, person)
    if request.htmx and request.htmx.target == "record-sections":
        # The tab list comes with the panel so the current tab is marked (aria-current) after a switch.
        return render(request, "people/_sections.html", context)
    return render(request, "people/profile.html", context)


# --- create and edit -----------------------------------------------------------------------------


@page("people.create")
def create(request):
    """Create a person; possible duplicates are listed and need a reason to create anyway."""
    sites = queries.sites_in_reach(request.actor)
    form = forms.CreatePersonForm(posted(request), sites=sites)
    candidates = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.create_person(
                request.actor,
                family_name=data["family_name"],
                given_name=data["given_name"],
                middle_names=data["middle_names"],
                date_of_birth=data["date_of_birth"],
                sex=data["sex"],
                gender_identity=data["gender_identity"],
                ethnicity=data["ethnicity"],
                nationality=data["nationality"],
                languages=data["languages"],
                interpreter_required=data["interpreter_required"],
                legal_status=data["legal_status"],
                site_id=data["site"],
                duplicate_override_reason=data["duplicate_override_reason"],
            )
        except services.PossibleDuplicates as duplicates:
            transaction.set_rollback(True)
            candidates = duplicates.candidates
            form.add_error("duplicate_override_reason", duplicates.detail)
        except (RuleViolation, Conflict) as error:
            transaction.set_rollback(True)
            form.add_error(error.field if error.field in form.fields else None, error.detail)
        else:
            messages.success(request, f"Record created: {person.full_name}, {person.system_number}.")
            return redirect("people:profile", public_id=person.public_id)
    status = 200 if not form.errors else 422 if candidates is None else 409
    return render(request, "people/create.html", {"form": form, "candidates": candidates}, status=status)


@page("people.edit")
def edit(request, public_id):
    person, redirect_to = _person_or_redirect(request, public_id)
    if redirect_to:
        return redirect_to
    initial = {f: getattr(person, f) for f in services.EDITABLE_FIELDS}
    initial["languages"] = " ".join(person.languages or [])
    form = forms.EditPersonForm(posted(request), initial={**initial, "version": person.version})
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        version = changes.pop("version")
        if service_errors_on(
            form, lambda: services.update_person(request.actor, person_id=person.public_id, version=version, **changes)
        ):
            messages.success(request, "Details saved.")
            return redirect("people:profile", public_id=person.public_id)
    return render(
        request,
        "people/form_page.html",
        {
            "form": form,
            "person": person,
            "title": "Change personal details",
            "button": "Save changes",
        },
        status=422 if form.errors else 200,
    )


def _sub_record_page(request, public_id, *, form, title, button, save, tab="overview", success="Saved.", enctype=""):
    person, redirect_to = _person_or_redirect(request, public_id)
    if redirect_to:
        return redirect_to
    if request.method == "POST" and save is not None and form.is_valid():
        if service_errors_on(form, lambda: save(person, form.cleaned_data)) is not None:
            messages.success(request, success)
            return redirect("people:profile_tab", public_id=person.public_id, tab=tab)
    return render(
        request,
        "people/form_page.html",
        {"form": form, "person": person, "title": title, "button": button, "enctype": enctype},
        status=422 if form.errors else 200,
    )


@page("people.edit")
def add_alias(request, public_id):
    return _sub_record_page(
        request,
        public_id,
        form=forms.AliasForm(posted(request)),
        title="Add another name",
        button="Add name",
        save=lambda p, d: services.add_alias(request.actor, person_id=p.public_id, **d),
        success="Name added.",
    )


@page("people.edit")
def add_identifier(request, public_id):
    return _sub_record_page(
        request,
        public_id,
        form=forms.IdentifierForm(posted(request)),
        title="Add an identifier",
        button="Add identifier",
        success="Identifier added.",
        save=lambda p, d: services.add_identifier(request.actor, person_id=p.public_id, **d),
    )


def _completed(remove):
    """A save for ``_sub_record_page`` from a service that returns nothing: done once it returns."""

    def save(person, data):
        remove(person, data)
        return True

    return save


@page("people.edit")
def remove_address(request, public_id, address_id):
    return _sub_record_page(
        request,
        public_id,
        form=forms.RemoveForm(posted(request)),
        title="Remove the address",
        button="Remove address",
        success="Address removed.",
        save=_completed(
            lambda p, d: services.remove_address(request.actor, person_id=p.public_id, address_id=address_id, **d)
        ),
    )


@page("people.edit")
def remove_contact(request, public_id, contact_id):
    return _sub_record_page(
        request,
        public_id,
        form=forms.RemoveForm(posted(request)),
        title="Remove the contact",
        button="Remove contact",
        success="Contact removed.",
        save=_completed(
            lambda p, d: services.remove_contact(request.actor, person_id=p.public_id, contact_id=contact_id, **d)
        ),
    )


@page("people.edit")
def end_site_link(request, public_id, link_id):
    return _sub_record_page(
        request,
        public_id,
        form=forms.EndForm(posted(request)),
        title="End the link with this site",
        button="End link",
        success="Link with the site ended.",
        save=lambda p, d: services.end_site_link(request.actor, person_id=p.public_id, link_id=link_id, **d),
    )


@page("people.edit")
def end_allocation(request, public_id, allocation_id):
    return _sub_record_page(
        request,
        public_id,
        form=forms.EndForm(posted(request)),
        title="Take the person off this caseload",
        button="End allocation",
        success="Allocation ended.",
        save=lambda p, d: services.end_allocation(
            request.actor, person_id=p.public_id, allocation_id=allocation_id, **d
        ),
    )


@page("people.add_alert")
def add_alert(request, public_id):
    return _sub_record_page(
        request,
        public_id,
        form=forms.AlertForm(posted(request)),
        title="Add an alert",
        button="Add alert",
        tab="alerts",
        success="Alert added.",
        save=lambda p, d: services.add_alert(request.actor, person_id=p.public_id, **d),
    )


@page("people.manage_portal_accounts")
def open_portal_account(request, public_id):
    """Open the participant's portal account; the one-time password is shown on this answer only (never
    stored in a message or the session), to be handed over in person."""
    person, redirect_to = _person_or_redirect(request, public_id)
    if redirect_to:
        return redirect_to
    form = forms.PortalAccountForm(posted(request))
    if request.method == "POST" and form.is_valid():
        opened = service_errors_on(
            form,
            lambda: services.open_portal_account(request.actor, person.public_id, **form.cleaned_data),
        )
        if opened is not None:
            user, password = opened
            shown = {"person": person, "username": user.username, "password": password}
            return render(request, "people/portal_opened.html", shown)
    return render(
        request,
        "people/form_page.html",
        {"form": form, "person": person, "title": "Open a portal account", "button": "Open portal account"},
        status=422 if form.errors else 200,
    )


@page("people.manage_portal_accounts")
def close_portal_account(request, public_id):
    return _sub_record_page(
        request,
        public_id,
        form=forms.ClosePortalAccountForm(posted(request)),
        title="Close the portal account",
        button="Close portal account",
        success="Portal account closed. The participant can no longer sign in.",
        save=lambda p, d: services.close_portal_account(request.actor, p.public_id, reason=d["reason"]),
    )


@page("people.close_alert")
def close_alert(request, public_id, alert_id):
    return _sub_record_page(
        request,
        public_id,
        form=forms.CloseAlertForm(posted(request)),
        title="Close the alert",
        button="Close alert",
        tab="alerts",
        success="Alert closed.",
        save=lambda p, d: services.close_alert(request.actor, person_id=p.public_id, alert_id=alert_id, **d),
    )


@page("people.add_note")
def add_note(request, public_id):
    form = forms.CaseNoteForm(posted(request), note_types=queries.readable_note_types(request.actor))
    return _sub_record_page(
        request,
        public_id,
        form=form,
        title="Add a case note",
        button="Add note",
        tab="notes",
        success="Note added.",
        save=lambda p, d: services.add_case_note(request.actor, person_id=p.public_id, **d),
    )


@page("people.merge")
def merge(request, public_id):
    """Merge this record with another: choose which survives, give a reason, confirm."""
    person, redirect_to = _person_or_redirect(request, public_id)
    if redirect_to:
        return redirect_to
    form = forms.MergeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            other = queries.get_person_by_system_number(request.actor, data["other_system_number"])
        except NotFound:
            form.add_error("other_system_number", "No record with that system number was found.")
        else:
            survivor, duplicate = (person, other) if data["survivor"] == "this" else (other, person)
            outcome = service_errors_on(
                form,
                lambda: services.merge_people(
                    request.actor,
                    survivor_id=survivor.public_id,
                    duplicate_id=duplicate.public_id,
                    reason=data["reason"],
                ),
            )
            if outcome is not None:
                messages.success(request, f"Records merged. {duplicate.system_number} now points to this record.")
                return redirect("people:profile_tab", public_id=survivor.public_id, tab="timeline")
    return render(request, "people/merge.html", {"form": form, "person": person}, status=422 if form.errors else 200)


# --- photographs ---------------------------------------------------------------------------------


class _PhotoSizeLimit(FileUploadHandler):
    """Stops reading an upload as soon as it passes the photo limit (FILE-1: enforced while
    streaming, so an oversized body is never held in memory or on disk)."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > rules.PHOTO_MAX_BYTES:
            self.request.oms_upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


@csrf_exempt  # the upload handler must be installed before CSRF reads the body; checked just below
@page("people.edit")
def add_photo(request, public_id):
    request.upload_handlers.insert(0, _PhotoSizeLimit(request))
    return _add_photo(request, public_id)


@csrf_protect
def _add_photo(request, public_id):
    form = forms.PhotoForm(*posted(request, files=True))
    if getattr(request, "oms_upload_too_large", False):
        form = forms.PhotoForm({})
        form.add_error("photo", "The selected file must be smaller than 2 MB")
        return _sub_record_page(
            request,
            public_id,
            form=form,
            title="Add a photograph",
            button="Upload",
            save=None,
            enctype="multipart/form-data",
        )

    def save(person, data):
        upload = data["photo"]
        return services.add_photo(
            request.actor, person_id=person.public_id, filename=upload.name, content=upload.read()
        )

    return _sub_record_page(
        request,
        public_id,
        form=form,
        title="Add a photograph",
        button="Upload",
        save=save,
        success="Photograph added.",
        enctype="multipart/form-data",
    )


@page("people.view")
def photo(request, public_id):
    """The current photograph, served as an attachment under a sandbox CSP (FILE-1)."""
    person, redirect_to = _person_or_redirect(request, public_id)
    if redirect_to:
        return redirect_to
    current = queries.current_photo(request.actor, person)
    if current is None:
        raise Http404
    response = HttpResponse(bytes(current.content), content_type=current.content_type)
    extension = "png" if current.content_type == "image/png" else "jpg"
    response["Content-Disposition"] = f'attachment; filename="photo.{extension}"'
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
