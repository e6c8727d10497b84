"""Scoped reads about emergencies: the list, one emergency, its roll and the unaccounted count.

An emergency at a facility out of the actor's reach answers NotFound exactly like a missing one."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from oms.core.actor import Actor, Scope
from oms.core.errors import NotFound
from oms.core.ids import parse_public_id
from oms.facilities.models import Site
from oms.incidents.models import Emergency, EmergencyRoll, RollEntry

VIEW = "incidents.view"


def _reachable(actor: Actor, rows: QuerySet, field: str = "facility") -> QuerySet:
    if actor.is_national:
        return rows
    prefix = f"{field}__" if field else ""
    if actor.scope == Scope.ORGANISATION:
        return rows.filter(**{f"{prefix}organisation_id": actor.organisation_id})
    return rows.filter(**{f"{prefix}id__in": sorted(actor.site_ids)})


def facility_in_reach(actor: Actor, facility_id, *, permission: str) -> Site:
    actor.require(permission)
    site = Site.objects.filter(public_id=parse_public_id(facility_id, code="facilities.site_not_found")).first()
    if site is None or not actor.can_reach_site(site.pk, site.organisation_id):
        raise NotFound("Facility not found.", code="facilities.site_not_found", field="facility")
    return site


def emergencies_in_scope(actor: Actor, *, status: str = "") -> QuerySet[Emergency]:
    actor.require(VIEW)
    rows = _reachable(actor, Emergency.objects.select_related("facility", "declared_by", "stood_down_by"))
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-declared_at", "-pk")


def get_emergency(actor: Actor, emergency_id, *, permission: str = VIEW, for_update: bool = False) -> Emergency:
    actor.require(permission)
    pk = parse_public_id(emergency_id, code="incidents.emergency_not_found")
    rows = _reachable(actor, Emergency.objects.select_related("facility"))
    if for_update:
        rows = rows.select_for_update(of=("self",))
    emergency = rows.filter(public_id=pk).first()
    if emergency is None:
        raise NotFound("Emergency not found.", code="incidents.emergency_not_found", field="emergency")
    return emergency


def get_roll(actor: Actor, roll_id, *, permission: str = VIEW) -> EmergencyRoll:
    actor.require(permission)
    pk = parse_public_id(roll_id, code="incidents.roll_not_found")
    rows = _reachable(actor, EmergencyRoll.objects.select_related("emergency__facility"), "emergency__facility")
    roll = rows.filter(public_id=pk).first()
    if roll is None:
        raise NotFound("Roll not found.", code="incidents.roll_not_found", field="roll")
    return roll


def roll_entries(roll: EmergencyRoll, *, status: str = "") -> QuerySet[RollEntry]:
    rows = roll.entries.select_related("person", "marked_by").order_by("expected_where", "person__family_name", "pk")
    if status:
        rows = rows.filter(status=status)
    return rows


def roll_summary(roll: EmergencyRoll) -> dict:
    """Counts for the always-visible panel: totals and, per expected place, how many are unaccounted."""
    totals = roll.entries.aggregate(
        expected=Count("pk"),
        unaccounted=Count("pk", filter=Q(status=RollEntry.Status.UNACCOUNTED)),
        missing=Count("pk", filter=Q(status=RollEntry.Status.MISSING)),
        accounted=Count("pk", filter=Q(status=RollEntry.Status.ACCOUNTED)),
    )
    by_place = list(
        roll.entries.exclude(status=RollEntry.Status.ACCOUNTED)
        .values("expected_where")
        .annotate(
            unaccounted=Count("pk", filter=Q(status=RollEntry.Status.UNACCOUNTED)),
            missing=Count("pk", filter=Q(status=RollEntry.Status.MISSING)),
        )
        .order_by("expected_where")
    )
    return {**totals, "outstanding": totals["unaccounted"] + totals["missing"], "by_place": by_place}


def facilities_in_reach(actor: Actor) -> list[Site]:
    """Facilities the actor may declare an emergency at, by name."""
    return list(_reachable(actor, Site.objects.all(), "").order_by("name")[:200])
