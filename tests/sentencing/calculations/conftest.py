"""Release-date personas (architecture rule 10), on top of the shared ones in tests/conftest.py:

- alice (shared): records officer at Prison A: reads and calculates release dates
- bob (shared): records officer at Prison B: Prison A's people answer 404
- charlie (shared): programme facilitator at Prison A: no sentencing permission (403)
- sam: supervisor at Prison A: reads and overrides release dates
- ada: administrator for the prison service: chooses facility profiles
"""

from __future__ import annotations

import datetime as dt

import pytest

from oms.core import clock
from oms.core.actor import Scope
from tests.custody.factories import make_episode
from tests.factories import actor_of, make_user
from tests.people.conftest import make_person
from tests.sentencing.factories import make_adjustment, make_sentence

NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.freeze(NOON):
        yield


@pytest.fixture
def sam(prison_a):
    return make_user("sam", roles=("supervisor",), sites=(prison_a,))


@pytest.fixture
def ada(prison_service, prison_a, prison_b):
    return make_user(
        "ada", roles=("administrator",), organisation=prison_service, sites=(prison_a,), scope=Scope.ORGANISATION
    )


@pytest.fixture
def alice_actor(alice):
    return actor_of(alice)


@pytest.fixture
def sam_actor(sam):
    return actor_of(sam)


def sentenced_person(site, *, family="Turner", months=24, remand_days=30, in_custody=True, **sentence):
    """A person held at ``site`` with one determinate sentence and some remand."""
    person = make_person(site, family=family)
    if in_custody:
        make_episode(person, site, legal_status="sentenced")
    made = make_sentence(person, months=months, **sentence)
    if remand_days:
        make_adjustment(person, "remand", remand_days, sentence=made)
    return person


@pytest.fixture
def turner(prison_a):
    return sentenced_person(prison_a)
