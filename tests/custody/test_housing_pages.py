"""Housing and keep-apart pages: GOV.UK forms that work without JavaScript, conflicts explained,
the override field only for those who may override, the other side named only when readable."""

from __future__ import annotations

import pytest
from django.urls import reverse

from oms.core import clock
from oms.core.actor import Actor
from oms.custody.models import BedAssignment, IntakeScreening, KeepApartGroup, KeepApartMember, NonAssociation
from oms.custody.services.non_associations import create_non_association
from tests.custody.factories import make_episode
from tests.factories import login_verified
from tests.people.conftest import make_person

pytestmark = pytest.mark.django_db


def prisoner(site, family="Able", *, bed=None, sharing="standard"):
    episode = make_episode(make_person(site, family=family, sex="male"), site, bed=bed)
    IntakeScreening.objects.create(episode=episode, cell_sharing=sharing, screened_at=clock.now())
    return episode


def housing_url(episode):
    return reverse("custody:housing", kwargs={"episode_id": episode.public_id})


def test_housing_page_suggests_and_allocates(client, olive, prison_a, estate_a):
    episode = prisoner(prison_a)
    login_verified(client, olive)

    page = client.get(housing_url(episode))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Suggested beds" in text and "A-1-1-01-1" in text and "In reception" in text
    assert 'name="override_reason"' not in text  # olive may not override

    done = client.post(housing_url(episode), {"bed": "a-1-1-01-1", "reason": "Induction"})
    assert done.status_code == 302
    assert BedAssignment.objects.get(episode=episode, ended_at__isnull=True).bed.key == "A-1-1-01-1"
    after = client.get(housing_url(episode)).content.decode()
    assert "Bed A-1-1-01-1 since" in after and "Move to another bed" in after


def test_conflicts_are_explained_and_a_supervisor_may_override(client, olive, sam, prison_a, estate_a):
    prisoner(prison_a, "Baker", bed=estate_a["A-1-1-01-1"])
    episode = prisoner(prison_a, sharing="share_with_care")
    login_verified(client, olive)
    refused = client.post(housing_url(episode), {"bed": "A-1-1-01-2"})
    assert refused.status_code == 422
    text = refused.content.decode()
    assert "There is a problem" in text and "The person may share a cell only with care" in text
    assert "Only a supervisor may override them" in text

    login_verified(client, sam)
    asked = client.post(housing_url(episode), {"bed": "A-1-1-01-2"})
    assert asked.status_code == 422 and "You may override them" in asked.content.decode()
    assert 'name="override_reason"' in asked.content.decode()
    done = client.post(housing_url(episode), {"bed": "A-1-1-01-2", "override_reason": "Case review agreed"})
    assert done.status_code == 302
    assert BedAssignment.objects.get(episode=episode).overridden_checks == ["housing.share_with_care"]


def test_bad_input_and_access(client, olive, oscar, charlie, prison_a, estate_a):
    episode = prisoner(prison_a)
    login_verified(client, olive)
    empty = client.post(housing_url(episode), {"bed": ""})
    assert empty.status_code == 422 and "Enter the bed" in empty.content.decode()
    unknown = client.post(housing_url(episode), {"bed": "Z-9-9"})
    assert unknown.status_code == 422 and "There is no bed with that code" in unknown.content.decode()
    login_verified(client, oscar)
    assert client.get(housing_url(episode)).status_code == 404
    login_verified(client, charlie)
    assert client.get(housing_url(episode)).status_code == 403


def test_non_association_pages(client, sam, olive, prison_a, prison_b):
    able, baker = make_person(prison_a, family="Able"), make_person(prison_a, family="Baker")
    login_verified(client, sam)
    url = reverse("custody:person_non_association_create", kwargs={"person_id": able.public_id})
    empty = client.post(url, {})
    assert empty.status_code == 422 and "Enter the system number of the other person" in empty.content.decode()
    missing = client.post(
        url,
        {
            "other_system_number": "Z9999ZZ",
            "role": "victim",
            "other_role": "perpetrator",
            "reason": "threat",
            "restriction_level": "wing",
            "comment": "Threats",
            "authorised_by": "Governor",
        },
    )
    assert missing.status_code == 422 and "No record with that system number" in missing.content.decode()
    created = client.post(
        url,
        {
            "other_system_number": baker.system_number,
            "role": "victim",
            "other_role": "perpetrator",
            "reason": "threat",
            "restriction_level": "wing",
            "comment": "Threats",
            "authorised_by": "Governor",
        },
    )
    assert created.status_code == 302
    pair = NonAssociation.objects.get()

    elsewhere = make_person(prison_b, family="Faraway")
    create_non_association(
        Actor.system(),
        person_id=able.public_id,
        other_person_id=elsewhere.public_id,
        role="victim",
        other_role="perpetrator",
        reason="gang_related",
        restriction_level="cell",
        comment="Rival gangs",
        authorised_by="Security",
    )
    login_verified(client, olive)
    listing = client.get(reverse("custody:person_non_associations", kwargs={"person_id": able.public_id}))
    text = listing.content.decode()
    assert listing.status_code == 200 and "BAKER, John" in text and "A person held elsewhere" in text
    assert "FARAWAY" not in text and "Add a non-association" not in text

    close_url = reverse("custody:non_association_close", kwargs={"non_association_id": pair.public_id})
    assert client.get(close_url).status_code == 403
    login_verified(client, sam)
    assert client.post(close_url, {"reason": ""}).status_code == 422
    assert client.post(close_url, {"reason": "Resolved"}).status_code == 302
    pair.refresh_from_db()
    assert pair.closed_reason == "Resolved"


def test_group_pages(client, sam, olive, prison_a):
    able, baker = make_person(prison_a, family="Able"), make_person(prison_a, family="Baker")
    login_verified(client, sam)
    created = client.post(
        reverse("custody:keep_apart_group_create"),
        {
            "name": "North crew",
            "kind": "gang",
            "restriction_level": "landing",
            "comment": "Intel",
            "authorised_by": "Sec",
        },
    )
    assert created.status_code == 302
    group = KeepApartGroup.objects.get()
    group_url = reverse("custody:keep_apart_group", kwargs={"group_id": group.public_id})
    for person in (able, baker):
        assert client.post(group_url, {"system_number": person.system_number}).status_code == 302
    again = client.post(group_url, {"system_number": able.system_number})
    assert again.status_code == 422 and "already in the group" in again.content.decode()
    page = client.get(group_url).content.decode()
    assert "ABLE, John" in page and "BAKER, John" in page

    remove = reverse(
        "custody:keep_apart_member_remove", kwargs={"group_id": group.public_id, "person_id": baker.public_id}
    )
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert KeepApartMember.objects.get(person=baker).removed_at is not None

    login_verified(client, olive)
    assert "North crew" in client.get(reverse("custody:keep_apart_groups")).content.decode()
    assert client.post(group_url, {"system_number": baker.system_number}).status_code == 403
    login_verified(client, sam)
    close = reverse("custody:keep_apart_group_close", kwargs={"group_id": group.public_id})
    assert client.post(close, {"reason": "Dispersed"}).status_code == 302
    group.refresh_from_db()
    assert group.closed_at is not None
