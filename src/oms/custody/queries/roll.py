"""The live roll: who is on a site's books and where they are, per unit and for the whole facility.

Definitions (domain-rules "Movements, roll and counts"; docs/custody-counts.md says why):

- population: active custody episodes at the site that are IN or OUT. A person sent on transfer
  (``in_out`` TRANSFER) has left this roll and is "en route" on the receiving site's roll.
- in cell: IN, in a bed, and not at a non-residential location.
- out: on the roll but not inside their unit: outside the establishment (court, hospital, temporary
  release, escaped: the open out movement says where and with whom) or at a non-residential location
  inside (internal: classroom, workshop, healthcare...).
- in reception: IN and not yet housed (``in_reception``). unallocated: IN, past reception, no bed.
  A person without a bed counts in the facility figures only (no unit holds them).
  So population = in cell + out + in reception + unallocated, always.
- certified and working capacity: sums over active cells; out of order: certified places of inactive
  cells plus inactive beds in active cells; beds in use: open bed assignments; vacancies: working
  capacity minus beds in use (negative when a unit holds more than its working capacity).
- en route: transfers to this site that have left the sending site (movement status en_route).
- unlock roll: the population at the start of the site's local day = population - arrived today +
  left today, where arrived counts people admitted or received on transfer today and left counts
  people released, sent on transfer or who died today (a trip to court does not leave the roll).

The figures come from a handful of aggregate queries; a unit's subtree is found by the first id of
``Location.path`` ("/<unit id>/..."), so no query loops over beds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from django.db.models import Count, Exists, F, FilteredRelation, IntegerField, OuterRef, Q, Sum, Value
from django.db.models.functions import Cast, Coalesce, StrIndex, Substr

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.core.ids import parse_public_id
from oms.custody.models import BedAssignment, CustodyEpisode, Movement
from oms.custody.queries.episodes import site_in_reach
from oms.custody.rules.counts import local_day_start
from oms.facilities.models import Location, Site

IN_CELL = "in_cell"
OUTSIDE = "outside"  # out of the establishment
INTERNAL = "internal"  # at a non-residential location inside


@dataclass
class RollFigures:
    population: int = 0
    in_cell: int = 0
    out: int = 0
    out_outside: int = 0
    out_internal: int = 0
    certified_capacity: int = 0
    working_capacity: int = 0
    beds_in_use: int = 0
    vacancies: int = 0
    out_of_order: int = 0
    in_reception: int = 0
    en_route: int = 0
    unallocated: int = 0


@dataclass(slots=True)  # not frozen: a roll builds hundreds of these and frozen init costs a setattr each
class PersonOnRoll:
    """One person on a unit's roll, or one person away from their cell, with where they are."""

    person_id: str  # public id
    person_pk: int
    name: str
    system_number: str
    booking_number: str
    unit_key: str
    cell: str  # location keys ("" when not housed)
    bed: str
    status: str  # in_cell / outside / internal
    where: str  # "" when in cell
    movement_kind: str = ""
    escort: str = ""
    since: dt.datetime | None = None

    @property
    def present(self) -> bool:
        return self.status == IN_CELL


@dataclass
class UnitRoll:
    unit_id: str  # public id
    unit_pk: int
    key: str
    name: str
    in_count: bool
    figures: RollFigures
    people: list[PersonOnRoll] = field(default_factory=list)  # filled by unit_roll only


@dataclass
class FacilityRoll:
    site_id: str
    site_code: str
    site_name: str
    time_zone: str
    as_at: dt.datetime
    units: list[UnitRoll]
    totals: RollFigures
    arrived_today: int
    left_today: int
    unlock_roll: int
    away: list[PersonOnRoll]  # everyone out, by name, with where
    en_route_in: list[dict]  # transfers heading here: name, system number, from site, since


def _unit_pk(path_field: str):
    """The first id in a location path ("/12/40/97/" -> 12): the top-level unit holding it."""
    rest = Substr(path_field, 2)
    return Cast(Substr(rest, 1, StrIndex(rest, Value("/")) - 1), IntegerField())


def _units(site: Site) -> list[Location]:
    return list(
        Location.objects.filter(site=site, parent__isnull=True, residential=True)
        .order_by("key")
        .only("id", "public_id", "key", "name", "in_count", "path")
    )


def _capacity_by_unit(site: Site) -> dict[int, dict]:
    """Capacity per unit from its cells, and its inactive beds in active cells, in one grouped read.
    Active beds are never read: the (site, kind, active) index finds cells and the few closed beds."""
    cell = Q(kind=Location.Kind.CELL)
    rows = (
        Location.objects.filter(site=site, residential=True)
        .filter(cell | Q(kind=Location.Kind.BED, active=False))
        .annotate(unit_pk=_unit_pk("path"))
        .values("unit_pk")
        .annotate(
            certified=Coalesce(Sum("certified_capacity", filter=cell & Q(active=True)), 0),
            working=Coalesce(Sum("working_capacity", filter=cell & Q(active=True)), 0),
            closed_cells=Coalesce(Sum("certified_capacity", filter=cell & Q(active=False)), 0),
            closed_beds=Count("id", filter=Q(kind=Location.Kind.BED, parent__active=True)),
        )
        .order_by()
    )
    return {row["unit_pk"]: row for row in rows}


_IN = CustodyEpisode.InOut.IN
_OUT = CustodyEpisode.InOut.OUT
_at_non_residential = Q(episode__current_location__isnull=False, episode__current_location__residential=False)


def _housed_by_unit(site: Site) -> dict[int, dict]:
    rows = (
        BedAssignment.objects.filter(
            site=site,
            ended_at__isnull=True,
            episode__status=CustodyEpisode.Status.ACTIVE,
            episode__site=site,
        )
        .annotate(unit_pk=_unit_pk("cell__path"))
        .values("unit_pk")
        .annotate(
            beds_in_use=Count("id"),
            population=Count("id", filter=Q(episode__in_out__in=(_IN, _OUT))),
            outside=Count("id", filter=Q(episode__in_out=_OUT)),
            internal=Count("id", filter=Q(episode__in_out=_IN) & _at_non_residential),
        )
        .order_by()
    )
    return {row["unit_pk"]: row for row in rows}


def _unhoused(site: Site) -> dict:
    """People on the roll without an open bed, through an anti-join (they are few): in reception,
    unallocated, or outside before being housed. Everyone else is counted by ``_housed_by_unit``."""
    housed = BedAssignment.objects.filter(episode=OuterRef("pk"), ended_at__isnull=True)
    return (
        CustodyEpisode.objects.filter(site=site, status=CustodyEpisode.Status.ACTIVE, in_out__in=(_IN, _OUT))
        .filter(~Exists(housed))
        .aggregate(
            total=Count("id"),
            outside=Count("id", filter=Q(in_out=_OUT)),
            reception_count=Count("id", filter=Q(in_out=_IN, in_reception=True)),
            unallocated_count=Count("id", filter=Q(in_out=_IN, in_reception=False)),
        )
    )


_ARRIVING_KINDS = (Movement.Kind.ADMISSION, Movement.Kind.TRANSFER)
_LEAVING_KINDS = (Movement.Kind.RELEASE, Movement.Kind.TRANSFER, Movement.Kind.DEATH)


def _today_movements(site: Site, since: dt.datetime) -> tuple[int, int]:
    """People who joined and left the roll since local midnight, counted once each. A transfer is
    received as an IN row at the receiving site (the sender's row keeps the time it left), and a
    transfer sent leaves the roll at once (the person is en route on the receiver's roll)."""
    arrived = Q(direction=Movement.Direction.IN, kind__in=_ARRIVING_KINDS, status=Movement.Status.COMPLETED)
    left = Q(
        direction=Movement.Direction.OUT,
        kind__in=_LEAVING_KINDS,
        status__in=(Movement.Status.COMPLETED, Movement.Status.EN_ROUTE),
    ) & ~Q(to_site=site)
    counts = (
        Movement.objects.filter(site=site, occurred_at__gte=since)
        .filter(arrived | left)
        .aggregate(
            arrived=Count("person", distinct=True, filter=arrived), left=Count("person", distinct=True, filter=left)
        )
    )
    return counts["arrived"], counts["left"]


def _en_route_in(site: Site) -> list[dict]:
    rows = (
        Movement.objects.filter(to_site=site, kind=Movement.Kind.TRANSFER, status=Movement.Status.EN_ROUTE)
        .order_by("occurred_at", "id")
        .values(
            "person__public_id",
            "person__family_name",
            "person__given_name",
            "person__system_number",
            "site__name",
            "escort",
            "occurred_at",
        )
    )
    return [
        {
            "person_id": str(m["person__public_id"]),
            "name": _name(m["person__family_name"], m["person__given_name"]),
            "system_number": m["person__system_number"],
            "from_site": m["site__name"],
            "escort": m["escort"],
            "since": m["occurred_at"],
        }
        for m in rows
    ]


def _name(family: str, given: str) -> str:
    return f"{family.upper()}, {given}"


def _open_out_movements(site: Site, episode_ids: list[int]) -> dict[int, dict]:
    """The latest out movement of each episode that is out (the one its return will close). Read by
    a join on the site's episodes that are out, not a list of ids sent over the wire."""
    if not episode_ids:
        return {}
    latest: dict[int, dict] = {}
    wanted = set(episode_ids)
    rows = (
        Movement.objects.filter(
            episode__site=site,
            episode__status=CustodyEpisode.Status.ACTIVE,
            episode__in_out=_OUT,
            direction=Movement.Direction.OUT,
            status__in=(Movement.Status.COMPLETED, Movement.Status.EN_ROUTE),
        )
        .order_by("occurred_at", "id")
        .values("episode_id", "kind", "destination", "escort", "occurred_at")
    )
    for movement in rows:  # ordered oldest first: the last one seen per episode is the open one
        if movement["episode_id"] in wanted:
            latest[movement["episode_id"]] = movement
    return latest


# The columns a named row needs, read as plain values (no model instances: the roll lists hundreds).
_PERSON_COLUMNS = {
    "episode_id": "id",
    "in_out": "in_out",
    "booking_number": "booking_number",
    "person_pk": "person_id",
    "person_public_id": "person__public_id",
    "family": "person__family_name",
    "given": "person__given_name",
    "system_number": "person__system_number",
    "location_name": "current_location__name",
    "location_key": "current_location__key",
    "location_residential": "current_location__residential",
}
_KINDS = dict(Movement.Kind.choices)


def _people(site: Site, rows: list[dict], units_by_pk: dict[int, Location]) -> list[PersonOnRoll]:
    """Named rows with where each person away is: the open out movement for people outside, the
    non-residential location for people inside but away from their cell."""
    movements = _open_out_movements(site, [r["episode_id"] for r in rows if r["in_out"] == _OUT])
    people = []
    for row in rows:
        movement = movements.get(row["episode_id"]) if row["in_out"] == _OUT else None
        escort, since, kind_code = "", None, ""
        if row["in_out"] == _OUT:
            status = OUTSIDE
            kind = _KINDS.get(movement["kind"], "Out") if movement else "Out"
            where = f"{kind}: {movement['destination']}" if movement and movement["destination"] else kind
            if movement:
                escort, since, kind_code = movement["escort"], movement["occurred_at"], movement["kind"]
        elif row["location_residential"] is False:
            status, where = INTERNAL, row["location_name"] or row["location_key"]
        else:
            status, where = IN_CELL, ""
        unit_key = ""
        if row.get("cell_path"):
            unit = units_by_pk.get(int(row["cell_path"].strip("/").split("/")[0]))
            unit_key = unit.key if unit else ""
        people.append(
            PersonOnRoll(
                person_id=str(row["person_public_id"]),
                person_pk=row["person_pk"],
                name=_name(row["family"], row["given"]),
                system_number=row["system_number"],
                booking_number=row["booking_number"],
                unit_key=unit_key,
                cell=row.get("cell_key") or "",
                bed=row.get("bed_key") or "",
                status=status,
                where=where,
                movement_kind=kind_code,
                escort=escort,
                since=since,
            )
        )
    return sorted(people, key=lambda p: (p.cell or "~", p.name))


def _away(site: Site, units_by_pk: dict[int, Location]) -> list[PersonOnRoll]:
    """Everyone on the roll who is not in their cell, with their bed when they have one (one query,
    plus the open out movements of the people outside)."""
    rows = list(
        CustodyEpisode.objects.filter(site=site, status=CustodyEpisode.Status.ACTIVE)
        .annotate(open_bed=FilteredRelation("bed_assignments", condition=Q(bed_assignments__ended_at__isnull=True)))
        # Filtered on the episode's own columns so the few rows are found before anything is joined.
        .filter(Q(in_out=_OUT) | Q(in_out=_IN, current_location__isnull=False))
        .order_by()
        .values(
            *[column for alias, column in _PERSON_COLUMNS.items() if alias == column],
            bed_key=F("open_bed__bed__key"),
            cell_key=F("open_bed__cell__key"),
            cell_path=F("open_bed__cell__path"),
            **{alias: F(column) for alias, column in _PERSON_COLUMNS.items() if alias != column},
        )
    )
    # Inside but away from their cell means housed and at a non-residential place; someone not yet
    # housed is counted in reception or unallocated wherever they stand, as in the totals.
    rows = [
        row
        for row in rows
        if row["in_out"] == _OUT or (row["location_residential"] is False and row["cell_key"] is not None)
    ]
    return _people(site, rows, units_by_pk)


def _unit_rolls(site: Site, units: list[Location]) -> tuple[list[UnitRoll], list[dict]]:
    """Each unit's figures, from two grouped reads (capacity, occupancy); also the occupancy rows."""
    capacity = _capacity_by_unit(site)
    housed = _housed_by_unit(site)
    unit_rolls = []
    for unit in units:
        cap = capacity.get(unit.pk, {})
        occ = housed.get(unit.pk, {})
        figures = RollFigures(
            population=occ.get("population", 0),
            out_outside=occ.get("outside", 0),
            out_internal=occ.get("internal", 0),
            certified_capacity=cap.get("certified", 0),
            working_capacity=cap.get("working", 0),
            beds_in_use=occ.get("beds_in_use", 0),
            out_of_order=cap.get("closed_cells", 0) + cap.get("closed_beds", 0),
        )
        figures.out = figures.out_outside + figures.out_internal
        figures.in_cell = figures.population - figures.out
        figures.vacancies = figures.working_capacity - figures.beds_in_use
        unit_rolls.append(
            UnitRoll(str(unit.public_id), unit.pk, unit.key, unit.name or unit.key, unit.in_count, figures)
        )
    return unit_rolls, list(housed.values())


def site_roll(site: Site) -> FacilityRoll:
    """The roll of ``site`` (callers check reach: use ``roll``)."""
    now = clock.now()
    units = _units(site)
    units_by_pk = {u.pk: u for u in units}
    unit_rolls, housed_rows = _unit_rolls(site, units)
    totals = RollFigures()
    for unit_roll_row in unit_rolls:
        for name in ("certified_capacity", "working_capacity", "beds_in_use", "vacancies", "out_of_order", "in_cell"):
            setattr(totals, name, getattr(totals, name) + getattr(unit_roll_row.figures, name))
    # Everyone on the roll either holds an open bed here (counted per unit) or does not (counted once).
    unhoused = _unhoused(site)
    totals.population = sum(row["population"] for row in housed_rows) + unhoused["total"]
    totals.out_outside = sum(row["outside"] for row in housed_rows) + unhoused["outside"]
    totals.out_internal = sum(row["internal"] for row in housed_rows)
    totals.out = totals.out_outside + totals.out_internal
    totals.in_reception = unhoused["reception_count"]
    totals.unallocated = unhoused["unallocated_count"]
    en_route = _en_route_in(site)
    totals.en_route = len(en_route)
    arrived, left = _today_movements(site, local_day_start(now, site.time_zone))
    return FacilityRoll(
        site_id=str(site.public_id),
        site_code=site.code,
        site_name=site.name,
        time_zone=site.time_zone,
        as_at=now,
        units=unit_rolls,
        totals=totals,
        arrived_today=arrived,
        left_today=left,
        unlock_roll=totals.population - arrived + left,
        away=_away(site, units_by_pk),
        en_route_in=en_route,
    )


def roll(actor: Actor, site_id) -> FacilityRoll:
    """The facility roll with per-unit rows. Needs ``custody.view`` and the site in reach (else 404).
    Not audited: headcounts and the names of people away are what every officer on the floor sees."""
    return site_roll(site_in_reach(actor, site_id))


def unit_in_site(site: Site, unit_id) -> Location:
    unit = Location.objects.filter(
        site=site,
        public_id=parse_public_id(unit_id, code="custody.unit_not_found"),
        parent__isnull=True,
        residential=True,
    ).first()
    if unit is None:
        raise NotFound("Unit not found.", code="custody.unit_not_found", field="unit")
    return unit


def unit_people(site: Site, unit: Location) -> list[PersonOnRoll]:
    """Everyone on the unit's roll (housed in one of its beds), in cell or away, by name."""
    # episode_id is the assignment's own column; the rest are read through the episode.
    columns = {alias: F(f"episode__{column}") for alias, column in _PERSON_COLUMNS.items() if alias != "episode_id"}
    rows = list(
        BedAssignment.objects.filter(
            site=site,
            ended_at__isnull=True,
            episode__status=CustodyEpisode.Status.ACTIVE,
            episode__site=site,
            episode__in_out__in=(_IN, _OUT),
            cell__path__startswith=unit.path,
        )
        .order_by()
        .values("episode_id", bed_key=F("bed__key"), cell_key=F("cell__key"), cell_path=F("cell__path"), **columns)
    )
    return _people(site, rows, {unit.pk: unit})


def site_unit_roll(site: Site, unit: Location) -> UnitRoll:
    unit_rolls, _ = _unit_rolls(site, [unit])
    return replace(unit_rolls[0], people=unit_people(site, unit))


def unit_roll(actor: Actor, site_id, unit_id) -> UnitRoll:
    """One unit's figures and the named list of who is where. ``custody.view``, site in reach (404)."""
    site = site_in_reach(actor, site_id)
    return site_unit_roll(site, unit_in_site(site, unit_id))


def sites_in_reach(actor: Actor) -> list[Site]:
    """Prisons the actor can reach, for the custody landing page."""
    actor.require("custody.view")
    sites = Site.objects.filter(kind=Site.Kind.PRISON, active=True).order_by("name")
    return [s for s in sites if actor.can_reach_site(s.pk, s.organisation_id)]


__all__ = [
    "FacilityRoll",
    "PersonOnRoll",
    "RollFigures",
    "UnitRoll",
    "roll",
    "site_roll",
    "site_unit_roll",
    "sites_in_reach",
    "unit_in_site",
    "unit_people",
    "unit_roll",
]
