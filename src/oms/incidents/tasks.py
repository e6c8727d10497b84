"""Background jobs of the incidents app."""

from __future__ import annotations

from django_tasks import task

from oms.core.actor import Actor
from oms.incidents.services import adjudications
from oms.incidents.services.attachments import sweep_unreferenced_files


@task()
def expire_suspended_punishments() -> int:
    """Daily: suspended punishments whose suspension ended without activation become expired
    (Prison Rules 1999 r.57), so they leave the adjudicators' lists and can no longer be activated."""
    return adjudications.expire_suspensions(Actor.system(channel="job"))


@task()
def sweep_attachment_files() -> int:
    """Daily: remove evidence files no attachment row names (see ``sweep_unreferenced_files``)."""
    return len(sweep_unreferenced_files(Actor.system(channel="job")))
