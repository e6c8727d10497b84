"""The release-to-supervision hand-over: custody publishes ``custody.person_released``; a release on
licence opens the licence case from the release date to the licence end date of the latest
calculation, with a hand-over entry, in the release's own transaction."""

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.custody import services as custody
from oms.supervision.models import CaseEntry, SupervisionCase
from tests.custody.factories import SYSTEM, make_prisoner
from tests.factories import actor_of, make_user
from tests.supervision.factories import make_calculation, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def governor(prison_a):
    # A custody supervisor: releases people, and holds no supervision permission at Prison A's people.
    return actor_of(make_user("gina", roles=("supervisor",), sites=(prison_a,)))


def release(actor, episode, reason="licence"):
    custody.queue_release_notifications(SYSTEM, episode_id=episode.public_id)
    return custody.release_person(actor, episode_id=episode.public_id, reason=reason)


def ready(site):
    return make_prisoner(site, family="Okafor", given="Daniel", legal_status="sentenced", release_due_on=clock.today())


def test_a_release_on_licence_opens_the_licence_case_to_the_licence_end(governor, prison_a):
    episode = ready(prison_a)
    make_calculation(episode.person, {"CRD": clock.today(), "SLED": dt.date(2027, 12, 1), "LED": dt.date(2027, 6, 1)})
    release(governor, episode)
    case = SupervisionCase.objects.get(person=episode.person)
    assert (case.kind, case.status, case.starts_on, case.ends_on) == (
        "licence",
        "open",
        clock.today(),
        dt.date(2027, 6, 1),
    )
    assert (case.office, case.officer) == (None, None) and "(LED)" in case.notes
    handover = CaseEntry.objects.get(case=case)
    assert handover.kind == "handover" and episode.booking_number in handover.text and "PRA" in handover.text
    assert "no probation office" in handover.text
    event = AuditEvent.objects.get(action="supervision.case_opened", object_id=str(case.public_id))
    assert event.details["trigger"] == "custody.person_released" and event.actor_username == "gina"


def test_without_a_calculation_the_case_opens_without_an_end_date_and_says_so(governor, prison_a):
    episode = ready(prison_a)
    release(governor, episode)
    case = SupervisionCase.objects.get(person=episode.person)
    assert case.ends_on is None and "No licence end date" in case.notes


def test_the_sentence_and_licence_expiry_date_serves_when_there_is_no_led(governor, prison_a):
    episode = ready(prison_a)
    make_calculation(episode.person, {"CRD": clock.today(), "SLED": dt.date(2027, 12, 1)})
    release(governor, episode)
    assert SupervisionCase.objects.get(person=episode.person).ends_on == dt.date(2027, 12, 1)


def test_other_releases_open_nothing(governor, prison_a):
    episode = ready(prison_a)
    release(governor, episode, reason="sentence_served")
    assert not SupervisionCase.objects.exists()


def test_an_open_licence_case_gets_the_handover_instead_of_a_second_case(governor, prison_a):
    episode = ready(prison_a)
    existing = make_case(episode.person, kind="licence", starts_on=dt.date(2026, 1, 5))
    release(governor, episode)
    assert SupervisionCase.objects.filter(person=episode.person).count() == 1
    assert CaseEntry.objects.get(case=existing).kind == "handover"
    assert AuditEvent.objects.filter(action="supervision.case_handover_added").exists()
