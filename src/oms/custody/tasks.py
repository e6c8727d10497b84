"""Background jobs of the custody app."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from oms.core.actor import Actor
from oms.custody.services.counts import record_missed_counts


@task()
def missed_counts() -> int:
    """Hourly: put each missed formal count (a count time with no count started, past the late
    tolerance) on the audit trail once, as ``custody.count_missed``."""
    with transaction.atomic():
        return record_missed_counts(Actor.system(channel="job"), days=2)
