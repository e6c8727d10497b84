"""Attendance fixtures: a programme at Prison A with people allocated, and its Monday session
(today, 1 June 2026, frozen by tests/rehabilitation/conftest.py).

- fiona: programme facilitator at Prison B (records attendance there; Prison A is out of scope: 404)
"""

from __future__ import annotations

import datetime as dt

import pytest

from oms.core.actor import Actor
from tests.factories import actor_of, make_user
from tests.people.conftest import make_person
from tests.rehabilitation.factories import make_allocation, make_programme, make_session

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def fiona(prison_b):
    return make_user("fiona", roles=("programme_facilitator",), sites=(prison_b,))


@pytest.fixture
def programme(prison_a):
    return make_programme(prison_a, qualification="Certificate in Thinking Skills")


@pytest.fixture
def session(programme):
    return make_session(programme, TODAY)


@pytest.fixture
def allocation(person, programme, sam):
    return make_allocation(person, programme, sam, starts_on=dt.date(2026, 5, 1))


@pytest.fixture
def other_allocation(other_person, programme, sam):
    return make_allocation(other_person, programme, sam, starts_on=dt.date(2026, 5, 1))


def as_actor(user) -> Actor:
    return actor_of(user)


def allocate_many(site, programme, user, n: int, *, starts_on=dt.date(2026, 5, 1)):
    return [
        make_allocation(make_person(site, family=f"Learner{i:02d}", given="Test"), programme, user, starts_on=starts_on)
        for i in range(n)
    ]
