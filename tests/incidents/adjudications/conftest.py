"""Adjudications fixtures: the person is in custody at Prison A, paragraph 1 is in force."""

import pytest

from tests.custody.factories import make_episode
from tests.factories import actor_of
from tests.incidents.factories import make_paragraph


@pytest.fixture
def held(person, prison_a):
    return make_episode(person, prison_a)


@pytest.fixture
def paragraph(db):
    return make_paragraph("1", title="Commits any assault", serious=True)


@pytest.fixture
def olly_actor(olly):
    return actor_of(olly)


@pytest.fixture
def sam_actor(sam):
    return actor_of(sam)


@pytest.fixture
def alice_actor(alice):
    return actor_of(alice)


@pytest.fixture
def otto_actor(otto):
    return actor_of(otto)
