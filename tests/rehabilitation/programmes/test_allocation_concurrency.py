"""Allocators giving the last places at the same moment: the programme row lock makes each see the
others, so the programme is never overfilled and two people kept apart never both get a place.

Real concurrent writers as in tests/custody/test_bed_concurrency.py: each thread has its own
connection and transaction and they start together at a barrier. On PostgreSQL the lock is
``select_for_update``; on SQLite a file database in WAL mode serialises the writers.
"""

from __future__ import annotations

import pytest

from oms.core.errors import Conflict
from oms.rehabilitation.models import Allocation
from oms.rehabilitation.services.allocations import AllocationRefused, allocate
from tests.custody.test_bed_concurrency import _run_together, writers_see_a_file_database
from tests.factories import actor_of, make_user
from tests.people.conftest import make_person
from tests.rehabilitation.factories import make_programme
from tests.rehabilitation.programmes.conftest import keep_apart

WRITERS = 6


@pytest.mark.django_db(transaction=True)
def test_many_allocators_never_overfill_a_programme(prison_a):
    course = make_programme(prison_a, code="RACE", capacity=2)
    staff = [actor_of(make_user(f"sup{i}", roles=("supervisor",), sites=(prison_a,))) for i in range(WRITERS)]
    people = [make_person(prison_a, family=f"Writer{i}") for i in range(WRITERS)]

    with writers_see_a_file_database():
        outcomes = _run_together(
            [
                (
                    lambda actor=actor, person=person: allocate(
                        actor, programme_id=course.public_id, person_id=person.public_id
                    )
                )
                for actor, person in zip(staff, people, strict=True)
            ]
        )
        (live,) = _run_together([lambda: Allocation.objects.filter(programme_id=course.pk).count()])

    won = [o for o in outcomes if isinstance(o, Allocation)]
    lost = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(won) == 2, outcomes
    assert len(lost) == WRITERS - 2, outcomes
    assert all(isinstance(e, AllocationRefused) and [p.check for p in e.problems] == ["capacity"] for e in lost)
    assert live == 2


@pytest.mark.django_db(transaction=True)
def test_two_people_kept_apart_are_not_both_given_places_at_once(prison_a):
    course = make_programme(prison_a, code="APART", capacity=10)
    staff = [actor_of(make_user(f"sup{i}", roles=("supervisor",), sites=(prison_a,))) for i in range(2)]
    people = [make_person(prison_a, family=f"Apart{i}") for i in range(2)]
    keep_apart(*people)

    with writers_see_a_file_database():
        outcomes = _run_together(
            [
                (
                    lambda actor=actor, person=person: allocate(
                        actor, programme_id=course.public_id, person_id=person.public_id
                    )
                )
                for actor, person in zip(staff, people, strict=True)
            ]
        )

    won = [o for o in outcomes if isinstance(o, Allocation)]
    lost = [o for o in outcomes if isinstance(o, AllocationRefused)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert [p.check for p in lost[0].problems] == ["non_association"]
