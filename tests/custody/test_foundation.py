"""The custody schema's invariants, which every custody service relies on."""

import pytest
from django.db import IntegrityError, transaction

from oms.core import clock
from oms.custody.models import BedAssignment, NonAssociation
from oms.custody.queries import keep_aparts_among
from tests.custody.factories import make_episode, make_prisoner
from tests.people.conftest import make_person


def test_estate_keys_and_paths(estate_a):
    bed = estate_a["A-1-1-01-1"]
    assert bed.depth == 4
    assert bed.path.startswith(estate_a["A"].path)
    assert bed.parent.kind == "cell"


def test_one_open_assignment_per_bed(prison_a, estate_a):
    bed = estate_a["A-1-1-01-1"]
    make_prisoner(prison_a, bed=bed)
    other = make_prisoner(prison_a, family="Jones")
    with pytest.raises(IntegrityError), transaction.atomic():
        BedAssignment.objects.create(
            episode=other, person=other.person, site=prison_a, bed=bed, cell=bed.parent, assigned_at=clock.now()
        )


def test_one_active_episode_per_person(prison_a):
    episode = make_prisoner(prison_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_episode(episode.person, prison_a)


def test_keep_aparts_among_pairs(prison_a):
    a, b, c = (make_person(prison_a, family=n) for n in ("Able", "Baker", "Cole"))
    low, high = sorted([a, b], key=lambda p: p.pk)
    now = clock.now()
    NonAssociation.objects.create(
        person_a=low,
        person_b=high,
        role_a="victim",
        role_b="perpetrator",
        reason="threat",
        restriction_level="wing",
        comment="c",
        authorised_by="Gov",
        created_at=now,
        updated_at=now,
    )
    found = keep_aparts_among([a.pk, b.pk, c.pk])
    assert [(k.person_id, k.other_person_id, k.restriction_level) for k in found] == [(low.pk, high.pk, "wing")]


def test_an_occupied_cell_cannot_be_deactivated(prison_a, estate_a):
    """Custody registers its occupancy counter with facilities (which may not import custody)."""
    from oms.core.errors import Conflict
    from oms.facilities import services as facilities_services
    from tests.factories import actor_of, make_user

    make_prisoner(prison_a, bed=estate_a["A-1-1-01-2"])
    admin = actor_of(make_user(roles=("administrator",), sites=(prison_a,)))
    with pytest.raises(Conflict, match="1 person sleeps"):
        facilities_services.deactivate_location(
            admin, location_id=estate_a["A-1-1-01"].public_id, reason="Broken window"
        )
    facilities_services.deactivate_location(admin, location_id=estate_a["A-1-1-02"].public_id, reason="Broken window")
