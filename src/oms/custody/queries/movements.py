"""Reading movements: a site's day, who is out and where (with the responsible party), who is at an
internal location, and transfers on their way in. Scoped by the actor: a site out of reach is 404."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.custody.models import CustodyEpisode, Movement
from oms.custody.queries.episodes import site_in_reach
from oms.custody.rules.movements import OUT_KINDS
from oms.facilities.models import Site


def parse_movement_id(value) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        raise NotFound("Movement not found.", code="custody.movement_not_found")


def site_day_bounds(site: Site, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants where ``day`` starts and ends in the site's own time zone."""
    zone = zoneinfo.ZoneInfo(site.time_zone or "UTC")
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=1)).astimezone(dt.UTC)


def site_day_of(site: Site, instant: dt.datetime) -> dt.date:
    """The calendar day at the site when ``instant`` happened."""
    return instant.astimezone(zoneinfo.ZoneInfo(site.time_zone or "UTC")).date()


def site_today(site: Site) -> dt.date:
    return site_day_of(site, clock.now())


def _movements() -> QuerySet[Movement]:
    return Movement.objects.select_related("person", "episode", "to_location", "from_location", "to_site", "site")


def get_movement(actor: Actor, movement_id, *, permission: str = "custody.view", for_update: bool = False) -> Movement:
    """A movement recorded at a site the actor can reach (a transfer is also reachable from the site it
    is going to); anything else is 404 like a missing one."""
    actor.require(permission)
    movements = _movements()
    if for_update:
        movements = movements.select_for_update(of=("self",))
    movement = movements.filter(public_id=parse_movement_id(movement_id)).first()
    if movement is None:
        raise NotFound("Movement not found.", code="custody.movement_not_found")
    reachable = actor.can_reach_site(movement.site_id, movement.site.organisation_id) or (
        movement.to_site_id is not None and actor.can_reach_site(movement.to_site_id, movement.to_site.organisation_id)
    )
    if not reachable:
        raise NotFound("Movement not found.", code="custody.movement_not_found")
    return movement


def movements_on_day(actor: Actor, site_id, day: dt.date | None = None) -> list[Movement]:
    """The site's movements scheduled for or happening on ``day`` (site-local), in time order:
    scheduled and actual side by side."""
    site = site_in_reach(actor, site_id)
    day = day or site_today(site)
    start, end = site_day_bounds(site, day)
    rows = _movements().filter(
        Q(site=site)
        & (Q(occurred_at__gte=start, occurred_at__lt=end) | Q(occurred_at__isnull=True, scheduled_at__gte=start))
        & (Q(occurred_at__isnull=False) | Q(scheduled_at__lt=end))
    )
    return sorted(rows, key=lambda m: (m.occurred_at or m.scheduled_at, m.pk))


@dataclass(frozen=True)
class Away:
    """Someone away from their cell: out of the establishment, or at an internal location."""

    episode: CustodyEpisode
    movement: Movement | None  # the open out (or internal) movement: where, since when, who is responsible


def open_out_movements(episode_ids: list[int]) -> dict[int, Movement]:
    """The latest completed out movement of each episode that no return has closed."""
    found: dict[int, Movement] = {}
    rows = _movements().filter(
        episode_id__in=episode_ids,
        direction=Movement.Direction.OUT,
        kind__in=OUT_KINDS,
        status=Movement.Status.COMPLETED,
        returns__isnull=True,
    )
    for movement in rows.order_by("occurred_at", "pk"):
        found[movement.episode_id] = movement
    return found


def people_out(actor: Actor, site_id) -> list[Away]:
    """Everyone recorded as out of the establishment, with where they went and who is responsible."""
    site = site_in_reach(actor, site_id)
    episodes = list(
        CustodyEpisode.objects.select_related("person")
        .filter(site=site, status=CustodyEpisode.Status.ACTIVE, in_out=CustodyEpisode.InOut.OUT)
        .order_by("person__family_name", "person__given_name", "pk")
    )
    open_moves = open_out_movements([e.pk for e in episodes])
    return [Away(e, open_moves.get(e.pk)) for e in episodes]


def people_at_internal_locations(actor: Actor, site_id) -> list[Away]:
    """Everyone inside the walls but away from their cell (workshop, classroom, healthcare...)."""
    site = site_in_reach(actor, site_id)
    episodes = list(
        CustodyEpisode.objects.select_related("person", "current_location")
        .filter(
            site=site,
            status=CustodyEpisode.Status.ACTIVE,
            in_out=CustodyEpisode.InOut.IN,
            current_location__isnull=False,
        )
        .order_by("current_location__key", "person__family_name", "pk")
    )
    latest: dict[int, Movement] = {}
    for movement in (
        _movements()
        .filter(episode__in=episodes, direction=Movement.Direction.INTERNAL, to_location__isnull=False)
        .order_by("occurred_at", "pk")
    ):
        latest[movement.episode_id] = movement
    return [Away(e, latest.get(e.pk)) for e in episodes]


def incoming_transfers(actor: Actor, site_id) -> list[Movement]:
    """Transfers en route to the site, for its reception to receive."""
    site = site_in_reach(actor, site_id)
    return list(
        _movements()
        .filter(to_site=site, kind=Movement.Kind.TRANSFER, status=Movement.Status.EN_ROUTE)
        .order_by("occurred_at", "pk")
    )


def people_in(actor: Actor, site_id) -> list[CustodyEpisode]:
    """Active episodes inside the site (the roll's in-establishment list), for picking who moves."""
    site = site_in_reach(actor, site_id)
    return list(
        CustodyEpisode.objects.select_related("person", "current_location")
        .filter(site=site, status=CustodyEpisode.Status.ACTIVE, in_out=CustodyEpisode.InOut.IN)
        .order_by("person__family_name", "person__given_name", "pk")
    )
