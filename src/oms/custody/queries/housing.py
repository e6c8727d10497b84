"""Housing reads: the facts ``rules.housing`` checks, a bed's history, and ranked bed suggestions.

Suggestions load a site's whole residential estate and its occupancy in three queries (locations,
open assignments with each occupant's cell-sharing flag, the person's keep-aparts) and check every
bed in memory, so a 10,000-bed site answers without a query per bed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.custody.models import BedAssignment, CustodyEpisode, IntakeScreening
from oms.custody.queries.episodes import get_episode
from oms.custody.queries.keep_aparts import keep_aparts_for
from oms.custody.rules import housing as rules
from oms.facilities.models import Location

_LOCATION_FIELDS = (
    "id",
    "kind",
    "key",
    "site_id",
    "parent_id",
    "active",
    "deactivated_reason",
    "sex",
    "security_level",
    "accessible",
    "specialist_type",
    "working_capacity",
    "maximum_capacity",
)


def _facts(row: dict) -> rules.LocationFacts:
    return rules.LocationFacts(**{name: row[name] for name in _LOCATION_FIELDS})


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def person_facts(episode: CustodyEpisode) -> rules.PersonFacts:
    """What housing needs to know about the person in ``episode`` (cell sharing from intake screening,
    ``not_assessed`` when there is none)."""
    screening = (
        IntakeScreening.objects.filter(episode=episode).values("cell_sharing", "needs_accessible_cell").first() or {}
    )
    current_bed_id = (
        BedAssignment.objects.filter(episode=episode, ended_at__isnull=True).values_list("bed_id", flat=True).first()
    )
    return rules.PersonFacts(
        person_id=episode.person_id,
        site_id=episode.site_id,
        sex=episode.person.sex,
        security_level=episode.security_level,
        cell_sharing=screening.get("cell_sharing", rules.NOT_ASSESSED),
        needs_accessible_cell=screening.get("needs_accessible_cell", False),
        episode_active=episode.status == CustodyEpisode.Status.ACTIVE,
        current_bed_id=current_bed_id,
    )


def _occupants(**filters) -> dict[int, list[rules.Occupant]]:
    """Open assignments as occupants by cell id."""
    by_cell: dict[int, list[rules.Occupant]] = {}
    rows = BedAssignment.objects.filter(ended_at__isnull=True, **filters).values_list(
        "cell_id", "bed_id", "person_id", "episode__screening__cell_sharing"
    )
    for cell_id, bed_id, person_id, sharing in rows:
        by_cell.setdefault(cell_id, []).append(rules.Occupant(person_id, bed_id, sharing or rules.NOT_ASSESSED))
    return by_cell


def bed_facts(bed: Location) -> rules.BedFacts:
    """One bed with its ancestors and the occupants of its cell."""
    ancestor_ids = [pk for pk in _path_ids(bed.path) if pk != bed.pk]
    ancestors = {
        row["id"]: _facts(row) for row in Location.objects.filter(pk__in=ancestor_ids).values(*_LOCATION_FIELDS)
    }
    chain = tuple(ancestors[pk] for pk in reversed(ancestor_ids) if pk in ancestors)
    occupants = _occupants(cell_id=bed.parent_id).get(bed.parent_id, []) if bed.parent_id else []
    own = _facts({name: getattr(bed, name) for name in _LOCATION_FIELDS})
    return rules.BedFacts(bed=own, ancestors=chain, cell_occupants=tuple(occupants))


def kept_apart_from(person_id: int) -> list[rules.KeptApartFrom]:
    """Everyone the person must be kept apart from (open pairs and groups, strongest level), with the
    cell, landing and wing where each of them sleeps (none when not housed)."""
    keep_aparts = keep_aparts_for([person_id])
    if not keep_aparts:
        return []
    others = {k.other_person_id for k in keep_aparts}
    beds = dict(
        BedAssignment.objects.filter(ended_at__isnull=True, person_id__in=others).values_list("person_id", "cell__path")
    )
    ids = {pk for path in beds.values() for pk in _path_ids(path)}
    kinds = dict(Location.objects.filter(pk__in=ids).values_list("id", "kind"))
    found = []
    for keep in keep_aparts:
        where = {kinds.get(pk): pk for pk in _path_ids(beds.get(keep.other_person_id, ""))}
        found.append(
            rules.KeptApartFrom(
                other_person_id=keep.other_person_id,
                restriction_level=keep.restriction_level,
                source=keep.source,
                cell_id=where.get("cell"),
                landing_id=where.get("landing"),
                wing_id=where.get("wing"),
            )
        )
    return found


def get_bed(actor: Actor, bed_id) -> Location:
    """The location with public id ``bed_id`` at a site the actor can reach (any kind: the rules say
    when it is not a bed). Missing and out of reach are both 404."""
    try:
        wanted = bed_id if isinstance(bed_id, uuid.UUID) else uuid.UUID(str(bed_id))
    except (ValueError, AttributeError, TypeError):
        raise NotFound("Bed not found.", code="custody.bed_not_found", field="bed_id")
    bed = Location.objects.select_related("site").filter(public_id=wanted).first()
    if bed is None or not actor.can_reach_site(bed.site_id, bed.site.organisation_id):
        raise NotFound("Bed not found.", code="custody.bed_not_found", field="bed_id")
    return bed


def bed_public_id_at_site(site_id: int, key: str) -> uuid.UUID | None:
    """The public id of the location with ``key`` at the site (pages let staff type a bed code)."""
    typed = key.strip()
    found = Location.objects.filter(site_id=site_id, key__in={typed, typed.upper()}).order_by("key")
    return found.values_list("public_id", flat=True).first()


def check_bed(actor: Actor, *, episode_id, bed_id) -> list[rules.Conflict]:
    """The conflicts of putting the episode's person in the bed, without changing anything."""
    episode = get_episode(actor, episode_id, permission="custody.house")
    bed = get_bed(actor, bed_id)
    person = person_facts(episode)
    return rules.bed_conflicts(person, bed_facts(bed), kept_apart_from(person.person_id))


@dataclass(frozen=True)
class BedSuggestion:
    bed_id: uuid.UUID  # public id
    bed_key: str
    cell_key: str
    occupants: int
    working_capacity: int
    security_level: str
    valid: bool
    conflicts: tuple[rules.Conflict, ...]


def suggest_beds(actor: Actor, *, episode_id, limit: int = 20, include_overridable: bool = True) -> list[BedSuggestion]:
    """Beds at the episode's site the person may be put in, best first (``rules.rank_key``): valid
    beds, then (when asked) beds whose only conflicts an authorised override may waive, marked with
    them. Beds with a hard conflict are never suggested. Needs custody.house."""
    episode = get_episode(actor, episode_id, permission="custody.house")
    limit = max(1, min(int(limit), 200))
    person = person_facts(episode)
    keep_aparts = kept_apart_from(person.person_id)
    occupants = _occupants(site_id=episode.site_id)
    occupied = {o.bed_id for cell in occupants.values() for o in cell}
    # Positional tuples straight into the dataclass keep 10,000 rows cheap (no dicts, no public ids
    # until the best few are known). Occupied beds are skipped here, not in SQL: the occupancy is
    # already loaded, and a NOT EXISTS per bed is at the planner's mercy on fresh statistics.
    rows = (
        Location.objects.filter(site_id=episode.site_id, residential=True)
        .exclude(kind="bed", active=False)
        .values_list(*_LOCATION_FIELDS)
    )
    locations = {row[0]: rules.LocationFacts(*row) for row in rows if row[1] != "bed" or row[0] not in occupied}
    ancestry: dict[int, tuple[rules.LocationFacts, ...]] = {}

    def ancestors_of(location_id: int | None) -> tuple[rules.LocationFacts, ...]:
        if location_id is None or location_id not in locations:
            return ()
        if location_id not in ancestry:
            location = locations[location_id]
            ancestry[location_id] = (location, *ancestors_of(location.parent_id))
        return ancestry[location_id]

    checked: list[rules.Checked] = []
    for location in locations.values():
        if location.kind != "bed":
            continue
        bed = rules.BedFacts(
            bed=location,
            ancestors=ancestors_of(location.parent_id),
            cell_occupants=tuple(occupants.get(location.parent_id, ())),
        )
        item = rules.Checked(bed, tuple(rules.bed_conflicts(person, bed, keep_aparts)))
        if item.valid or (include_overridable and item.overridable):
            checked.append(item)
    best = rules.rank(person, checked)[:limit]
    public_ids = dict(Location.objects.filter(pk__in=[c.bed.bed.id for c in best]).values_list("pk", "public_id"))
    return [
        BedSuggestion(
            bed_id=public_ids[item.bed.bed.id],
            bed_key=item.bed.bed.key,
            cell_key=item.bed.cell.key if item.bed.cell else "",
            occupants=sum(1 for o in item.bed.cell_occupants if o.person_id != person.person_id),
            working_capacity=item.bed.cell.working_capacity if item.bed.cell else 0,
            security_level=item.bed.effective_security_level(),
            valid=item.valid,
            conflicts=item.conflicts,
        )
        for item in best
    ]


def bed_history(episode: CustodyEpisode) -> list[BedAssignment]:
    """Every bed the episode has had, newest first."""
    return list(
        BedAssignment.objects.filter(episode=episode)
        .select_related("bed", "assigned_by")
        .order_by("-assigned_at", "-id")
    )
