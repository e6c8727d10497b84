"""Time credits through the sentencing profile: attended days of programmes that earn time credits are
sentencing's ``programming_days`` fact. Crossing a whole 30-day period, and completing such a
programme, recalculate the release dates in the same transaction: the US federal profile moves the
release date (10 days per 30 days of programming, 18 U.S.C. 3632(d)(4)(A)); England and Wales ignores
the fact."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.core.actor import Actor
from oms.rehabilitation.services import attendance as services
from oms.rehabilitation.services import completion
from oms.sentencing.models import Calculation, SiteProfile
from oms.sentencing.services.calculations import build_request, recalculate
from oms.sentencing.services.facts import facts_for
from tests.custody.factories import make_episode
from tests.people.conftest import make_person
from tests.rehabilitation.attendance.conftest import TODAY, as_actor
from tests.rehabilitation.factories import make_allocation, make_programme, make_session
from tests.sentencing.factories import make_sentence

pytestmark = pytest.mark.django_db


def sentenced(site):
    person = make_person(site, family="Turner", given="Sam")
    make_episode(person, site, legal_status="sentenced")
    make_sentence(person, years=3, sentenced_on=dt.date(2026, 1, 12))
    recalculate(Actor.system(), person, reason="manual")
    return person


def attend_days(user, programme, allocation, days: int, *, first_back: int = 1):
    for n in range(days):
        session = make_session(programme, TODAY - dt.timedelta(days=first_back + n))
        services.record_session_attendance(
            as_actor(user),
            session_id=session.public_id,
            marks=[{"allocation_id": str(allocation.public_id), "outcome": "attended"}],
        )


def latest(person) -> Calculation:
    return Calculation.objects.get(person=person, is_latest=True)


@pytest.fixture
def credits_programme(prison_a):
    return make_programme(prison_a, code="RDAP", title="Residential drug abuse programme", earns_time_credits=True)


def test_programming_days_are_distinct_attended_days_of_credit_programmes(charlie, sam, prison_a, credits_programme):
    person = make_person(prison_a, family="Days")
    place = make_allocation(person, credits_programme, sam, starts_on=dt.date(2026, 1, 1))
    plain = make_programme(prison_a, code="KITCHEN", title="Kitchen")
    attend_days(charlie, credits_programme, place, 3)
    attend_days(charlie, plain, make_allocation(person, plain, sam, starts_on=dt.date(2026, 1, 1)), 5)
    # A second session on a day already counted adds no day.
    extra = make_session(credits_programme, TODAY - dt.timedelta(days=1), start=dt.time(14, 0), end=dt.time(16, 0))
    services.record_session_attendance(
        as_actor(charlie),
        session_id=extra.public_id,
        marks=[{"allocation_id": str(place.public_id), "outcome": "attended"}],
    )
    assert facts_for([person.pk]) == {person.pk: {"programming_days": 3}}
    assert build_request(person).facts == {"programming_days": 3}


def test_thirty_days_of_programming_move_the_us_federal_release_date(charlie, sam, prison_a, credits_programme):
    SiteProfile.objects.create(site=prison_a, profile_code="us-federal")
    person = sentenced(prison_a)
    before = latest(person)
    assert before.profile_code == "us-federal"
    place = make_allocation(person, credits_programme, sam, starts_on=dt.date(2026, 2, 1))

    attend_days(charlie, credits_programme, place, 29)
    assert latest(person).pk == before.pk  # no whole period yet: nothing to recalculate

    attend_days(charlie, credits_programme, place, 1, first_back=30)
    after = latest(person)
    assert after.pk != before.pk and after.reason == "time_credits"
    assert after.inputs["facts"] == {"programming_days": 30}
    # 10 days earlier, then back to the last weekday when that falls on a weekend (18 U.S.C. 3624(a)).
    assert dt.timedelta(days=10) <= before.release_date - after.release_date <= dt.timedelta(days=12)
    assert "time credits earned = 10 days x 1 periods of 30 days" in str(after.result)


def test_completing_a_credit_programme_recalculates(charlie, sam, prison_a, credits_programme):
    SiteProfile.objects.create(site=prison_a, profile_code="us-federal")
    person = sentenced(prison_a)
    place = make_allocation(person, credits_programme, sam, starts_on=dt.date(2026, 2, 1))
    attend_days(charlie, credits_programme, place, 10)
    completion.complete_allocation(as_actor(charlie), allocation_id=place.public_id)
    after = latest(person)
    assert after.reason == "time_credits" and after.inputs["facts"] == {"programming_days": 10}


def test_england_and_wales_ignores_programming(charlie, sam, prison_a, credits_programme):
    person = sentenced(prison_a)
    before = latest(person)
    assert before.profile_code != "us-federal"
    place = make_allocation(person, credits_programme, sam, starts_on=dt.date(2026, 2, 1))
    attend_days(charlie, credits_programme, place, 30)
    after = latest(person)
    assert after.pk != before.pk and after.inputs["facts"] == {"programming_days": 30}
    assert after.release_date == before.release_date


def test_a_cancelled_session_no_longer_counts(charlie, sam, prison_a, credits_programme):
    from oms.rehabilitation.services import sessions as session_services

    person = make_person(prison_a, family="Cancel")
    place = make_allocation(person, credits_programme, sam, starts_on=dt.date(2026, 1, 1))
    attend_days(charlie, credits_programme, place, 2)
    first = credits_programme.sessions.order_by("on").first()
    session_services.cancel_session(as_actor(sam), session_id=first.public_id, reason="Room flooded")
    assert facts_for([person.pk]) == {person.pk: {"programming_days": 1}}


def test_bulk_recalculation_reads_the_same_facts(charlie, sam, prison_a, credits_programme):
    from oms.sentencing.services.bulk import recalculate_in_bulk

    SiteProfile.objects.create(site=prison_a, profile_code="us-federal")
    person = sentenced(prison_a)
    place = make_allocation(person, credits_programme, sam, starts_on=dt.date(2026, 2, 1))
    attend_days(charlie, credits_programme, place, 30)
    single = latest(person)
    outcome = recalculate_in_bulk(Actor.system(), person_ids=[person.pk], workers=0)
    # Same inputs (facts included), same hash: the bulk path stores nothing new.
    assert outcome.unchanged == 1 and latest(person).pk == single.pk
