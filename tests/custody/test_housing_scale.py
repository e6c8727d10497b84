"""Bed suggestions on a 10,000-bed site, 80% full: one read of the estate and its occupancy, every bed
checked in memory. The arrangement writes rows in bulk (the behaviour under test is the query)."""

from __future__ import annotations

import itertools
import time

import pytest

from oms.core import clock
from oms.custody.models import BedAssignment, CustodyEpisode
from oms.custody.queries.housing import suggest_beds
from oms.facilities.models import Location
from oms.people.models import Person
from tests.custody.factories import make_episode
from tests.people.conftest import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


_ids = itertools.count(5_000_000)  # explicit ids far above the sequence, so paths are known before insert


def _level(site, parents, kind, count, **fields):
    """``count`` children of ``kind`` under each parent, written in bulk with their paths."""
    rows = []
    for parent in parents:
        for n in range(1, count + 1):
            pk = next(_ids)
            rows.append(
                Location(
                    id=pk,
                    site=site,
                    parent=parent,
                    kind=kind,
                    code=f"{n:02d}",
                    key=f"{parent.key}-{n:02d}" if parent else chr(ord("A") + n - 1),
                    depth=parent.depth + 1 if parent else 0,
                    path=f"{parent.path if parent else '/'}{pk}/",
                    **fields,
                )
            )
    return Location.objects.bulk_create(rows, batch_size=5000)


def test_suggestions_for_a_10000_bed_site_are_fast(olive_actor, prison_a, django_assert_max_num_queries):
    units = _level(prison_a, [None], "unit", 10, sex="male", security_level="medium")
    wings = _level(prison_a, units, "wing", 5)
    landings = _level(prison_a, wings, "landing", 4)
    cells = _level(prison_a, landings, "cell", 50, working_capacity=1, maximum_capacity=1, certified_capacity=1)
    beds = _level(prison_a, cells, "bed", 1)
    assert len(beds) == 10_000

    occupied = beds[:8_000]
    people = Person.objects.bulk_create(
        [Person(system_number=f"Q{i:06d}", family_name="Bulk", given_name=str(i), sex="male") for i in range(8_000)],
        batch_size=2000,
    )
    now = clock.now()
    episodes = CustodyEpisode.objects.bulk_create(
        [
            CustodyEpisode(person=p, site=prison_a, booking_number=f"S{i:07d}", legal_status="remand", received_at=now)
            for i, p in enumerate(people)
        ],
        batch_size=2000,
    )
    BedAssignment.objects.bulk_create(
        [
            BedAssignment(episode=e, person=e.person, site=prison_a, bed=b, cell_id=b.parent_id, assigned_at=now)
            for e, b in zip(episodes, occupied, strict=True)
        ],
        batch_size=2000,
    )
    episode = make_episode(make_person(prison_a, family="Newcomer", sex="male"), prison_a)

    started, cpu_started = time.perf_counter(), time.process_time()
    with django_assert_max_num_queries(8):  # the same handful of queries as for a 4-bed site
        found = suggest_beds(olive_actor, episode_id=episode.public_id, limit=20)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started

    assert len(found) == 20 and all(s.bed_key not in {b.key for b in occupied[:50]} for s in found)
    print(f"suggest_beds over 10,000 beds (8,000 occupied): {elapsed * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU")
    # Measured 0.4 s (PostgreSQL) to 0.9 s (SQLite, cold cache) on the 2-core development machine, and
    # 11.9 s wall when four other test runs shared its two cores. The bound is on this process's CPU
    # time, which other processes do not inflate; per-bed work in Python would still blow it.
    assert cpu < 5.0
