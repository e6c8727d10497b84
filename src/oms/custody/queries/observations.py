"""Reading observation plans: people on watch at a site and the checks that are overdue. Scoped by
the actor: a plan at a site out of reach is 404 like a missing one."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import QuerySet

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.custody.models import ObservationPlan
from oms.custody.queries.episodes import site_in_reach


def _plans() -> QuerySet[ObservationPlan]:
    return ObservationPlan.objects.select_related("person", "episode", "site")


def get_plan(actor: Actor, plan_id, *, permission: str = "custody.view", for_update: bool = False) -> ObservationPlan:
    actor.require(permission)
    try:
        public_id = plan_id if isinstance(plan_id, uuid.UUID) else uuid.UUID(str(plan_id))
    except (ValueError, TypeError, AttributeError):
        raise NotFound("Observation plan not found.", code="custody.observation_plan_not_found")
    plans = _plans()
    if for_update:
        plans = plans.select_for_update(of=("self",))
    plan = plans.filter(public_id=public_id).first()
    if plan is None or not actor.can_reach_site(plan.site_id, plan.site.organisation_id):
        raise NotFound("Observation plan not found.", code="custody.observation_plan_not_found")
    return plan


def observation_plans(actor: Actor, site_id) -> list[ObservationPlan]:
    """Open plans at the site (people on watch), the next check due first."""
    site = site_in_reach(actor, site_id)
    return list(_plans().filter(site=site, ended_at__isnull=True).order_by("next_due_at", "pk"))


def overdue_observations(actor: Actor, site_id, at: dt.datetime | None = None) -> list[ObservationPlan]:
    """Open plans at the site whose next check was due before ``at`` (default now), most overdue first."""
    site = site_in_reach(actor, site_id)
    at = at or clock.now()
    return list(_plans().filter(site=site, ended_at__isnull=True, next_due_at__lt=at).order_by("next_due_at", "pk"))


def minutes_overdue(plan: ObservationPlan, at: dt.datetime | None = None) -> int:
    late = ((at or clock.now()) - plan.next_due_at).total_seconds()
    return int(late // 60) if late > 0 else 0
