"""Scoped reads of incident evidence: the list on an incident and the download (audited as a read)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from oms.audit.services import record_event
from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.core.ids import parse_public_id
from oms.incidents.models import Attachment, Incident


def incident_in_scope(actor: Actor, incident_id) -> Incident:
    """The incident by public id at a site the actor reaches; otherwise NotFound, exactly as missing."""
    public_id = parse_public_id(incident_id, code="incidents.incident_not_found")
    incident = Incident.objects.select_related("facility", "incident_type").filter(public_id=public_id).first()
    if incident is None or not actor.can_reach_site(incident.facility_id, incident.facility.organisation_id):
        raise NotFound("No such incident.", code="incidents.incident_not_found")
    return incident


def attachments_for(actor: Actor, incident_id) -> tuple[Incident, list[Attachment]]:
    """The incident's evidence, oldest first (incidents.view)."""
    actor.require("incidents.view")
    incident = incident_in_scope(actor, incident_id)
    rows = list(incident.attachments.select_related("uploaded_by").order_by("uploaded_at", "id"))
    return incident, rows


def stored_path(attachment: Attachment) -> Path:
    """Where the bytes live: the private folder and the generated name, never the uploaded name."""
    return Path(settings.INCIDENT_ATTACHMENTS_DIR) / attachment.stored_name


def open_attachment(actor: Actor, incident_id, attachment_id) -> tuple[Attachment, Path]:
    """One attachment of an incident in scope, with its file path; audited as
    ``incidents.attachment_viewed`` (a read of evidence is recorded like a read of a photograph)."""
    actor.require("incidents.view")
    incident = incident_in_scope(actor, incident_id)
    public_id = parse_public_id(attachment_id, code="incidents.attachment_not_found")
    attachment = incident.attachments.filter(public_id=public_id).first()
    if attachment is None:
        raise NotFound("No such attachment.", code="incidents.attachment_not_found")
    path = stored_path(attachment)
    if not path.is_file():
        raise NotFound("The attachment's file is missing.", code="incidents.attachment_file_missing")
    record_event(
        actor,
        "incidents.attachment_viewed",
        object_type="incident_attachment",
        object_id=attachment.pk,
        site_id=incident.facility_id,
        details={"incident": incident.reference, "sha256": attachment.sha256},
    )
    return attachment, path
