"""Reading incident reports, always scoped by facility: a report at a site out of reach answers 404
exactly like a missing one (security.md AZ-3)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from oms.core.actor import Actor, Scope
from oms.core.errors import NotFound
from oms.core.ids import parse_public_id
from oms.facilities.models import Site
from oms.incidents.models import Incident

NOT_FOUND = "incidents.incident_not_found"


def _incidents() -> QuerySet[Incident]:
    return Incident.objects.select_related("incident_type", "facility", "location", "reported_by", "reviewer")


def incidents_in_scope(actor: Actor) -> QuerySet[Incident]:
    incidents = _incidents()
    if actor.is_national:
        return incidents
    if actor.scope == Scope.ORGANISATION:
        return incidents.filter(facility__organisation_id=actor.organisation_id)
    return incidents.filter(facility_id__in=actor.site_ids)


def visible(actor: Actor, incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    """Another reporter's draft is theirs until submitted; reviewers see every draft in scope."""
    if actor.has("incidents.review"):
        return incidents
    return incidents.filter(~Q(status=Incident.Status.DRAFT) | Q(reported_by_id=actor.user_id))


def get_incident(
    actor: Actor, incident_id, *, permission: str = "incidents.view", for_update: bool = False
) -> Incident:
    actor.require(permission)
    public_id = parse_public_id(incident_id, code=NOT_FOUND, detail="Incident not found.")
    incidents = visible(actor, incidents_in_scope(actor))
    if for_update:
        incidents = incidents.select_for_update(of=("self",))
    incident = incidents.filter(public_id=public_id).first()
    if incident is None:
        raise NotFound("Incident not found.", code=NOT_FOUND)
    return incident


def site_in_scope(actor: Actor, site_id) -> Site:
    site = Site.objects.filter(public_id=parse_public_id(site_id, code="facilities.site_not_found")).first()
    if site is None or not actor.can_reach_site(site.pk, site.organisation_id):
        raise NotFound("Site not found.", code="facilities.site_not_found", field="facility")
    return site


def my_drafts(actor: Actor) -> list[Incident]:
    actor.require("incidents.view")
    return list(
        incidents_in_scope(actor)
        .filter(status=Incident.Status.DRAFT, reported_by_id=actor.user_id)
        .order_by("-created_at", "-pk")[:200]
    )


def awaiting_review(actor: Actor) -> list[Incident]:
    actor.require("incidents.view")
    return list(incidents_in_scope(actor).filter(status=Incident.Status.SUBMITTED).order_by("submitted_at", "pk")[:200])


def under_investigation(actor: Actor) -> list[Incident]:
    actor.require("incidents.view")
    return list(
        incidents_in_scope(actor).filter(status=Incident.Status.INVESTIGATION).order_by("submitted_at", "pk")[:200]
    )


def incidents_at(
    actor: Actor,
    site_id,
    *,
    status: str = "",
    type_code: str = "",
    occurred_from=None,
    occurred_to=None,
    limit: int = 200,
) -> list[Incident]:
    """Reports at one facility, newest first, filtered by status, type code and when they occurred."""
    actor.require("incidents.view")
    site = site_in_scope(actor, site_id)
    incidents = visible(actor, incidents_in_scope(actor)).filter(facility=site)
    if status:
        incidents = incidents.filter(status=status)
    if type_code:
        incidents = incidents.filter(incident_type__code=type_code)
    if occurred_from:
        incidents = incidents.filter(occurred_at__gte=occurred_from)
    if occurred_to:
        incidents = incidents.filter(occurred_at__lt=occurred_to)
    return list(incidents.order_by("-occurred_at", "-pk")[: max(1, min(limit, 500))])


def involvements(incident: Incident) -> list:
    return list(incident.involvements.select_related("person", "staff").order_by("pk"))


def facilities_for(actor: Actor) -> list[Site]:
    """The facilities the actor may report at, by name."""
    sites = Site.objects.all()
    if actor.is_national:
        pass
    elif actor.scope == Scope.ORGANISATION:
        sites = sites.filter(organisation_id=actor.organisation_id)
    else:
        sites = sites.filter(pk__in=actor.site_ids)
    return list(sites.order_by("name")[:500])
