"""Diversion fixtures on top of the shared personas (tests/conftest.py):

- cora: diversion coordinator at the Northtown diversion programme site (DV1)
- dan: a second coordinator at DV1 (verifies the hours cora logs)
- vic: diversion coordinator at another diversion site (DV2): DV1's records are out of scope (404)
- alice: records officer at Prison A (no diversion permissions: 403)
"""

import datetime as dt

import pytest

from oms.core import clock, notifications
from oms.diversion.models import Programme
from oms.facilities.models import Organisation, Site
from tests.factories import actor_of, make_organisation, make_site, make_user
from tests.people.conftest import make_person

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def fixed_now():
    with clock.freeze(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)):
        yield


@pytest.fixture(autouse=True)
def memory_notifier(settings):
    settings.OMS_NOTIFIERS = ["memory"]
    notifications.sent.clear()
    yield notifications.sent
    notifications.sent.clear()


@pytest.fixture
def provider(db):
    return make_organisation(Organisation.Kind.DIVERSION_PROVIDER, code="DIVP", name="Diversion Provider")


@pytest.fixture
def dv1(provider):
    return make_site(provider, Site.Kind.DIVERSION_PROGRAMME, code="DV1", name="Northtown Diversion")


@pytest.fixture
def dv2(provider):
    return make_site(provider, Site.Kind.DIVERSION_PROGRAMME, code="DV2", name="Southtown Diversion")


@pytest.fixture
def cora(dv1):
    return make_user("cora", roles=("diversion_coordinator",), sites=(dv1,), email="cora@example.test")


@pytest.fixture
def dan(dv1):
    return make_user("dan", roles=("diversion_coordinator",), sites=(dv1,))


@pytest.fixture
def vic(dv2):
    return make_user("vic", roles=("diversion_coordinator",), sites=(dv2,))


@pytest.fixture
def cora_actor(cora):
    return actor_of(cora)


@pytest.fixture
def dan_actor(dan):
    return actor_of(dan)


@pytest.fixture
def programme(dv1):
    return Programme.objects.create(
        site=dv1,
        name="First-time offender programme",
        eligibility={"min_age": 18, "max_prior_convictions": 0, "excluded_offence_categories": ["violence"]},
        full_fee_minor=20_000,
        created_at=clock.now(),
    )


@pytest.fixture
def person(dv1):
    return make_person(dv1, family="Okafor", given="Jade", dob=dt.date(2001, 3, 4))
