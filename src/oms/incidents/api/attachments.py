"""Evidence attachments on incidents (security.md FILE-1), under /api/v1/incidents:
list an incident's attachments, upload one (multipart, field ``file``), download one.

An upload plainly over the limit is refused from its declared length before anything is read; the
service then reads the file in chunks and stops at the first byte over the limit.
"""

import datetime as dt
import uuid

from django.http import FileResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from oms.core.errors import RuleViolation
from oms.incidents.queries import attachments as queries
from oms.incidents.services import attachments as services
from oms.web.access import api
from oms.web.api_schemas import ERRORS

router = Router()

# Multipart framing around the file: boundaries, part headers, the description field.
_MULTIPART_ALLOWANCE = 64 * 1024
_BINARY = {"schema": {"type": "string", "format": "binary"}}


class IncidentAttachmentOut(Schema):
    id: str
    incident_id: str
    name: str
    content_type: str
    size: int
    sha256: str
    description: str
    uploaded_by: str | None
    uploaded_at: dt.datetime


def _out(attachment, incident) -> dict:
    return {
        "id": str(attachment.public_id),
        "incident_id": str(incident.public_id),
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "description": attachment.description,
        "uploaded_by": attachment.uploaded_by.username if attachment.uploaded_by_id else None,
        "uploaded_at": attachment.uploaded_at,
    }


@router.get(
    "/{incident_id}/attachments",
    response={200: list[IncidentAttachmentOut], **ERRORS},
    summary="An incident's evidence attachments, oldest first",
)
@api("incidents.view")
def list_attachments(request, incident_id: uuid.UUID):
    incident, rows = queries.attachments_for(request.actor, incident_id)
    return Status(200, [_out(row, incident) for row in rows])


@router.post(
    "/{incident_id}/attachments",
    response={201: IncidentAttachmentOut, **ERRORS},
    summary="Add evidence to an incident that is not closed (JPEG, PNG, PDF or text; size limit applies)",
)
@api("authenticated")  # incidents.report or incidents.review, checked by the service
def add_attachment(request, incident_id: uuid.UUID, file: File[UploadedFile], description: Form[str] = ""):
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > services.max_bytes() + _MULTIPART_ALLOWANCE:
        raise services.too_large_error()
    if len(description) > 500:
        raise RuleViolation(
            "Description must be 500 characters or fewer", code="incidents.attachment_description", field="description"
        )
    attachment = services.add_attachment(
        request.actor,
        incident_id=incident_id,
        filename=file.name or "",
        chunks=file.chunks(),
        description=description,
    )
    return Status(201, _out(attachment, attachment.incident))


@router.get(
    "/{incident_id}/attachments/{attachment_id}",
    response={**ERRORS},
    summary="Download one attachment (audited); always a download, never shown inline",
    openapi_extra={"responses": {"200": {"description": "The file", "content": {"application/octet-stream": _BINARY}}}},
)
@api("incidents.view")
def download_attachment(request, incident_id: uuid.UUID, attachment_id: uuid.UUID):
    attachment, path = queries.open_attachment(request.actor, incident_id, attachment_id)
    return download_response(attachment, path)


def download_response(attachment, path) -> FileResponse:
    """The bytes as a download under a sandbox CSP with sniffing off, so a crafted file can never run
    as a page of OMS (FILE-1). Shared with the page view."""
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
