"""Periodic jobs: the small schedule table of the architecture page.

``settings.SCHEDULE`` maps a job name to ``{"task": "<dotted path of a django-tasks task>", "every":
timedelta}``: configuration as data. ``enqueue_due_jobs`` enqueues every job whose time has come and
moves it on by its interval; ``oms run_schedule`` calls it once or in a loop.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from oms.core import clock
from oms.core.models import ScheduledJob


def enqueue_due_jobs(now: dt.datetime | None = None) -> list[str]:
    """Enqueue the jobs due at ``now``; returns their names. A new job is due at once."""
    now = now or clock.now()
    enqueued = []
    for name, spec in settings.SCHEDULE.items():
        with transaction.atomic():
            job, _ = ScheduledJob.objects.get_or_create(name=name, defaults={"next_run_at": now})
            job = ScheduledJob.objects.select_for_update().get(pk=job.pk)
            if job.next_run_at > now:
                continue
            import_string(spec["task"]).enqueue()
            job.last_enqueued_at = now
            job.next_run_at = now + spec["every"]
            job.save(update_fields=["last_enqueued_at", "next_run_at"])
            enqueued.append(name)
    return enqueued
