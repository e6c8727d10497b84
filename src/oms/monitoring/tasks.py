"""Monitoring background jobs (to be listed in ``settings.SCHEDULE``: silent devices every few minutes,
the fix purge daily). Thin: each runs one service as the system in its own transaction."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from oms.core.actor import Actor
from oms.monitoring.services import alcohol, fixes


@task()
def check_silent_devices() -> int:
    """Open a no-fix alert for each order whose devices have gone quiet for longer than the gap."""
    with transaction.atomic():
        return fixes.check_silent_devices(Actor.system(name="monitoring"))


@task()
def check_missed_alcohol_tests() -> int:
    """Open an alcohol_test_missed alert for each order whose scheduled breath-test window ended untested."""
    with transaction.atomic():
        return alcohol.check_missed_alcohol_tests(Actor.system(name="monitoring"))


@task()
def purge_fixes() -> int:
    """The daily fix-table upkeep: create the coming days' partitions (PostgreSQL), then remove fixes older
    than the retention period (OMS_MONITORING["FIX_RETENTION_DAYS"]; expired day partitions are dropped)."""
    actor = Actor.system(name="monitoring")
    with transaction.atomic():
        fixes.prepare_partitions(actor)
    with transaction.atomic():
        return fixes.purge_fixes(actor)
