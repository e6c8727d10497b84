"""Reception and transfer (custody's events, in the custody change's transaction): a person received at a
facility with levels is placed on its default level with a first review within 3 months; a transferred
person keeps their level by code where the new facility has it, with the same review date."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.custody.models import CustodyEpisode
from oms.custody.services import movements as movement_services
from oms.custody.services import reception as reception_services
from oms.rehabilitation.models import IncentiveLevel, IncentiveReview
from oms.rehabilitation.services import incentives as services
from tests.custody.factories import make_episode, make_estate
from tests.factories import actor_of, make_user
from tests.rehabilitation.factories import make_incentive_levels

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def officer_a(prison_a):
    make_estate(prison_a)
    return actor_of(make_user("olive", roles=("custody_officer",), sites=(prison_a,)))


@pytest.fixture
def officer_b(prison_b):
    make_estate(prison_b)
    return actor_of(make_user("oscar", roles=("custody_officer",), sites=(prison_b,)))


def receive_new(actor, site, family="Mensah"):
    return reception_services.receive_person(
        actor,
        site_id=site.public_id,
        legal_status="remand",
        new_person=reception_services.NewPerson(family, "Kofi", D(1992, 2, 14)),
    )


def current(person):
    return IncentiveReview.objects.select_related("level").get(person=person, is_current=True)


def test_reception_places_on_the_default_level_with_a_first_review_in_3_months(officer_a, prison_a, levels_a):
    episode = receive_new(officer_a, prison_a)

    placed = current(episode.person)
    assert (placed.level.code, placed.outcome, placed.reviewed_on) == ("standard", "placed", D(2026, 6, 1))
    assert placed.next_review_on == D(2026, 9, 1) and placed.reviewed_by.username == "olive"
    assert AuditEvent.objects.filter(action="rehabilitation.incentive_level_placed").count() == 1


def test_a_facility_whose_default_is_basic_reviews_within_7_days(officer_a, prison_a, levels_a):
    IncentiveLevel.objects.filter(pk=levels_a["standard"].pk).update(is_default=False)
    IncentiveLevel.objects.filter(pk=levels_a["basic"].pk).update(is_default=True)
    placed = current(receive_new(officer_a, prison_a).person)
    assert placed.level.code == "basic" and placed.next_review_on == D(2026, 6, 8)
    assert placed.on_basic_since == D(2026, 6, 1)


def test_reception_at_a_facility_without_levels_places_no_one(officer_a, prison_a):
    episode = receive_new(officer_a, prison_a)
    assert not IncentiveReview.objects.filter(person=episode.person).exists()


def test_received_again_after_release_starts_again_on_the_default(officer_a, olly_actor, prison_a, levels_a):
    episode = receive_new(officer_a, prison_a)
    services.record_review(olly_actor, person_id=episode.person.public_id, level="enhanced", reasons="Exemplary")
    CustodyEpisode.objects.filter(pk=episode.pk).update(status="released", released_at=clock.now())

    with clock.freeze(dt.datetime(2026, 8, 3, 9, tzinfo=dt.UTC)):
        reception_services.receive_person(
            officer_a, site_id=prison_a.public_id, legal_status="remand", person_id=episode.person.public_id
        )
        again = current(episode.person)
    assert (again.level.code, again.outcome, again.next_review_on) == ("standard", "placed", D(2026, 11, 3))
    assert again.previous_level.code == "enhanced"


def test_transfer_carries_the_level_and_its_review_date(officer_a, officer_b, olly_actor, prison_a, prison_b):
    make_incentive_levels(prison_a)
    make_incentive_levels(prison_b)
    episode = receive_new(officer_a, prison_a)
    services.record_review(olly_actor, person_id=episode.person.public_id, level="basic", reasons="Fighting")
    sent = movement_services.send_transfer(
        officer_a, episode_id=episode.public_id, to_site_id=prison_b.public_id, escort="Van 3"
    )

    with clock.freeze(dt.datetime(2026, 6, 3, 9, tzinfo=dt.UTC)):
        movement_services.receive_transfer(officer_b, movement_id=sent.public_id)

    carried = current(episode.person)
    assert carried.facility == prison_b and carried.level.code == "basic" and carried.level.facility == prison_b
    assert (carried.outcome, carried.next_review_on, carried.on_basic_since) == ("placed", D(2026, 6, 8), D(2026, 6, 1))
    assert "carried over on transfer from Prison A" in carried.reasons
    # At Prison B a review kept on basic counts as the 28-day repeat.
    reviewer_b = actor_of(make_user("bea", roles=("case_manager",), sites=(prison_b,)))
    with clock.freeze(dt.datetime(2026, 6, 8, 9, tzinfo=dt.UTC)):
        kept = services.record_review(reviewer_b, person_id=episode.person.public_id, level="basic", reasons="x")
    assert (kept.outcome, kept.next_review_on) == ("maintained", D(2026, 7, 6))


def test_transfer_to_a_facility_without_that_level_places_on_its_default(
    officer_a, officer_b, olly_actor, prison_a, prison_b
):
    make_incentive_levels(prison_a)
    make_incentive_levels(prison_b)
    IncentiveLevel.objects.filter(facility=prison_b, code="enhanced").update(active=False)
    episode = receive_new(officer_a, prison_a)
    services.record_review(olly_actor, person_id=episode.person.public_id, level="enhanced", reasons="Exemplary")
    sent = movement_services.send_transfer(
        officer_a, episode_id=episode.public_id, to_site_id=prison_b.public_id, escort="Van 3"
    )
    movement_services.receive_transfer(officer_b, movement_id=sent.public_id)

    placed = current(episode.person)
    assert (placed.facility, placed.level.code, placed.next_review_on) == (prison_b, "standard", D(2026, 9, 1))


def test_reception_elsewhere_without_a_recorded_transfer_carries_the_level(
    officer_a, officer_b, prison_a, prison_b, person
):
    make_incentive_levels(prison_a)
    make_incentive_levels(prison_b)
    make_episode(person, prison_a)
    services.record_review(
        actor_of(make_user("cm", roles=("case_manager",), sites=(prison_a,))),
        person_id=person.public_id,
        level="enhanced",
        reasons="Exemplary",
    )

    reception_services.receive_person(
        officer_b,
        site_id=prison_b.public_id,
        legal_status="remand",
        held_elsewhere_person_id=person.public_id,
        new_person=reception_services.NewPerson("Okafor", "Daniel", D(1990, 3, 4)),
    )

    carried = current(person)
    assert (carried.facility, carried.level.code) == (prison_b, "enhanced")
    assert IncentiveReview.objects.filter(person=person).count() == 2
