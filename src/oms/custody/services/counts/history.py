"""The compliance record of missed counts, written by the scheduled job."""

from __future__ import annotations

from oms.audit.models import AuditEvent
from oms.audit.services import record_event
from oms.core.actor import Actor
from oms.custody.queries.counts import missed_slots
from oms.facilities.models import Site


def record_missed_counts(actor: Actor, *, days: int = 2) -> int:
    """Write a compliance record for each count time that was missed (due, past the late tolerance,
    never started) over the last ``days`` local days at every prison in reach, once per count time
    and due time: one audit event ``custody.count_missed`` each. The history shows missed counts
    whether or not this ran; the event makes the breach part of the tamper-evident trail.
    ``custody.manage_counts`` (the scheduled job runs as the system actor). Returns how many were
    written."""
    actor.require("custody.manage_counts")
    written = 0
    sites = Site.objects.filter(kind=Site.Kind.PRISON, active=True, count_times__active=True).distinct()
    for site in sites:
        if not actor.can_reach_site(site.pk, site.organisation_id):
            continue
        slots = missed_slots(site, days=days)
        keys = {f"{slot.count_time_id}@{slot.due_at:%Y-%m-%dT%H:%MZ}": slot for slot in slots}
        done = set(
            AuditEvent.objects.filter(
                action="custody.count_missed", object_type="count_time", object_id__in=list(keys)
            ).values_list("object_id", flat=True)
        )
        for key, slot in keys.items():
            if key in done:
                continue
            record_event(
                actor,
                "custody.count_missed",
                object_type="count_time",
                object_id=key,
                site_id=site.pk,
                details={"name": slot.name, "due_at": slot.due_at.isoformat()},
            )
            written += 1
    return written
