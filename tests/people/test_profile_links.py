"""The profile's "Elsewhere in OMS" hook: apps above people register link providers; people lists them."""

from __future__ import annotations

import pytest

from oms.people import queries
from tests.factories import login_verified
from tests.people.conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    def links(actor, person):
        return [("Example record", f"/example/{person.public_id}/")] if actor.has("people.edit") else []

    queries.register_profile_links(links)
    queries.register_profile_links(links)  # registering twice keeps one
    yield links
    queries.unregister_profile_links(links)


def test_registered_provider_links_show_on_the_profile(client, alice, prison_a, provider):
    person = make_person(prison_a, family="Lark", given="Ada")
    login_verified(client, alice)
    body = client.get(f"/people/{person.public_id}/").content.decode()
    assert "Elsewhere in OMS" in body
    assert body.count(f'href="/example/{person.public_id}/"') == 1


def test_provider_decides_per_actor(client, charlie, prison_a, provider):
    person = make_person(prison_a, family="Lark", given="Ada")
    login_verified(client, charlie)  # no people.edit: the example provider gives nothing
    body = client.get(f"/people/{person.public_id}/").content.decode()
    # Other apps' providers may still give charlie links (rehabilitation's, say); the example gives none.
    assert "/example/" not in body


def test_unregistered_provider_is_gone(alice, prison_a, provider):
    from tests.factories import actor_of

    person = make_person(prison_a)
    actor = actor_of(alice)
    before = queries.profile_links(actor, person)
    queries.unregister_profile_links(provider)
    assert len(queries.profile_links(actor, person)) == len(before) - 1
