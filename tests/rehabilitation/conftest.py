"""Rehabilitation fixtures on top of the shared personas (tests/conftest.py):

- alice: records officer at Prison A (may view, not change)
- bob: records officer at Prison B (Prison A's people and programmes are out of scope: 404)
- charlie: programme facilitator at Prison A (views; records attendance, progress and completion)
- frank: probation officer at Office C (plans and referrals for Office C's people)
- casey: case manager at Prison A (plans, referrals, incentive reviews)
- sam: supervisor at Prison A (allocates, manages the catalogue and incentive levels)
- olly: custody officer at Prison A (views; incentive reviews)
"""

import datetime as dt

import pytest

from oms.core import clock
from tests.factories import make_user
from tests.people.conftest import make_person


@pytest.fixture(autouse=True)
def fixed_today():
    # A Monday, so weekday timetables line up with the dates in the tests.
    with clock.freeze(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def casey(prison_a):
    return make_user("casey", roles=("case_manager",), sites=(prison_a,))


@pytest.fixture
def sam(prison_a):
    return make_user("sam", roles=("supervisor",), sites=(prison_a,))


@pytest.fixture
def olly(prison_a):
    return make_user("olly", roles=("custody_officer",), sites=(prison_a,))


@pytest.fixture
def person(prison_a):
    return make_person(prison_a, family="Okafor", given="Daniel", dob=dt.date(1990, 3, 4))


@pytest.fixture
def other_person(prison_a):
    return make_person(prison_a, family="Hughes", given="Liam", dob=dt.date(1995, 11, 20))


@pytest.fixture
def probation_person(office_c):
    return make_person(office_c, family="Reyes", given="Ana", dob=dt.date(1985, 7, 9))
