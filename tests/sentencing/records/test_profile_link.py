"""The person's profile leads to the legal record once sentencing's provider is registered (the lead
registers ``sentencing_profile_links`` in SentencingConfig.ready(); this test registers it itself so it
holds either way, and leaves the registry as it found it)."""

from __future__ import annotations

import importlib

import pytest

from oms.people.queries import register_profile_links, unregister_profile_links
from oms.sentencing.views.records import sentencing_profile_links
from tests.factories import login_verified

pytestmark = pytest.mark.django_db
# The module (the package re-exports its function under the same name).
registry = importlib.import_module("oms.people.queries.profile_links")


@pytest.fixture
def registered():
    already = sentencing_profile_links in registry._providers
    register_profile_links(sentencing_profile_links)
    yield
    if not already:
        unregister_profile_links(sentencing_profile_links)


def test_profile_links_to_the_legal_record(client, alice, charlie, person, registered):
    profile = login_verified(client, alice).get(f"/people/{person.public_id}/")
    assert profile.status_code == 200
    assert f'href="/sentencing/people/{person.public_id}/"' in profile.content.decode()
    other = login_verified(client, charlie).get(f"/people/{person.public_id}/")
    assert f"/sentencing/people/{person.public_id}/" not in other.content.decode()
