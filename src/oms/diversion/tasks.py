"""Background jobs of the diversion app."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from oms.core.actor import Actor
from oms.diversion.services.notices import send_due_notices


@task()
def send_diversion_notices() -> dict[str, int]:
    """Daily: reminders before requirement due dates and follow-ups the day after one is missed."""
    with transaction.atomic():
        return send_due_notices(Actor.system(channel="job"))
