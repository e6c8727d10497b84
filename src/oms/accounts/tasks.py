"""Background jobs for accounts.

``disable_inactive_accounts`` runs daily (AUTH-8). Schedule it with cron calling
``oms disable_inactive_accounts`` (the same service in one transaction per account), or enqueue this
task from a scheduler; the django-tasks database worker (``oms db_worker``) then runs it.
"""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from oms.accounts import services
from oms.core.actor import Actor


@task()
def disable_inactive_accounts() -> dict[str, int]:
    with transaction.atomic():
        return services.disable_inactive_accounts(Actor.system(channel="job", name="accounts.inactivity"))
