"""Estate personas (architecture rule 10), on top of the shared ones in tests/conftest.py:

- ada: administrator at Prison A (facilities.manage_locations: allowed)
- bea: administrator at Prison B (same role, other site: Prison A's estate answers 404)
- charlie (shared): programme facilitator at Prison A (facilities.view only: changes are 403)
"""

from __future__ import annotations

import pytest

from oms.facilities import queries
from tests.custody.factories import make_estate
from tests.factories import actor_of, make_user


@pytest.fixture
def ada(prison_a):
    return make_user("ada", roles=("administrator",), sites=(prison_a,))


@pytest.fixture
def bea(prison_b):
    return make_user("bea", roles=("administrator",), sites=(prison_b,))


@pytest.fixture
def ada_actor(ada):
    return actor_of(ada)


@pytest.fixture
def bea_actor(bea):
    return actor_of(bea)


@pytest.fixture
def charlie_actor(charlie):
    return actor_of(charlie)


@pytest.fixture
def estate_a(prison_a):
    """Prison A: unit A, wing 1, landing 1, cells 01 and 02 of 2 beds, a reception and a classroom."""
    return make_estate(prison_a)


@pytest.fixture
def occupancy():
    """A stand-in for the counter custody registers: people per bed key; a location's count is the
    sum over the beds in its subtree. Unregistered again after the test."""
    beds: dict[str, int] = {}

    def count(location) -> int:
        return sum(n for key, n in beds.items() if key == location.key or key.startswith(location.key + "-"))

    queries.set_occupancy_counter(count)
    yield beds
    queries.set_occupancy_counter(None)
