"""Supervision fixtures on top of the shared personas (tests/conftest.py):

- frank: probation officer at Office C (manages cases and records contacts for Office C's people)
- sue: supervisor at Office C (also overrides supervision levels)
- pete: probation officer at Office D (Office C's people are out of scope: 404)
- alice: records officer at Prison A (no supervision permissions: 403)
- ann: analyst (no supervision permissions: 403)
"""

import datetime as dt

import pytest

from oms.core import clock
from oms.core.actor import Scope
from oms.facilities.models import Site
from tests.factories import actor_of, make_site, make_user
from tests.people.conftest import make_person


@pytest.fixture(autouse=True)
def fixed_now():
    # A Monday morning.
    with clock.freeze(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def office_d(probation_service):
    return make_site(probation_service, Site.Kind.PROBATION_OFFICE, code="OFD", name="Office D")


@pytest.fixture
def sue(office_c):
    return make_user("sue", roles=("supervisor",), sites=(office_c,), first_name="Sue", last_name="Marsh")


@pytest.fixture
def pete(office_d):
    return make_user("pete", roles=("probation_officer",), sites=(office_d,))


@pytest.fixture
def ann(db):
    return make_user("ann", roles=("analyst",), scope=Scope.NATIONAL)


@pytest.fixture
def frank_actor(frank):
    return actor_of(frank)


@pytest.fixture
def sue_actor(sue):
    return actor_of(sue)


@pytest.fixture
def person(office_c):
    return make_person(office_c, family="Reyes", given="Ana", dob=dt.date(1985, 7, 9))


@pytest.fixture
def other_person(office_c):
    return make_person(office_c, family="Hughes", given="Liam", dob=dt.date(1995, 11, 20))
