"""Background jobs for accounts.

``disable_inactive_accounts`` runs daily (AUTH-8): settings.SCHEDULE names it, ``oms run_schedule``
enqueues it when due and the django-tasks database worker (``oms db_worker``) runs it. ``oms
disable_inactive_accounts`` runs the same service by hand.
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
