"""Pages: evidence attachments on an incident (security.md FILE-1): the list with an upload form, and
the download. The incident page includes ``incidents/attachments/_list.html`` for the list."""

from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from oms.incidents.api.attachments import download_response
from oms.incidents.forms.attachments import AttachmentForm
from oms.incidents.models import Incident
from oms.incidents.queries import attachments as queries
from oms.incidents.rules import uploads as rules
from oms.incidents.services import attachments as services
from oms.web.access import page
from oms.web.forms import posted, service_errors_on


class _AttachmentSizeLimit(FileUploadHandler):
    """Stops reading the request as soon as the file passes the limit (FILE-1: enforced while
    streaming, so an oversized body is never held in memory or written to disk)."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if rules.too_large(self.received, services.max_bytes()):
            self.request.oms_upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def _context(request, incident_id, form):
    incident, rows = queries.attachments_for(request.actor, incident_id)
    actor = request.actor
    can_upload = incident.status != Incident.Status.CLOSED and (
        actor.has("incidents.report") or actor.has("incidents.review")
    )
    return {
        "incident": incident,
        "attachments": rows,
        "form": form,
        "can_upload": can_upload,
        "size_limit": rules.size_label(services.max_bytes()),
    }


@page("incidents.view")
def attachments(request, incident_id):
    return render(request, "incidents/attachments/attachments.html", _context(request, incident_id, AttachmentForm()))


@csrf_exempt  # the size-limit handler must be installed before CSRF reads the body; checked just below
@page("incidents.view")
def upload(request, incident_id):
    request.upload_handlers.insert(0, _AttachmentSizeLimit(request))
    return _upload(request, incident_id)


@csrf_protect
def _upload(request, incident_id):
    if request.method != "POST":
        return redirect("incidents:attachments", incident_id=incident_id)
    form = AttachmentForm(*posted(request, files=True))
    # Read before the service runs: a refused upload marks the transaction for rollback.
    context = _context(request, incident_id, form)
    if getattr(request, "oms_upload_too_large", False):
        form = AttachmentForm({"description": request.POST.get("description", "")})
        form.add_error("file", services.too_large_error().detail)
        context["form"] = form
    elif form.is_valid():
        upload_file = form.cleaned_data["file"]
        added = service_errors_on(
            form,
            lambda: services.add_attachment(
                request.actor,
                incident_id=incident_id,
                filename=upload_file.name or "",
                chunks=upload_file.chunks(),
                description=form.cleaned_data["description"],
            ),
        )
        if added is not None:
            messages.success(request, f"{added.original_name} added.")
            return redirect("incidents:attachments", incident_id=incident_id)
    return render(request, "incidents/attachments/attachments.html", context, status=422)


@page("incidents.view")
def download(request, incident_id, attachment_id):
    attachment, file_path = queries.open_attachment(request.actor, incident_id, attachment_id)
    return download_response(attachment, file_path)


urlpatterns = [
    path("<uuid:incident_id>/attachments/", attachments, name="attachments"),
    path("<uuid:incident_id>/attachments/upload/", upload, name="attachment_upload"),
    path("<uuid:incident_id>/attachments/<uuid:attachment_id>/", download, name="attachment_download"),
]
