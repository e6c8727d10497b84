"""Estate pages: thin. Each parses a form, calls one query or service and renders the page. Reading
needs facilities.view; changing needs facilities.manage_locations (change links are hidden without it
and the services refuse anyway). URLs carry only public ids."""

from __future__ import annotations

from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from oms.core.errors import NotFound, RuleViolation
from oms.facilities import forms, queries, rules, services
from oms.facilities.models import Location
from oms.web.access import page
from oms.web.forms import posted, service_errors_on

MANAGE = "facilities.manage_locations"
# Beyond this many rows the whole-site table is too long to read or render quickly: the page asks
# for a unit instead.
TREE_PAGE_LIMIT = 2000


def _tree_url(location: Location) -> str:
    unit_key = location.key.split("-")[0]
    unit = Location.objects.filter(site_id=location.site_id, key=unit_key, kind=Location.Kind.UNIT).first()
    url = reverse("facilities:site", args=[location.site.public_id])
    return f"{url}?unit={unit.public_id}#loc-{location.public_id}" if unit else f"{url}#loc-{location.public_id}"


@page("facilities.view")
def locations(request):
    """The sites in the actor's reach, each linking to its location tree."""
    return render(request, "facilities/sites.html", {"sites": queries.sites_in_view(request.actor)})


@page("facilities.view")
def site(request, site_id):
    """A site's tree as a table indented by depth, optionally narrowed to one unit (?unit=<id>)."""
    actor = request.actor
    the_site = queries.get_site(actor, site_id)
    units = queries.units_of(the_site)
    chosen = request.GET.get("unit", "")
    unit = next((u for u in units if str(u.public_id) == chosen), None)
    too_long = unit is None and queries.location_count(the_site) > TREE_PAGE_LIMIT
    nodes = queries.site_tree(actor, the_site, under=unit, top_level_only=too_long)
    can_manage = actor.has(MANAGE)
    rows = [
        {
            "node": node,
            "indent": min(node.location.depth * 2, 9),
            "container": node.location.kind in ("unit", "wing", "landing"),
            "can_add": bool(rules.allowed_kinds_under(node.location.kind)),
        }
        for node in nodes
    ]
    return render(
        request,
        "facilities/site.html",
        {
            "site": the_site,
            "units": units,
            "unit": unit,
            "rows": rows,
            "too_long": too_long,
            "can_manage": can_manage,
        },
    )


@page(MANAGE)
def add_location(request, site_id):
    """Add a location under the chosen parent (?parent=<id>, kept in a hidden field) or at the top."""
    actor = request.actor
    the_site = queries.get_site(actor, site_id, permission=MANAGE)
    parent_id = (request.POST.get("parent") if request.method == "POST" else request.GET.get("parent")) or ""
    parent = None
    if parent_id:
        parent = queries.get_location(actor, parent_id, permission=MANAGE)
        if parent.site_id != the_site.pk:
            raise NotFound("Location not found.", code="facilities.location_not_found")
    allowed = rules.allowed_kinds_under(parent.kind if parent else rules.ROOT)
    if not allowed:
        raise RuleViolation(
            f"Nothing can be added under {rules.kind_label(parent.kind)}.", code="facilities.kind_not_allowed"
        )
    form = forms.NewLocationForm(posted(request), allowed_kinds=allowed)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        location = service_errors_on(
            form,
            lambda: services.create_location(
                actor, site_id=the_site.public_id, parent_id=parent.public_id if parent else None, **data
            ),
        )
        if location is not None:
            messages.success(request, f"Location {location.key} added.")
            return redirect(_tree_url(location))
    return render(
        request,
        "facilities/form_page.html",
        {
            "form": form,
            "site": the_site,
            "parent": parent,
            "title": f"Add a location under {parent.key}" if parent else "Add a top-level location",
            "button": "Add location",
            "hidden": {"parent": parent.public_id} if parent else {},
        },
        status=422 if form.errors else 200,
    )


@page(MANAGE)
def edit_location(request, location_id):
    """Change a location's attributes and capacities."""
    actor = request.actor
    location = queries.get_location(actor, location_id, permission=MANAGE)
    initial = {f: getattr(location, f) for f in services.EDITABLE_FIELDS}
    form = forms.EditLocationForm(posted(request), initial={**initial, "version": location.version}, kind=location.kind)
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        version = changes.pop("version")
        updated = service_errors_on(
            form,
            lambda: services.update_location(actor, location_id=location.public_id, version=version, **changes),
        )
        if updated is not None:
            messages.success(request, f"Location {location.key} saved.")
            return redirect(_tree_url(location))
    return render(
        request,
        "facilities/form_page.html",
        {
            "form": form,
            "site": location.site,
            "location": location,
            "title": f"Change {location.get_kind_display().lower()} {location.key}",
            "button": "Save changes",
        },
        status=422 if form.errors else 200,
    )


@page(MANAGE)
def deactivate_location(request, location_id):
    """Take a location out of use with a reason and an optional expected return date."""
    actor = request.actor
    location = queries.get_location(actor, location_id, permission=MANAGE)
    form = forms.DeactivateForm(posted(request), initial={"version": location.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = service_errors_on(
            form,
            lambda: services.deactivate_location(
                actor,
                location_id=location.public_id,
                reason=data["reason"],
                expected_return_on=data["expected_return_on"],
                version=data["version"],
            ),
        )
        if done is not None:
            messages.success(request, f"Location {location.key} deactivated.")
            return redirect(_tree_url(location))
    return render(
        request,
        "facilities/form_page.html",
        {
            "form": form,
            "site": location.site,
            "location": location,
            "title": f"Deactivate {location.get_kind_display().lower()} {location.key}",
            "lead": "Everything inside it will be out of use too until it is reactivated.",
            "button": "Deactivate",
            "warning_button": True,
        },
        status=422 if form.errors else 200,
    )


@page(MANAGE)
def reactivate_location(request, location_id):
    """Bring a deactivated location back into use (a confirmation page, then a POST)."""
    actor = request.actor
    location = queries.get_location(actor, location_id, permission=MANAGE)
    form = forms.ReactivateForm(posted(request), initial={"version": location.version})
    if request.method == "POST" and form.is_valid():
        done = service_errors_on(
            form,
            lambda: services.reactivate_location(
                actor, location_id=location.public_id, version=form.cleaned_data["version"]
            ),
        )
        if done is not None:
            messages.success(request, f"Location {location.key} reactivated.")
            return redirect(_tree_url(location))
    lead = (
        f"Out of use since {location.deactivated_on:%-d %B %Y}: {location.deactivated_reason}."
        if (location.deactivated_on)
        else ""
    )
    return render(
        request,
        "facilities/form_page.html",
        {
            "form": form,
            "site": location.site,
            "location": location,
            "title": f"Reactivate {location.get_kind_display().lower()} {location.key}",
            "lead": lead,
            "button": "Reactivate",
        },
        status=422 if form.errors else 200,
    )


class _CsvSizeLimit(FileUploadHandler):
    """Stops reading an upload as soon as it passes the import limit (FILE-1: enforced while
    streaming, so an oversized file is never held in memory or on disk)."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > rules.MAX_IMPORT_BYTES:
            self.request.oms_upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


@csrf_exempt  # the upload handler must be installed before CSRF reads the body; checked just below
@page(MANAGE)
def import_locations(request, site_id):
    request.upload_handlers.insert(0, _CsvSizeLimit(request))
    return _import_locations(request, site_id)


@csrf_protect
def _import_locations(request, site_id):
    """Import a location tree from an uploaded or pasted CSV; shows the report of rejected rows."""
    actor = request.actor
    the_site = queries.get_site(actor, site_id, permission=MANAGE)
    form = forms.ImportForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        # csrf_protect has read the body by now, so the size limit has already had its say.
        too_large=getattr(request, "oms_upload_too_large", False),
    )
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = service_errors_on(
            form,
            lambda: services.import_locations(
                actor, site_id=the_site.public_id, csv_text=data["text"], dry_run=data["dry_run"]
            ),
        )
    return render(
        request,
        "facilities/import.html",
        {"form": form, "site": the_site, "report": report, "columns": rules.CSV_COLUMNS},
        status=422 if form.errors else 200,
    )


@page("facilities.view")
def export_locations(request, site_id):
    """The site's tree as a CSV file in the import format."""
    the_site = queries.get_site(request.actor, site_id)
    response = HttpResponse(queries.locations_csv(request.actor, the_site), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="locations-{the_site.code}.csv"'
    return response
