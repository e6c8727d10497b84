"""Background jobs of the supervision app: remote check-ins."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from oms.core.actor import Actor
from oms.supervision.services import checkins


@task()
def expire_check_ins() -> int:
    """Hourly: expire the check-ins not submitted by the end of their window and grace period."""
    with transaction.atomic():
        return checkins.expire_check_ins(Actor.system(channel="job"))


@task()
def send_check_in_reminders() -> dict[str, int]:
    """Hourly: open the check-ins schedules make due and send each notice once (open now, reminder
    before it closes, the officer's notice of a flagged submission)."""
    with transaction.atomic():
        return checkins.send_reminders(Actor.system(channel="job"))
