"""The person profile links to custody (provider registered by CustodyConfig.ready)."""

from __future__ import annotations

import dataclasses

import pytest

from oms.custody.views.profile_links import custody_profile_links
from tests.custody.factories import make_episode, make_prisoner
from tests.factories import actor_of, login_verified
from tests.people.conftest import make_person

pytestmark = pytest.mark.django_db


def test_sam_sees_custody_record_housing_and_non_associations(client, sam, prison_a, estate_a):
    episode = make_prisoner(prison_a, family="Moss", given="Rhys")
    login_verified(client, sam)
    body = client.get(f"/people/{episode.person.public_id}/").content.decode()
    assert "Elsewhere in OMS" in body
    assert f"Custody record ({episode.booking_number}, {prison_a.name})" in body
    assert f'href="/custody/episodes/{episode.public_id}/"' in body
    assert f'href="/custody/episodes/{episode.public_id}/housing/"' in body
    assert f'href="/custody/people/{episode.person.public_id}/non-associations/"' in body


def test_charlie_without_custody_view_sees_no_custody_links(client, charlie, prison_a, estate_a):
    episode = make_prisoner(prison_a, family="Moss", given="Rhys")
    login_verified(client, charlie)
    page = client.get(f"/people/{episode.person.public_id}/")
    assert page.status_code == 200
    assert "/custody/" not in page.content.decode()


def test_episode_at_another_site_is_not_linked(sam, prison_a, prison_b):
    person = make_person(prison_a, family="Moss", given="Rhys")  # record in scope at A
    make_episode(person, prison_b)  # but in custody at B, out of sam's reach
    assert custody_profile_links(actor_of(sam), person) == []


def test_no_active_episode_no_links(sam, prison_a):
    assert custody_profile_links(actor_of(sam), make_person(prison_a)) == []


def test_non_associations_need_their_permission(sam, prison_a, estate_a):
    episode = make_prisoner(prison_a)
    actor = actor_of(sam)
    narrower = dataclasses.replace(actor, permissions=actor.permissions - {"custody.view_non_associations"})
    assert [label for label, _ in custody_profile_links(narrower, episode.person)] == [
        f"Custody record ({episode.booking_number}, {prison_a.name})",
        "Housing",
    ]
