"""Monitoring fixtures on top of the shared personas (tests/conftest.py):

- mona: monitoring officer at Office C (orders, devices, alerts for Office C's people)
- owen: monitoring officer at Office D (Office C's people are out of scope: 404)
- frank: probation officer at Office C (sees monitoring, changes nothing: 403)
- alice: records officer at Prison A (no monitoring permissions: 403)
- feed: the device feed's API client user (national; monitoring.ingest_fixes only)
"""

import datetime as dt

import pytest

from oms.core import clock
from oms.core.actor import Scope
from oms.facilities.models import Site
from oms.monitoring.services import fixes as fix_services
from tests.factories import actor_of, make_site, make_user
from tests.people.conftest import make_person

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)  # a Monday, 13:00 in London (BST)


@pytest.fixture(autouse=True)
def fixed_now():
    fix_services._COMPILED.clear()
    with clock.freeze(NOW):
        yield


@pytest.fixture
def office_d(probation_service):
    return make_site(probation_service, Site.Kind.PROBATION_OFFICE, code="OFD", name="Office D")


@pytest.fixture
def mona(office_c):
    return make_user("mona", roles=("monitoring_officer",), sites=(office_c,))


@pytest.fixture
def owen(office_d):
    return make_user("owen", roles=("monitoring_officer",), sites=(office_d,))


@pytest.fixture
def feed(db):
    return make_user("feed", roles=("monitoring_feed",), scope=Scope.NATIONAL, with_totp=False)


@pytest.fixture
def mona_actor(mona):
    return actor_of(mona)


@pytest.fixture
def feed_actor(feed):
    return actor_of(feed, channel="api")


@pytest.fixture
def person(office_c):
    return make_person(office_c, family="Reyes", given="Ana", dob=dt.date(1985, 7, 9))
