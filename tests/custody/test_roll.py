"""The live roll on a small arranged estate: every figure, the named list of who is away and where,
the unit roll, scope (other facility 404, wrong role 403) and the unlock roll."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.core import clock
from oms.core.errors import NotFound, PermissionDenied
from oms.custody.models import CustodyEpisode, Movement
from oms.custody.queries import roll as roll_queries
from oms.facilities.models import Location
from tests.custody.factories import make_estate, make_location, make_prisoner
from tests.factories import actor_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def arranged(prison_a, prison_b):
    """Prison A, units A and B (2 cells x 2 beds each), people in every state the roll tells apart."""
    estate = make_estate(prison_a, units=2)
    # Unit B's second cell is out of order; one bed of unit A's first cell is broken.
    closed = estate["B-1-1-02"]
    closed.active = False
    closed.save()
    broken = estate["A-1-1-01-2"]
    broken.active = False
    broken.save()
    now = clock.now()
    yesterday = now - dt.timedelta(days=1)
    people = {
        "in_cell": make_prisoner(prison_a, family="Cell", bed=estate["A-1-1-01-1"], received_at=yesterday),
        "in_cell_b": make_prisoner(prison_a, family="Bee", bed=estate["B-1-1-01-1"], received_at=yesterday),
        "court": make_prisoner(
            prison_a, family="Court", bed=estate["A-1-1-02-1"], received_at=yesterday, in_out=CustodyEpisode.InOut.OUT
        ),
        "class": make_prisoner(
            prison_a, family="Class", bed=estate["A-1-1-02-2"], received_at=yesterday, current_location=estate["EDU"]
        ),
        # Not yet housed, standing in the classroom: still "in reception", not "out".
        "reception": make_prisoner(prison_a, family="Recep", received_at=now, current_location=estate["EDU"]),
        "unallocated": make_prisoner(prison_a, family="Nobed", received_at=yesterday),
    }
    CustodyEpisode.objects.filter(pk=people["unallocated"].pk).update(in_reception=False)
    Movement.objects.create(
        episode=people["court"],
        person_id=people["court"].person_id,
        site=prison_a,
        kind=Movement.Kind.COURT,
        direction=Movement.Direction.OUT,
        status=Movement.Status.COMPLETED,
        occurred_at=now - dt.timedelta(hours=2),
        destination="Crown Court",
        escort="Serco",
        recorded_at=now,
    )
    Movement.objects.create(
        episode=people["reception"],
        person_id=people["reception"].person_id,
        site=prison_a,
        kind=Movement.Kind.ADMISSION,
        direction=Movement.Direction.IN,
        status=Movement.Status.COMPLETED,
        occurred_at=now,
        recorded_at=now,
    )
    # Someone released today: off the roll, but on the unlock roll.
    gone = make_prisoner(prison_a, family="Gone", received_at=yesterday, status=CustodyEpisode.Status.RELEASED)
    Movement.objects.create(
        episode=gone,
        person_id=gone.person_id,
        site=prison_a,
        kind=Movement.Kind.RELEASE,
        direction=Movement.Direction.OUT,
        status=Movement.Status.COMPLETED,
        occurred_at=now,
        recorded_at=now,
    )
    # On transfer from Prison B to Prison A, en route.
    incoming = make_prisoner(prison_b, family="Coming", in_out=CustodyEpisode.InOut.TRANSFER)
    Movement.objects.create(
        episode=incoming,
        person_id=incoming.person_id,
        site=prison_b,
        to_site=prison_a,
        kind=Movement.Kind.TRANSFER,
        direction=Movement.Direction.OUT,
        status=Movement.Status.EN_ROUTE,
        occurred_at=now,
        recorded_at=now,
    )
    return estate, people


def test_facility_and_unit_figures(arranged, prison_a, olive_actor):
    roll = roll_queries.roll(olive_actor, prison_a.public_id)
    t = roll.totals
    assert t.population == 6
    assert (t.in_cell, t.out, t.out_outside, t.out_internal) == (2, 2, 1, 1)
    assert (t.in_reception, t.unallocated, t.en_route) == (1, 1, 1)
    assert t.population == t.in_cell + t.out + t.in_reception + t.unallocated
    # A: 4 beds certified, one bed broken; B: cell 02 closed (2 places out of order).
    assert (t.certified_capacity, t.working_capacity, t.out_of_order) == (6, 6, 3)
    assert t.beds_in_use == 4 and t.vacancies == 2
    unit_a, unit_b = roll.units
    assert (unit_a.key, unit_a.figures.population, unit_a.figures.in_cell, unit_a.figures.out) == ("A", 3, 1, 2)
    assert (unit_a.figures.beds_in_use, unit_a.figures.vacancies, unit_a.figures.out_of_order) == (3, 1, 1)
    assert (unit_b.key, unit_b.figures.population, unit_b.figures.working_capacity) == ("B", 1, 2)
    assert unit_b.figures.out_of_order == 2 and unit_b.figures.vacancies == 1
    away = {p.name: p for p in roll.away}
    assert set(away) == {"COURT, John", "CLASS, John"}
    assert away["COURT, John"].where == "Court: Crown Court" and away["COURT, John"].escort == "Serco"
    assert away["CLASS, John"].status == "internal" and away["CLASS, John"].where == "EDU"
    assert [r["name"] for r in roll.en_route_in] == ["COMING, John"]
    # Arrived today: the admission; left today: the release. Unlock = 6 - 1 + 1.
    assert (roll.arrived_today, roll.left_today, roll.unlock_roll) == (1, 1, 6)


def test_unit_roll_names_who_is_where(arranged, prison_a, olive_actor):
    estate, _ = arranged
    unit = roll_queries.unit_roll(olive_actor, prison_a.public_id, estate["A"].public_id)
    rows = {p.name: (p.status, p.cell, p.where) for p in unit.people}
    assert rows == {
        "CELL, John": ("in_cell", "A-1-1-01", ""),
        "COURT, John": ("outside", "A-1-1-02", "Court: Crown Court"),
        "CLASS, John": ("internal", "A-1-1-02", "EDU"),
    }
    assert unit.figures.population == 3


def test_the_roll_is_scoped_and_permissioned(arranged, prison_a, oscar_actor, charlie):
    with pytest.raises(NotFound):
        roll_queries.roll(oscar_actor, prison_a.public_id)
    with pytest.raises(PermissionDenied):
        roll_queries.roll(actor_of(charlie), prison_a.public_id)
    estate, _ = arranged
    with pytest.raises(NotFound):
        roll_queries.unit_roll(oscar_actor, prison_a.public_id, estate["A"].public_id)


def test_a_unit_of_another_site_or_a_wing_is_not_a_unit(arranged, prison_a, prison_b, olive_actor):
    estate, _ = arranged
    with pytest.raises(NotFound):
        roll_queries.unit_roll(olive_actor, prison_a.public_id, estate["A-1"].public_id)
    other = make_location(prison_b, None, Location.Kind.UNIT, "Z")
    with pytest.raises(NotFound):
        roll_queries.unit_roll(olive_actor, prison_a.public_id, other.public_id)


def test_the_roll_reads_in_a_few_queries_whatever_the_size(prison_a, olive_actor, django_assert_max_num_queries):
    estate = make_estate(prison_a, units=3, wings=2, cells=4)
    for n, key in enumerate(k for k, loc in estate.items() if loc.kind == "bed"):
        if n % 3:
            make_prisoner(prison_a, family=f"P{n}", bed=estate[key])
    with django_assert_max_num_queries(12):
        roll = roll_queries.roll(olive_actor, prison_a.public_id)
    assert roll.totals.beds_in_use == roll.totals.population == 32
