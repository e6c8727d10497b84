"""Adding evidence to an incident (security.md FILE-1).

The upload is streamed chunk by chunk into a temporary file in the private attachments folder: the size
limit is checked as each chunk arrives (reading stops at the first byte over it), the SHA-256 is
computed on the way, the first bytes are checked against the extension, a scanner may refuse it, and
only then is it renamed to its generated name and recorded. Whatever is refused leaves nothing on disk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied, RuleViolation
from oms.incidents.models import Attachment, Incident
from oms.incidents.queries.attachments import incident_in_scope
from oms.incidents.rules import uploads as rules

FIELD = "file"

# A scanner is called with the temporary file's path and answers None (clean) or a reason to refuse.
Scanner = Callable[..., str | None]
_registered_scanners: list[Scanner] = []


def register_scanner(scanner: Scanner) -> None:
    """Add a scanner (an anti-virus bridge, say) run on every upload before it is kept."""
    if scanner not in _registered_scanners:
        _registered_scanners.append(scanner)


def unregister_scanner(scanner: Scanner) -> None:
    if scanner in _registered_scanners:
        _registered_scanners.remove(scanner)


def _scanners() -> list[Scanner]:
    configured = getattr(settings, "INCIDENT_ATTACHMENT_SCANNER", "")
    found = list(_registered_scanners)
    if configured:
        found.insert(0, configured if callable(configured) else import_string(configured))
    return found


def max_bytes() -> int:
    return int(settings.INCIDENT_ATTACHMENT_MAX_BYTES)


def too_large_error() -> RuleViolation:
    return RuleViolation(
        f"The selected file must be smaller than {rules.size_label(max_bytes())}",
        code="incidents.attachment_too_large",
        field=FIELD,
    )


def _folder() -> Path:
    folder = Path(settings.INCIDENT_ATTACHMENTS_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _incident_for_upload(actor: Actor, incident_id) -> Incident:
    if not (actor.has("incidents.report") or actor.has("incidents.review")):
        raise PermissionDenied("You need the 'incidents.report' permission.", code="auth.permission_denied")
    incident = incident_in_scope(actor, incident_id)
    if incident.status == Incident.Status.CLOSED:
        raise RuleViolation(
            "Evidence cannot be added to a closed incident.", code="incidents.attachment_incident_closed", field=FIELD
        )
    return incident


def add_attachment(
    actor: Actor, *, incident_id, filename: str, chunks: Iterable[bytes], description: str = ""
) -> Attachment:
    """Add evidence to an incident that is not closed (incidents.report or incidents.review, facility in
    scope). Always an addition: on a submitted incident nothing is replaced. Audited as
    ``incidents.attachment_added`` with the size and hash, never the content or the path."""
    incident = _incident_for_upload(actor, incident_id)
    if not rules.extension_allowed(filename):
        raise RuleViolation(
            f"The selected file must be a {rules.ALLOWED_LABEL}", code="incidents.attachment_type", field=FIELD
        )
    description = (description or "").strip()
    if len(description) > 500:
        raise RuleViolation(
            "Description must be 500 characters or fewer", code="incidents.attachment_description", field="description"
        )
    folder = _folder()
    stored_name = f"{uuid.uuid4().hex}.bin"  # no part of the uploaded name ever reaches the disk
    partial = folder / f".{stored_name}.part"
    limit = max_bytes()
    digest = hashlib.sha256()
    head = b""
    size = 0
    try:
        with open(partial, "xb") as out:
            for chunk in chunks:
                size += len(chunk)
                if rules.too_large(size, limit):
                    raise too_large_error()
                if len(head) < rules.HEAD_BYTES:
                    head += chunk[: rules.HEAD_BYTES - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise RuleViolation("Select a file", code="incidents.attachment_required", field=FIELD)
        content_type = rules.content_type_for(filename, head)
        if content_type is None:
            raise RuleViolation(
                "The selected file's contents do not match its type", code="incidents.attachment_content", field=FIELD
            )
        display = rules.display_name(filename)
        for scanner in _scanners():
            reason = scanner(partial, content_type=content_type, original_name=display)
            if reason:
                raise RuleViolation(
                    "The selected file was refused by the file scanner",
                    code="incidents.attachment_refused",
                    field=FIELD,
                )
        final = folder / stored_name
        os.replace(partial, final)
        try:
            with transaction.atomic():
                attachment = Attachment.objects.create(
                    incident=incident,
                    original_name=display,
                    stored_name=stored_name,
                    content_type=content_type,
                    size=size,
                    sha256=digest.hexdigest(),
                    uploaded_by_id=actor.user_id,
                    uploaded_at=clock.now(),
                    description=description,
                )
                record_event(
                    actor,
                    "incidents.attachment_added",
                    object_type="incident_attachment",
                    object_id=attachment.pk,
                    site_id=incident.facility_id,
                    details={
                        "incident": incident.reference,
                        "size": size,
                        "sha256": attachment.sha256,
                        "content_type": content_type,
                    },
                )
        except BaseException:
            final.unlink(missing_ok=True)
            raise
        return attachment
    finally:
        partial.unlink(missing_ok=True)


SWEEP_GRACE = dt.timedelta(hours=1)  # never touch a file an upload may still be writing or committing


def sweep_unreferenced_files(actor: Actor, *, dry_run: bool = False, now: dt.datetime | None = None) -> list[str]:
    """Remove evidence files that no attachment row names (an upload whose transaction rolled back after
    the rename, or a process killed mid-upload), older than ``SWEEP_GRACE``. Returns the names removed
    (or that would be, with ``dry_run``). Audited once as ``incidents.attachment_files_swept`` with the
    count. ``incidents.manage_types`` or the system actor (an operator's job)."""
    actor.require("incidents.manage_types")
    folder = Path(settings.INCIDENT_ATTACHMENTS_DIR)
    if not folder.is_dir():
        return []
    cutoff = ((now or clock.now()) - SWEEP_GRACE).timestamp()
    candidates = [
        path
        for path in folder.iterdir()
        if path.is_file() and (path.suffix == ".bin" or path.name.endswith(".part")) and path.stat().st_mtime < cutoff
    ]
    known = set(
        Attachment.objects.filter(stored_name__in=[p.name for p in candidates]).values_list("stored_name", flat=True)
    )
    orphans = sorted(p.name for p in candidates if p.name not in known)
    if not dry_run:
        for name in orphans:
            (folder / name).unlink(missing_ok=True)
        if orphans:
            record_event(
                actor,
                "incidents.attachment_files_swept",
                object_type="incident_attachment",
                object_id="",
                details={"removed": len(orphans)},
            )
    return orphans
