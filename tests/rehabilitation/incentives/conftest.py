"""Incentive fixtures on top of tests/rehabilitation/conftest.py (today is Monday 1 June 2026):

- olly (custody officer) and casey (case manager) at Prison A review; sam (supervisor) also configures;
  charlie (programme facilitator) only views (403); bob (records officer at Prison B) is elsewhere (404).
- held: Daniel Okafor in custody at Prison A, which has basic / standard (default) / enhanced levels.
"""

from __future__ import annotations

import pytest

from oms.core.actor import Actor
from tests.custody.factories import make_episode
from tests.factories import actor_of
from tests.rehabilitation.factories import make_incentive_levels

SYSTEM = Actor.system(channel="cli")


@pytest.fixture
def levels_a(prison_a):
    return make_incentive_levels(prison_a)


@pytest.fixture
def held(person, prison_a, levels_a):
    make_episode(person, prison_a)
    return person


@pytest.fixture
def olly_actor(olly):
    return actor_of(olly)


@pytest.fixture
def casey_actor(casey):
    return actor_of(casey)


@pytest.fixture
def sam_actor(sam):
    return actor_of(sam)
