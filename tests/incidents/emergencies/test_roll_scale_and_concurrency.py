"""A 10,000-person roll is generated fast, and 20 staff marking at once lose no mark.

The estate and people are arranged in bulk (the behaviour under test is the service)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from oms.core import clock
from oms.core.errors import Conflict
from oms.custody.models import BedAssignment, CustodyEpisode
from oms.incidents.models import RollEntry
from oms.incidents.services import emergencies as svc
from oms.incidents.services.emergency_roll import mark_person, start_roll
from oms.people.models import Person
from tests.custody.test_bed_concurrency import writers_see_a_file_database
from tests.custody.test_housing_scale import _level
from tests.factories import actor_of, make_user


def _bulk_people_in_beds(site, count: int) -> None:
    units = _level(site, [None], "unit", 10, sex="male", security_level="medium")
    wings = _level(site, units, "wing", 5)
    landings = _level(site, wings, "landing", 4)
    cells = _level(site, landings, "cell", count // 200, working_capacity=1, maximum_capacity=1, certified_capacity=1)
    beds = _level(site, cells, "bed", 1)
    people = Person.objects.bulk_create(
        [Person(system_number=f"E{i:06d}", family_name="Bulk", given_name=str(i), sex="male") for i in range(count)],
        batch_size=2000,
    )
    now = clock.now()
    episodes = CustodyEpisode.objects.bulk_create(
        [
            CustodyEpisode(person=p, site=site, booking_number=f"E{i:07d}", legal_status="remand", received_at=now)
            for i, p in enumerate(people)
        ],
        batch_size=2000,
    )
    BedAssignment.objects.bulk_create(
        [
            BedAssignment(episode=e, person=e.person, site=site, bed=b, cell_id=b.parent_id, assigned_at=now)
            for e, b in zip(episodes, beds, strict=True)
        ],
        batch_size=2000,
    )


@pytest.mark.slow
@pytest.mark.django_db
def test_a_roll_of_10000_people_is_generated_in_under_a_second_of_cpu(sam_actor, olly_actor, prison_a):
    _bulk_people_in_beds(prison_a, 10_000)
    emergency = svc.declare_emergency(sam_actor, facility_id=prison_a.public_id, kind="lockdown", instructions="x")
    started, cpu_started = time.perf_counter(), time.process_time()
    roll = start_roll(olly_actor, emergency_id=emergency.public_id)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(f"10,000-person roll: {cpu:.2f} s CPU, {elapsed:.2f} s wall")
    assert roll.expected == 10_000 == RollEntry.objects.filter(roll=roll).count()
    assert cpu < 1.0
    # Wall time is printed, not asserted: on a quiet machine it is about 0.4 s on either database, but CI runs on
    # the shared two-core machine saw 13.6 s and 60 s of wall for under 0.5 s of CPU (the database server
    # waiting on other processes' I/O), so only the CPU bound above measures OMS.


MARKERS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_staff_marking_at_once_lose_no_mark(prison_a, sam):
    """Thread i marks person i alone (20 different people) and person 20 + i % 10 (each of 10 people is
    marked by two staff who both saw version 1): every mark either lands or is refused as changed."""
    _bulk_people_in_beds(prison_a, 200)  # the smallest estate the bulk helper builds: 200 people
    sam_actor = actor_of(sam)
    emergency = svc.declare_emergency(sam_actor, facility_id=prison_a.public_id, kind="lockdown", instructions="x")
    roll = start_roll(sam_actor, emergency_id=emergency.public_id)
    people = [e.person.public_id for e in roll.entries.select_related("person").order_by("person__system_number")]
    staff = [actor_of(make_user(f"marker{i}", roles=("custody_officer",), sites=(prison_a,))) for i in range(MARKERS)]
    plans = [
        [(people[i], "accounted"), (people[MARKERS + i % 10], "missing" if i < 10 else "accounted")]
        for i in range(MARKERS)
    ]
    outcomes: list[list] = [[] for _ in range(MARKERS)]

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            for person_id, mark in plans[index]:
                try:
                    with transaction.atomic():
                        mark_person(staff[index], roll_id=roll.public_id, person_id=person_id, mark=mark, version=1)
                    outcomes[index].append(("ok", person_id))
                except Conflict as error:
                    outcomes[index].append((error.code, person_id))
                except Exception as error:  # reported by the assertions below
                    outcomes[index].append(("unexpected", repr(error)))
        finally:
            connection.close()

    with writers_see_a_file_database():
        barrier = threading.Barrier(MARKERS)
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(MARKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        results: list = []
        reader = threading.Thread(
            target=lambda: (
                results.extend(
                    RollEntry.objects.filter(roll=roll).values_list("person__public_id", "version", "status")
                ),
                connection.close(),
            )
        )
        reader.start()
        reader.join()

    flat = [o for per in outcomes for o in per]
    assert not [o for o in flat if o[0] == "unexpected"], flat
    assert len(flat) == 2 * MARKERS
    landed: dict = {}
    for code, person_id in flat:
        assert code in ("ok", "incidents.roll_entry_changed"), flat
        if code == "ok":
            landed[person_id] = landed.get(person_id, 0) + 1
    versions = {person_id: version for person_id, version, _ in results}
    for person_id in people[: MARKERS + 10]:
        assert landed.get(person_id) == 1, (person_id, flat)  # exactly one mark landed per person...
        assert versions[person_id] == 2  # ...and the row shows exactly that one
    assert sum(1 for code, _ in flat if code != "ok") == 10  # the ten second markers were told
    assert sum(1 for _, _, status in results if status != "unaccounted") == MARKERS + 10
