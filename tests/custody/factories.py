"""Arranging an estate and people in custody for the custody tests, by writing rows directly (the
behaviour under test is always called through its service)."""

from __future__ import annotations

import datetime as dt
import itertools

from oms.core import clock
from oms.core.actor import Actor
from oms.custody.models import BedAssignment, CustodyEpisode
from oms.facilities.models import Location, Site
from oms.people.models import Person, PersonSiteLink
from tests.people.conftest import make_person

_booking = itertools.count(1)


def make_location(site: Site, parent: Location | None, kind: str, code: str, **fields) -> Location:
    location = Location(site=site, kind=kind, code=code, residential=kind in Location.RESIDENTIAL_KINDS, **fields)
    location.place_under(parent)
    location.save()
    location.set_path()
    location.save(update_fields=["path"])
    return location


def make_estate(
    site: Site,
    *,
    units: int = 1,
    wings: int = 1,
    landings: int = 1,
    cells: int = 2,
    beds_per_cell: int = 2,
    sex: str = Location.SexAccommodated.MALE,
    security_level: str = Location.SecurityLevel.MEDIUM,
) -> dict[str, Location]:
    """A residential tree with unit codes A, B, ...; returns every location by key (e.g. "A-1-1-01-1"
    is unit A, wing 1, landing 1, cell 01, bed 1) plus a reception and a classroom."""
    made: dict[str, Location] = {}
    for u in range(units):
        unit = make_location(site, None, "unit", chr(ord("A") + u), sex=sex, security_level=security_level)
        made[unit.key] = unit
        for w in range(1, wings + 1):
            wing = make_location(site, unit, "wing", str(w))
            made[wing.key] = wing
            for la in range(1, landings + 1):
                landing = make_location(site, wing, "landing", str(la))
                made[landing.key] = landing
                for c in range(1, cells + 1):
                    cell = make_location(
                        site,
                        landing,
                        "cell",
                        f"{c:02d}",
                        certified_capacity=beds_per_cell,
                        working_capacity=beds_per_cell,
                        maximum_capacity=beds_per_cell,
                    )
                    made[cell.key] = cell
                    for b in range(1, beds_per_cell + 1):
                        bed = make_location(site, cell, "bed", str(b))
                        made[bed.key] = bed
    made["RECP"] = make_location(site, None, "reception", "RECP")
    made["EDU"] = make_location(site, None, "classroom", "EDU")
    return made


def make_episode(
    person: Person,
    site: Site,
    *,
    bed: Location | None = None,
    legal_status: str = Person.LegalStatus.REMAND,
    security_level: str = "",
    received_at: dt.datetime | None = None,
    **fields,
) -> CustodyEpisode:
    """A person in custody at ``site``, optionally already in ``bed``; opens the custody site link that
    gives site staff their scope."""
    received_at = received_at or clock.now()
    episode = CustodyEpisode.objects.create(
        person=person,
        site=site,
        booking_number=f"B{next(_booking):06d}",
        legal_status=legal_status,
        security_level=security_level,
        received_at=received_at,
        in_reception=bed is None,
        **fields,
    )
    PersonSiteLink.objects.get_or_create(
        person=person,
        site=site,
        kind=PersonSiteLink.Kind.CUSTODY,
        ended_on=None,
        defaults={"started_on": received_at.date()},
    )
    if bed is not None:
        BedAssignment.objects.create(
            episode=episode, person=person, site=site, bed=bed, cell=bed.parent, assigned_at=received_at
        )
    return episode


def make_prisoner(site: Site, *, family: str = "Smith", given: str = "John", bed: Location | None = None, **fields):
    """A new person record held at ``site`` and in custody there."""
    person = make_person(site, family=family, given=given)
    return make_episode(person, site, bed=bed, **fields)


SYSTEM = Actor.system(channel="cli")
