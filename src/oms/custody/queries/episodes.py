"""Reading custody episodes and sites within the actor's reach."""

from __future__ import annotations

from django.db.models import QuerySet

from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.core.ids import parse_public_id
from oms.custody.models import BedAssignment, CustodyEpisode
from oms.facilities.models import Site


def site_in_reach(actor: Actor, site_id, *, permission: str = "custody.view") -> Site:
    """The site with public id ``site_id`` if the actor holds ``permission`` and may reach it; a site
    out of reach is 404 like a missing one."""
    actor.require(permission)
    site = Site.objects.filter(public_id=parse_public_id(site_id, code="facilities.site_not_found")).first()
    if site is None or not actor.can_reach_site(site.pk, site.organisation_id):
        raise NotFound("Site not found.", code="facilities.site_not_found", field="site")
    return site


def episodes_in_scope(actor: Actor) -> QuerySet[CustodyEpisode]:
    episodes = CustodyEpisode.objects.select_related("person", "site")
    if actor.is_national:
        return episodes
    if actor.scope == "organisation":
        return episodes.filter(site__organisation_id=actor.organisation_id)
    return episodes.filter(site_id__in=sorted(actor.site_ids))


def get_episode(
    actor: Actor, episode_id, *, permission: str = "custody.view", for_update: bool = False
) -> CustodyEpisode:
    actor.require(permission)
    episodes = episodes_in_scope(actor)
    if for_update:
        episodes = episodes.select_for_update(of=("self",))
    episode = episodes.filter(public_id=parse_public_id(episode_id, code="custody.episode_not_found")).first()
    if episode is None:
        raise NotFound("Custody record not found.", code="custody.episode_not_found")
    return episode


def active_episode_for_person(actor: Actor, person_id, *, permission: str = "custody.view", for_update: bool = False):
    """The person's active episode at a site the actor can reach, or NotFound."""
    actor.require(permission)
    episodes = episodes_in_scope(actor).filter(status=CustodyEpisode.Status.ACTIVE)
    if for_update:
        episodes = episodes.select_for_update(of=("self",))
    episode = episodes.filter(person__public_id=parse_public_id(person_id, code="custody.episode_not_found")).first()
    if episode is None:
        raise NotFound("This person is not in custody here.", code="custody.episode_not_found")
    return episode


def current_assignment(episode: CustodyEpisode) -> BedAssignment | None:
    return BedAssignment.objects.select_related("bed", "cell").filter(episode=episode, ended_at__isnull=True).first()


def occupants_under(location) -> int:
    """People with an open bed assignment in ``location`` or anywhere below it (registered with the
    facilities app, which may not import custody, so it can refuse to deactivate an occupied place)."""
    open_assignments = BedAssignment.objects.filter(ended_at__isnull=True)
    if location.kind == "bed":
        return open_assignments.filter(bed_id=location.pk).count()
    return open_assignments.filter(bed__path__startswith=location.path, bed__site_id=location.site_id).count()
