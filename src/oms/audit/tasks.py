"""Background jobs of the audit trail.

``purge_expired_events`` runs daily (AUD-4, AUD-6): settings.SCHEDULE names it, ``oms run_schedule``
enqueues it when due and the django-tasks database worker runs it. ``oms audit purge`` runs the same
service by hand.
"""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from oms.audit import services
from oms.core.actor import Actor


@task()
def purge_expired_events() -> dict:
    with transaction.atomic():
        result = services.purge_expired_events(Actor.system(channel="job", name="audit.retention"))
    return {"events": result.events, "first_seq": result.first_seq, "last_seq": result.last_seq}
