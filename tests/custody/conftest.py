"""Custody personas (architecture rule 10), on top of the shared ones in tests/conftest.py:

- olive: custody officer at Prison A (the floor: receive, house, move, count, observe)
- sam: supervisor at Prison A (also release, overrides, clear counts, manage keep-aparts)
- oscar: custody officer at Prison B (other facility: Prison A records answer 404)
- charlie (shared): programme facilitator at Prison A (wrong role: 403)
"""

from __future__ import annotations

import pytest

from tests.custody.factories import make_estate
from tests.factories import actor_of, make_user


@pytest.fixture
def olive(prison_a):
    return make_user("olive", roles=("custody_officer",), sites=(prison_a,))


@pytest.fixture
def sam(prison_a):
    return make_user("sam", roles=("supervisor",), sites=(prison_a,))


@pytest.fixture
def oscar(prison_b):
    return make_user("oscar", roles=("custody_officer",), sites=(prison_b,))


@pytest.fixture
def olive_actor(olive):
    return actor_of(olive)


@pytest.fixture
def sam_actor(sam):
    return actor_of(sam)


@pytest.fixture
def oscar_actor(oscar):
    return actor_of(oscar)


@pytest.fixture
def estate_a(prison_a):
    """Prison A: unit A, one wing, one landing, 2 cells of 2 beds, a reception and a classroom."""
    return make_estate(prison_a)
