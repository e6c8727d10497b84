"""The security level of a custody episode follows the person's custody classification assessment.

Assessment sits below custody and announces a completed assessment with ``assessment.assessment_completed``
(handled in the completing transaction), and an approved override with
``assessment.assessment_overridden``. When the instrument is the custody classification one, the
person's open custody episode takes the band in force as its ``security_level`` (the bands are the
facility security levels: the instrument loader refuses any other band name). Reception's provisional
level is replaced; housing then checks beds against the new level.

The change is made on behalf of whoever completed the assessment (no custody permission is needed:
the assessor's decision is the authority) and audited as ``custody.security_level_updated``.
"""

from __future__ import annotations

from oms.assessment.instruments import CLASSIFICATION_CODE, SECURITY_LEVELS
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.events import Event
from oms.custody.models import CustodyEpisode


def apply_classification(actor: Actor, event: Event) -> None:
    """Set the open episode's security level to a completed (or approved override of a) current
    classification's band in force, when it differs."""
    payload = event.payload
    if payload.get("instrument") != CLASSIFICATION_CODE or payload.get("band") not in SECURITY_LEVELS:
        return
    if payload.get("is_current") is False:  # an override of an older, superseded classification
        return
    episode = (
        CustodyEpisode.objects.select_for_update()
        .filter(person__public_id=payload["person_id"], status=CustodyEpisode.Status.ACTIVE)
        .first()
    )
    if episode is None or episode.security_level == payload["band"]:
        return
    before = episode.security_level
    episode.security_level = payload["band"]
    episode.version += 1
    episode.updated_at = clock.now()
    episode.save(update_fields=["security_level", "version", "updated_at"])
    record_event(
        actor,
        "custody.security_level_updated",
        object_type="custody_episode",
        object_id=str(episode.public_id),
        subject_person_id=episode.person_id,
        site_id=episode.site_id,
        changed_fields=["security_level"],
        details={
            "before": before or None,
            "after": episode.security_level,
            "assessment_id": payload.get("assessment_id"),
            "instrument_version": payload.get("instrument_version"),
            "because": event.name,
        },
    )
