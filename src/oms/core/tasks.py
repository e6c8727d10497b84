"""Background jobs of the kernel."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from oms.core import idempotency


@task()
def purge_idempotency_records() -> int:
    """Daily: forget stored Idempotency-Key answers older than a day (clients retry within minutes)."""
    with transaction.atomic():
        return idempotency.purge_expired()
