"""Reading the estate: the sites an actor can see, a site's location tree, one location, and the
availability helpers housing uses (``location_is_usable``, ``bookable_beds``).

Reads need ``facilities.view`` and are scoped by the actor: a site out of reach answers exactly like
a missing one (security.md AZ-3). Estate configuration is not personal data, so reads are not audited.

Occupancy: facilities sits below custody and may not import it, yet deactivating a bed someone sleeps
in must be refused. Custody registers a counter with ``set_occupancy_counter`` when it loads (the same
pattern as ``oms.audit.queries.set_person_resolver``); without one every location counts as empty.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from oms.core.actor import Actor, Scope
from oms.core.errors import NotFound
from oms.core.ids import parse_public_id
from oms.facilities import rules
from oms.facilities.models import Location, Site

# --- the occupancy hook ----------------------------------------------------------------------------

OccupancyCounter = Callable[[Location], int]
_occupancy_counter: OccupancyCounter | None = None


def set_occupancy_counter(counter: OccupancyCounter | None) -> None:
    """Register how many people currently sleep in a location's subtree (the location itself for a
    bed; every bed below it otherwise). Called once by the custody app; ``None`` unregisters."""
    global _occupancy_counter
    _occupancy_counter = counter


def occupants_in(location: Location) -> int:
    """People with an open bed assignment in ``location`` or below it; 0 with no counter registered."""
    return _occupancy_counter(location) if _occupancy_counter is not None else 0


# --- lookups ---------------------------------------------------------------------------------------


def sites_in_view(actor: Actor) -> list[Site]:
    """Active sites the actor may see, by name. Permission: facilities.view."""
    actor.require("facilities.view")
    sites = Site.objects.filter(active=True).select_related("organisation").order_by("name")
    if actor.is_national:
        return list(sites)
    if actor.scope == Scope.ORGANISATION:
        return list(sites.filter(organisation_id=actor.organisation_id))
    return list(sites.filter(pk__in=sorted(actor.site_ids)))


def get_site(actor: Actor, site_id, *, permission: str = "facilities.view") -> Site:
    """The site with public id ``site_id``; NotFound when missing or out of the actor's reach."""
    actor.require(permission)
    site = Site.objects.filter(
        public_id=parse_public_id(site_id, code="facilities.site_not_found", detail="Site not found.")
    ).first()
    if site is None or not actor.can_reach_site(site.pk, site.organisation_id):
        raise NotFound("Site not found.", code="facilities.site_not_found", field="site")
    return site


def get_site_by_code(actor: Actor, code: str, *, permission: str = "facilities.view") -> Site:
    """The site with ``code`` (the CLI names sites by code); NotFound as ``get_site``."""
    actor.require(permission)
    site = Site.objects.filter(code=(code or "").strip()).first()
    if site is None or not actor.can_reach_site(site.pk, site.organisation_id):
        raise NotFound(f"No site with code {code!r}.", code="facilities.site_not_found", field="site")
    return site


def get_location(
    actor: Actor, location_id, *, permission: str = "facilities.view", for_update: bool = False
) -> Location:
    """One location by public id, with its site; NotFound when missing or its site is out of reach."""
    actor.require(permission)
    locations = Location.objects.select_related("site", "parent")
    if for_update:
        locations = locations.select_for_update(of=("self",))
    location = locations.filter(
        public_id=parse_public_id(location_id, code="facilities.location_not_found", detail="Location not found.")
    ).first()
    if location is None or not actor.can_reach_site(location.site_id, location.site.organisation_id):
        raise NotFound("Location not found.", code="facilities.location_not_found", field="location")
    return location


# --- the tree --------------------------------------------------------------------------------------


@dataclass
class TreeNode:
    """A location in a site's tree, with what the tree adds: whether an ancestor is inactive, the
    public id of its parent, and capacity totals of the cells beneath (a unit's figures are its cells')."""

    location: Location
    parent_public_id: uuid.UUID | None
    usable: bool
    inherited_from: str = ""  # key of the inactive ancestor that makes this location unusable
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_CAPACITY, 0))
    beds: int = 0
    active_beds: int = 0


_CAPACITY = ("certified_capacity", "working_capacity", "maximum_capacity")


def site_tree(
    actor: Actor, site: Site, *, under: Location | None = None, top_level_only: bool = False
) -> list[TreeNode]:
    """Every location of ``site`` in key order (a depth-first walk, so indenting by depth draws the
    tree), read in one query; ``under`` narrows it to one location's subtree, ``top_level_only`` to the
    site's top level (no totals then). Permission: facilities.view and the site in reach."""
    actor.require("facilities.view")
    actor.require_site(site.pk, site.organisation_id)
    rows = Location.objects.filter(site=site)
    if under is not None:
        rows = rows.filter(path__startswith=under.path)
    if top_level_only:
        rows = rows.filter(depth=0)
    # Sorted here, not by the database: code-point order keeps each subtree together ("A-1-01" before
    # "A-10"), which a PostgreSQL locale collation that skips punctuation would not.
    rows = sorted(rows, key=lambda row: row.key)
    by_id = {row.pk: row for row in rows}
    nodes: dict[int, TreeNode] = {}
    outside_ancestors = _inactive_ancestors_outside(under)
    for row in rows:  # parents come before children in key order
        parent = nodes.get(row.parent_id)
        if parent is not None:
            blocked = parent.inherited_from or ("" if parent.location.active else parent.location.key)
        else:
            blocked = outside_ancestors
        parent_row = by_id.get(row.parent_id)
        nodes[row.pk] = TreeNode(
            location=row,
            parent_public_id=parent_row.public_id if parent_row else _parent_public_id(row, under),
            usable=rules.is_usable(active=row.active, ancestors_active=not blocked),
            inherited_from=blocked,
        )
    for node in nodes.values():
        row = node.location
        ancestor_ids = _ancestor_ids(row)
        if row.kind == "cell":
            for ancestor_id in ancestor_ids:
                if ancestor_id in nodes:
                    for f in _CAPACITY:
                        nodes[ancestor_id].totals[f] += getattr(row, f)
        elif row.kind == "bed":
            for ancestor_id in ancestor_ids:
                if ancestor_id in nodes:
                    nodes[ancestor_id].beds += 1
                    nodes[ancestor_id].active_beds += int(node.usable)
    return list(nodes.values())


def _ancestor_ids(location: Location) -> list[int]:
    return [int(part) for part in location.path.strip("/").split("/")[:-1] if part]


def _inactive_ancestors_outside(under: Location | None) -> str:
    if under is None:
        return ""
    blocker = inactive_ancestor(under)
    return blocker.key if blocker is not None else ""


def _parent_public_id(row: Location, under: Location | None) -> uuid.UUID | None:
    if row.parent_id is None:
        return None
    if under is not None and row.pk == under.pk and under.parent_id:
        return under.parent.public_id
    return None


def location_count(site: Site) -> int:
    return Location.objects.filter(site=site).count()


def units_of(site: Site) -> list[Location]:
    """The site's units (for the tree page's filter)."""
    return list(Location.objects.filter(site=site, kind=Location.Kind.UNIT).order_by("key"))


def export_rows(actor: Actor, site: Site) -> list[Location]:
    """The site's locations with their parents' keys, in key order (parents first), for the CSV export."""
    actor.require("facilities.view")
    actor.require_site(site.pk, site.organisation_id)
    return sorted(Location.objects.filter(site=site).select_related("parent"), key=lambda row: row.key)


# --- availability ----------------------------------------------------------------------------------


def inactive_ancestor(location: Location) -> Location | None:
    """The nearest deactivated ancestor of ``location`` (not itself), or None. One query."""
    ancestor_ids = _ancestor_ids(location)
    if not ancestor_ids:
        return None
    return Location.objects.filter(pk__in=ancestor_ids, active=False).order_by("-depth").first()


def location_is_usable(location: Location) -> bool:
    """Whether people may be placed in ``location`` today: it, every ancestor and its site are active.

    Deactivation is inherited rather than copied down, so reactivating a wing restores exactly the
    cells that were usable before, and a cell closed on its own stays closed. Deliberately unscoped:
    callers (housing, movements) have already checked the actor against the location's site.
    """
    if not location.active or not Site.objects.filter(pk=location.site_id, active=True).exists():
        return False
    return inactive_ancestor(location) is None


def bookable_beds(site: Site) -> QuerySet[Location]:
    """Active beds of ``site`` with no deactivated ancestor, in key order; empty for an inactive site.

    Occupancy is custody's to subtract (exclude beds with an open assignment). Unscoped for the same
    reason as ``location_is_usable``. Two queries: the deactivated containers (few), then the beds,
    each closed container pruning its subtree with an indexed prefix match on ``path``.
    """
    if not site.active:
        return Location.objects.none()
    beds = Location.objects.filter(site=site, kind=Location.Kind.BED, active=True)
    closed_paths = Location.objects.filter(site=site, active=False).exclude(kind=Location.Kind.BED)
    closed = Q()
    for path in closed_paths.values_list("path", flat=True):
        closed |= Q(path__startswith=path)
    if closed:
        beds = beds.exclude(closed)
    return beds.order_by("key")


def locations_csv(actor: Actor, site: Site) -> str:
    """The site's tree in the import format (``rules.CSV_COLUMNS``), parents before children, so that
    importing it into an empty site rebuilds the same tree. Permission: facilities.view."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(rules.CSV_COLUMNS)
    for location in export_rows(actor, site):
        writer.writerow(
            [
                location.parent.key if location.parent_id else "",
                location.code,
                location.kind,
                location.name,
                location.security_level,
                location.sex,
                rules.format_flag(location.accessible),
                location.specialist_type,
                rules.format_flag(location.in_count),
                location.certified_capacity,
                location.working_capacity,
                location.maximum_capacity,
                rules.format_flag(location.active),
                location.deactivated_reason,
                location.expected_return_on.isoformat() if location.expected_return_on else "",
            ]
        )
    return buffer.getvalue()
