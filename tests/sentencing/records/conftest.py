"""Legal-record fixtures on top of the shared personas (tests/conftest.py):

- alice: records officer at Prison A (manage records and adjustments)
- bob: records officer at Prison B (Prison A's people are out of scope: 404)
- charlie: programme facilitator at Prison A (no sentencing permissions: 403)
- ada: administrator (maintains the offence catalogue)
"""

from __future__ import annotations

import datetime as dt

import pytest

from oms.core import clock
from tests.factories import actor_of, make_user
from tests.people.conftest import make_person
from tests.sentencing.factories import make_court_case, make_offence


@pytest.fixture(autouse=True)
def fixed_today():
    """Sentence dates are checked against today: fix it so the dates below stay in the past."""
    with clock.freeze(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def alice_actor(alice):
    return actor_of(alice)


@pytest.fixture
def bob_actor(bob):
    return actor_of(bob)


@pytest.fixture
def charlie_actor(charlie):
    return actor_of(charlie)


@pytest.fixture
def ada(db):
    return make_user("ada", roles=("administrator",))


@pytest.fixture
def ada_actor(ada):
    return actor_of(ada)


@pytest.fixture
def person(prison_a):
    return make_person(prison_a, family="Okafor", given="Daniel", dob=dt.date(1990, 3, 4))


@pytest.fixture
def theft(db):
    return make_offence("TH68001", "Theft from a shop", flags=["acquisitive"])


@pytest.fixture
def court_case(person):
    return make_court_case(person, case_number="T20260001")
