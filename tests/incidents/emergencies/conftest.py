"""Emergency fixtures: Prison A's estate (unit A and unit B, one wing and landing each, 2 cells of 2
beds, a reception and a classroom) with people in beds, and notifications kept in memory."""

import pytest

from oms.core import notifications
from tests.custody.factories import make_estate, make_prisoner
from tests.factories import actor_of


@pytest.fixture(autouse=True)
def memory_notifications(settings):
    settings.OMS_NOTIFIERS = ["memory"]
    notifications.sent.clear()
    yield notifications.sent
    notifications.sent.clear()


@pytest.fixture
def estate(prison_a):
    return make_estate(prison_a, units=2)


@pytest.fixture
def housed(prison_a, estate):
    """Four people: two on unit A, two on unit B."""
    return {
        "a1": make_prisoner(prison_a, family="Adams", bed=estate["A-1-1-01-1"]),
        "a2": make_prisoner(prison_a, family="Baker", bed=estate["A-1-1-02-1"]),
        "b1": make_prisoner(prison_a, family="Clark", bed=estate["B-1-1-01-1"]),
        "b2": make_prisoner(prison_a, family="Davis", bed=estate["B-1-1-02-2"]),
    }


@pytest.fixture
def sam_actor(sam):
    return actor_of(sam)


@pytest.fixture
def olly_actor(olly):
    return actor_of(olly)
