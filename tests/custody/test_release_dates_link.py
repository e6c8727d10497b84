"""Custody follows sentencing's key dates: a calculation, an override or its withdrawal sets the open
episode's release date, and the daily action plan lists releases due and anyone held past the key
release date (an override included) even when the episode was opened after the calculation."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.custody import queries
from oms.custody import services as custody_services
from oms.custody.models import CustodyEpisode
from oms.sentencing.models import Calculation, SiteProfile
from oms.sentencing.services import calculations as sentencing
from oms.sentencing.services import overrides
from tests.custody.factories import make_episode
from tests.factories import actor_of, make_user
from tests.people.conftest import make_person
from tests.sentencing.factories import make_adjustment, make_sentence

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def sam(prison_a):
    return make_user("sam", roles=("supervisor",), sites=(prison_a,))


def held(site, family="Turner", months=24):
    person = make_person(site, family=family)
    episode = make_episode(person, site, legal_status="sentenced")
    make_sentence(person, months=months, sentenced_on=dt.date(2025, 1, 6), offence_committed_on=dt.date(2024, 6, 1))
    return person, episode


def test_a_calculation_sets_the_release_date_of_the_open_episode(alice, prison_a):
    with clock.freeze(NOON):
        person, episode = held(prison_a)

        calculation = sentencing.request_calculation(actor_of(alice), person_id=person.public_id)

    episode.refresh_from_db()
    assert episode.release_due_on == calculation.release_date
    event = AuditEvent.objects.get(action="custody.release_date_updated")
    assert event.subject_person_id == person.pk and event.details["because"] == "sentencing.release_dates_calculated"


def test_an_override_moves_the_release_date_and_withdrawing_it_moves_it_back(alice, sam, prison_a):
    with clock.freeze(NOON):
        person, episode = held(prison_a)
        calculation = sentencing.request_calculation(actor_of(alice), person_id=person.public_id)
        overridden = calculation.release_date + dt.timedelta(days=9)

        made = overrides.override_date(
            actor_of(sam),
            person_id=person.public_id,
            date_type=calculation.release_date_type,
            new_date=overridden,
            reason="Court order",
        )
        assert CustodyEpisode.objects.get(pk=episode.pk).release_due_on == overridden
        make_adjustment(person, "additional_days", 5)
        later = sentencing.request_calculation(actor_of(alice), person_id=person.public_id)
        assert CustodyEpisode.objects.get(pk=episode.pk).release_due_on == overridden  # override still in force

        overrides.withdraw_override(actor_of(sam), override_id=made.public_id, reason="Set aside")

    assert later.release_date != calculation.release_date
    assert CustodyEpisode.objects.get(pk=episode.pk).release_due_on == later.release_date


def test_the_action_plan_lists_releases_due_and_people_held_past_their_key_release_date(alice, sam, prison_a):
    with clock.freeze(NOON):
        overdue, _ = held(prison_a, "Overdue", months=6)  # due out on licence long before March 2026
        due, _ = held(prison_a, "Due", months=24)
        for person in (overdue, due):
            sentencing.request_calculation(actor_of(alice), person_id=person.public_id)
        due_calculation = due.release_calculations.get(is_latest=True)
        overrides.override_date(
            actor_of(sam),
            person_id=due.public_id,
            date_type=due_calculation.release_date_type,
            new_date=NOON.date(),
            reason="Court brought the date forward",
        )

        plan = queries.action_plan(actor_of(sam), prison_a.public_id)

    assert [h.episode.person_id for h in plan.held_past_release] == [overdue.pk]
    assert plan.held_past_release[0].basis == "release_date" and plan.held_past_release[0].release_date_type
    assert [e.person_id for e in plan.releases_due] == [due.pk]


def test_the_action_plan_reads_key_dates_for_an_episode_opened_after_the_calculation(alice, sam, prison_a):
    with clock.freeze(NOON):
        person = make_person(prison_a, family="Later")
        make_sentence(person, months=6, sentenced_on=dt.date(2025, 1, 6), offence_committed_on=dt.date(2024, 6, 1))
        sentencing.request_calculation(actor_of(alice), person_id=person.public_id)
        make_episode(person, prison_a, legal_status="sentenced")  # received afterwards, no date typed in

        plan = queries.action_plan(actor_of(sam), prison_a.public_id)

    assert [h.episode.person_id for h in plan.held_past_release] == [person.pk]


def transfer(olive, oscar, episode, to_site):
    sent = custody_services.send_transfer(
        actor_of(olive), episode_id=episode.public_id, to_site_id=to_site.public_id, escort="Van 3"
    )
    custody_services.receive_transfer(actor_of(oscar), movement_id=sent.public_id)


def test_a_transfer_to_a_facility_with_another_profile_recalculates_under_it(alice, olive, oscar, prison_a, prison_b):
    SiteProfile.objects.create(site=prison_b, profile_code="us-federal")
    with clock.freeze(NOON):
        person, episode = held(prison_a)
        sentencing.request_calculation(actor_of(alice), person_id=person.public_id)
        transfer(olive, oscar, episode, prison_b)

    latest = Calculation.objects.get(person=person, is_latest=True)
    assert (latest.profile_code, latest.reason, latest.reason_detail) == (
        "us-federal",
        "profile_changed",
        "Now held at PRB",
    )
    assert latest.release_date_type == "PRD"
    episode.refresh_from_db()
    assert episode.release_due_on == latest.release_date  # custody follows the new key dates


def test_a_transfer_between_facilities_with_the_same_profile_changes_nothing(alice, olive, oscar, prison_a, prison_b):
    with clock.freeze(NOON):
        person, episode = held(prison_a)
        sentencing.request_calculation(actor_of(alice), person_id=person.public_id)
        transfer(olive, oscar, episode, prison_b)

    assert Calculation.objects.filter(person=person).count() == 1
