"""Two (or more) staff assigning the last free bed at the same moment: exactly one succeeds.

Real concurrent writers: each thread has its own database connection and its own transaction, as two
requests would (ATOMIC_REQUESTS), and they start together at a barrier. The others get a Conflict
(bed occupied, or "That bed has just been taken" when the unique index decides), never a 500.
"""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
import threading
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

from oms.core import clock
from oms.core.errors import Conflict
from oms.custody.models import BedAssignment, IntakeScreening
from oms.custody.services.housing import assign_bed
from tests.custody.factories import make_episode, make_estate
from tests.factories import actor_of, make_user
from tests.people.conftest import make_person

WRITERS = 6


@contextlib.contextmanager
def writers_see_a_file_database():
    """On SQLite, give the writer threads what production has: a file database in WAL mode with
    IMMEDIATE transactions and a busy timeout (settings.py), holding a copy of the arranged rows.

    The default test database is in memory with a shared cache, where a second writer fails at once
    with "database table is locked" instead of queueing: that is a property of the test database,
    not of the deployment. SQLite's backup API copies schema, triggers and rows in one step. On
    PostgreSQL the threads use the test database itself."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    settings_dict = connections.settings["default"]
    original = settings_dict["NAME"]
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "writers.sqlite3")
        target = sqlite3.connect(path)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()
        settings_dict["NAME"] = path
        try:
            yield
        finally:
            settings_dict["NAME"] = original


def _run_together(calls):
    """Run each call in its own thread and connection, all released at once; returns outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                outcomes[index] = call()
        except Conflict as error:
            outcomes[index] = error
        except Exception as error:  # anything else is a failure of the test, reported below
            outcomes[index] = ("unexpected", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_exactly_one_of_many_staff_gets_the_last_free_bed(prison_a):
    estate = make_estate(prison_a, cells=1, beds_per_cell=1)
    bed = estate["A-1-1-01-1"]
    staff = [actor_of(make_user(f"officer{i}", roles=("custody_officer",), sites=(prison_a,))) for i in range(WRITERS)]
    episodes = []
    for i in range(WRITERS):
        episode = make_episode(make_person(prison_a, family=f"Writer{i}", sex="male"), prison_a)
        IntakeScreening.objects.create(episode=episode, cell_sharing="standard", screened_at=clock.now())
        episodes.append(episode)

    with writers_see_a_file_database():
        outcomes = _run_together(
            [
                (
                    lambda actor=actor, episode=episode: assign_bed(
                        actor, episode_id=episode.public_id, bed_id=bed.public_id
                    )
                )
                for actor, episode in zip(staff, episodes, strict=True)
            ]
        )
        (rows,) = _run_together(
            [lambda: list(BedAssignment.objects.filter(bed=bed).values_list("ended_at", flat=True))]
        )

    won = [o for o in outcomes if isinstance(o, BedAssignment)]
    lost = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(won) == 1, outcomes
    assert len(lost) == WRITERS - 1, outcomes
    assert {e.code for e in lost} <= {"custody.housing_conflict", "custody.bed_taken"}
    assert all(
        "housing.bed_occupied" in [c.code for c in e.conflicts] for e in lost if e.code == "custody.housing_conflict"
    ), [(e.code, getattr(e, "conflicts", None)) for e in lost]
    assert rows == [None]  # one assignment was written, and it is open


@pytest.mark.django_db(transaction=True)
def test_the_unique_index_turns_a_double_booking_into_a_conflict(prison_a):
    """Even past the checks (as if the lock had been missed), the database refuses a second open
    assignment and the service answers a Conflict, not an IntegrityError."""
    from unittest import mock

    from oms.custody.services import housing

    estate = make_estate(prison_a, cells=1, beds_per_cell=2)
    bed = estate["A-1-1-01-1"]
    officer = actor_of(make_user("olive", roles=("custody_officer",), sites=(prison_a,)))
    first = make_episode(make_person(prison_a, family="First", sex="male"), prison_a, bed=bed)
    second = make_episode(make_person(prison_a, family="Second", sex="male"), prison_a)
    assert first.pk
    with mock.patch.object(housing.rules, "bed_conflicts", return_value=[]), pytest.raises(Conflict) as error:
        with transaction.atomic():
            assign_bed(officer, episode_id=second.public_id, bed_id=bed.public_id)
    assert error.value.code == "custody.bed_taken"
    assert "just been taken" in error.value.detail
    assert BedAssignment.objects.filter(bed=bed, ended_at__isnull=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_kept_apart_by_landing_are_not_both_put_on_one_landing_at_once(prison_a):
    """Different cells, same landing, same moment: the landing lock makes the second placement see the
    first, so exactly one succeeds and the other is told why."""
    from oms.custody.models import NonAssociation

    estate = make_estate(prison_a, cells=2, beds_per_cell=1)
    staff = [actor_of(make_user(f"officer{i}", roles=("custody_officer",), sites=(prison_a,))) for i in range(2)]
    episodes = []
    for i in range(2):
        episode = make_episode(make_person(prison_a, family=f"Apart{i}", sex="male"), prison_a)
        IntakeScreening.objects.create(episode=episode, cell_sharing="standard", screened_at=clock.now())
        episodes.append(episode)
    low, high = sorted(e.person_id for e in episodes)
    now = clock.now()
    NonAssociation.objects.create(
        person_a_id=low, person_b_id=high, role_a="victim", role_b="perpetrator", reason="threat",
        restriction_level="landing", comment="Threats on the exercise yard", authorised_by="Head of Security",
        created_at=now, updated_at=now,
    )  # fmt: skip
    beds = [estate["A-1-1-01-1"], estate["A-1-1-02-1"]]

    def place(actor, episode, bed):
        return lambda: assign_bed(actor, episode_id=episode.public_id, bed_id=bed.public_id)

    with writers_see_a_file_database():
        outcomes = _run_together([place(*args) for args in zip(staff, episodes, beds, strict=True)])

    won = [o for o in outcomes if isinstance(o, BedAssignment)]
    lost = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert "housing.keep_apart_landing" in [c.code for c in lost[0].conflicts]
