"""Photographs of a person (FILE-1)."""

from __future__ import annotations

import hashlib

from oms.audit.services import record_event
from oms.core.actor import Actor
from oms.core.errors import RuleViolation
from oms.people import rules
from oms.people.models import PersonPhoto
from oms.people.services._common import _person_for_change, _touch


def add_photo(actor: Actor, *, person_id, filename: str, content: bytes) -> PersonPhoto:
    """Add a photograph, which becomes the current one (people.edit). JPEG or PNG only, checked by
    extension and by the file's first bytes, at most ``rules.PHOTO_MAX_BYTES``. Audited as
    ``people.photo_added`` with the size and hash, never the image."""
    person = _person_for_change(actor, "people.edit", person_id)
    if len(content) > rules.PHOTO_MAX_BYTES:
        raise RuleViolation("The selected file must be smaller than 2 MB", code="people.photo_too_large", field="photo")
    if not content:
        raise RuleViolation("Select a photograph", code="people.required", field="photo")
    content_type = rules.photo_content_type(filename, content[:16])
    if content_type is None:
        raise RuleViolation("The selected file must be a JPEG or PNG", code="people.photo_type", field="photo")
    photo = PersonPhoto.objects.create(
        person=person,
        content=content,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by_id=actor.user_id,
    )
    _touch(person)
    record_event(
        actor,
        "people.photo_added",
        object_type="person_photo",
        object_id=photo.pk,
        subject_person_id=person.pk,
        changed_fields=["photo"],
        details={"size": photo.size, "sha256": photo.sha256, "content_type": content_type},
    )
    return photo
