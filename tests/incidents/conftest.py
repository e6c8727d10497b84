"""Incidents fixtures on top of the shared personas (tests/conftest.py):

- alice: records officer at Prison A (no incident permissions: 403)
- bob: records officer at Prison B (out of scope for Prison A: 404 where he has the permission)
- olly: custody officer at Prison A (views, reports, lays charges, marks the emergency roll)
- otto: custody officer at Prison B (Prison A's incidents are out of scope: 404)
- sam: supervisor at Prison A (reviews, investigates, adjudicates, declares emergencies)
- ann: analyst (national trends)
"""

import datetime as dt

import pytest

from oms.core import clock
from oms.core.actor import Scope
from tests.factories import make_user
from tests.people.conftest import make_person


@pytest.fixture(autouse=True)
def fixed_now():
    # A Monday morning.
    with clock.freeze(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def olly(prison_a):
    return make_user("olly", roles=("custody_officer",), sites=(prison_a,))


@pytest.fixture
def otto(prison_b):
    return make_user("otto", roles=("custody_officer",), sites=(prison_b,))


@pytest.fixture
def sam(prison_a):
    return make_user("sam", roles=("supervisor",), sites=(prison_a,))


@pytest.fixture
def ann(db):
    return make_user("ann", roles=("analyst",), scope=Scope.NATIONAL)


@pytest.fixture
def person(prison_a):
    return make_person(prison_a, family="Okafor", given="Daniel", dob=dt.date(1990, 3, 4))


@pytest.fixture
def other_person(prison_a):
    return make_person(prison_a, family="Hughes", given="Liam", dob=dt.date(1995, 11, 20))
