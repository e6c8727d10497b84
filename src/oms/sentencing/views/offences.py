"""Offence catalogue pages: search the catalogue, import it from CSV (upload or paste, with a report of
each rejected row) and download it in the import format."""

from __future__ import annotations

from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from oms.sentencing.forms import offences as forms
from oms.sentencing.queries import offences as queries
from oms.sentencing.rules import records as rules
from oms.sentencing.services import offences as services
from oms.web.access import AUTHENTICATED, page
from oms.web.forms import posted, service_errors_on

MANAGE = "sentencing.manage_offences"
PAGE_SIZE = 50


@page(AUTHENTICATED)  # sentencing.view or sentencing.manage_offences, checked by the query
def offences(request):
    form = forms.OffenceSearchForm(request.GET or None)
    text, include_inactive = "", False
    if form.is_valid():
        text, include_inactive = form.cleaned_data["q"], form.cleaned_data["include_inactive"]
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    found, count = queries.search_offences(
        request.actor,
        text=text,
        include_inactive=include_inactive,
        limit=PAGE_SIZE,
        offset=(page_number - 1) * PAGE_SIZE,
    )
    return render(
        request,
        "sentencing/records/offences.html",
        {
            "form": form,
            "offences": found,
            "count": count,
            "page_number": page_number,
            "has_next": page_number * PAGE_SIZE < count,
            "can_manage": request.actor.has(MANAGE),
            "query_text": text,
            "include_inactive": include_inactive,
        },
    )


class _CsvSizeLimit(FileUploadHandler):
    """Stops reading an upload as soon as it passes the import limit, so an oversized file is never
    held in memory or on disk."""

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
def offences_import(request):
    request.upload_handlers.insert(0, _CsvSizeLimit(request))
    return _offences_import(request)


@csrf_protect
def _offences_import(request):
    form = forms.OffenceImportForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        too_large=getattr(request, "oms_upload_too_large", False),
    )
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = service_errors_on(
            form, lambda: services.import_offences(request.actor, csv_text=data["text"], dry_run=data["dry_run"])
        )
    return render(
        request,
        "sentencing/records/offences_import.html",
        {"form": form, "report": report, "columns": rules.OFFENCE_COLUMNS, "flags": rules.OFFENCE_FLAGS},
        status=422 if form.errors else 200,
    )


@page(AUTHENTICATED)
def offences_export(request):
    response = HttpResponse(queries.offences_csv(request.actor), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="offences.csv"'
    return response


def _entry_page(request, form, title: str):
    return render(
        request,
        "sentencing/records/offence_form.html",
        {"form": form, "title": title},
        status=422 if form.errors else 200,
    )


@page(MANAGE)
def offence_new(request):
    form = forms.OffenceForm(posted(request))
    if request.method == "POST" and form.is_valid():
        offence = service_errors_on(form, lambda: services.create_offence(request.actor, **form.cleaned_data))
        if offence:
            messages.success(request, f"{offence.code} added to the catalogue")
            return redirect(f"{reverse('sentencing:offences')}?q={offence.code}")
    return _entry_page(request, form, "Add an offence code")


@page(MANAGE)
def offence_change(request, code):
    offence = queries.get_offence(request.actor, code)
    initial = {
        "title": offence.title,
        "category": offence.category,
        "severity": offence.severity,
        "flags": list(offence.flags or []),
        "active": offence.active,
    }
    form = forms.OffenceForm(posted(request), initial=initial, existing=True)
    if request.method == "POST" and form.is_valid():
        changed = service_errors_on(
            form, lambda: services.update_offence(request.actor, code=offence.code, changes=form.cleaned_data)
        )
        if changed:
            messages.success(request, f"{changed.code} changed")
            return redirect(f"{reverse('sentencing:offences')}?q={changed.code}&include_inactive=on")
    return _entry_page(request, form, f"Change {offence.code}")


urlpatterns = [
    path("offences/new", offence_new, name="offence_new"),
    path("offences/<str:code>/change", offence_change, name="offence_change"),
    path("offences/", offences, name="offences"),
    path("offences/import", offences_import, name="offences_import"),
    path("offences/export.csv", offences_export, name="offences_export"),
]
