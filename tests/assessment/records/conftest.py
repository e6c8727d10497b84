"""Assessment-record fixtures on top of the shared personas (tests/conftest.py):

- alice: records officer at Prison A (may view assessments, not make them)
- bob: records officer at Prison B (Prison A's people are out of scope: 404)
- charlie: programme facilitator at Prison A (no assessment permissions: 403)
- frank: probation officer at Office C (assesses Office C's people)
- casey: case manager at Prison A (assesses); sam: supervisor at Prison A (countersigns, approves
  overrides); sue: another supervisor at Prison A
"""

import datetime as dt

import pytest

from oms.core import clock
from tests.factories import actor_of, make_user
from tests.people.conftest import make_person

NEEDS_ANSWERS = {
    "accommodation": "severe",
    "education_training_employment": "standard",
    "finance": "no_need",
}


@pytest.fixture(autouse=True)
def fixed_today():
    with clock.freeze(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def casey(prison_a):
    return make_user("casey", roles=("case_manager",), sites=(prison_a,))


@pytest.fixture
def sam(prison_a):
    return make_user("sam", roles=("supervisor",), sites=(prison_a,))


@pytest.fixture
def sue(prison_a):
    return make_user("sue", roles=("supervisor",), sites=(prison_a,))


@pytest.fixture
def person(prison_a):
    return make_person(prison_a, family="Okafor", given="Daniel", dob=dt.date(1990, 3, 4))


@pytest.fixture
def probation_person(office_c):
    return make_person(office_c, family="Reyes", given="Ana", dob=dt.date(1985, 7, 9))


@pytest.fixture
def needs_items():
    from oms.assessment.services.instruments import catalogue

    return [item.code for item in catalogue().get("criminogenic-needs").items]


@pytest.fixture
def all_needs(needs_items):
    """A complete answer set: standard need everywhere, severe for accommodation."""
    answers = dict.fromkeys(needs_items, "standard")
    answers["accommodation"] = "severe"
    return answers


def actor(user):
    return actor_of(user)
