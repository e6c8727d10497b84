"""A completed custody classification sets the person's open custody episode security level to the
band in force (custody subscribes to assessment.assessment_completed), audited."""

import pytest

from oms.assessment.services import assessments as services
from oms.audit.models import AuditEvent
from oms.custody.models import CustodyEpisode
from tests.assessment.classification.test_instrument import LOWEST
from tests.assessment.records.conftest import actor
from tests.custody.factories import make_episode

pytestmark = pytest.mark.django_db

MEDIUM = {**LOWEST, "current_offence_severity": "high", "age": "24_or_under", "time_to_serve": "1_to_5_years"}


def classify(user, person, answers):
    draft = services.start_assessment(
        actor(user), person_id=person.public_id, instrument="custody-classification", answers=answers
    )
    return services.complete_assessment(actor(user), assessment_id=draft.public_id)


def test_completing_a_classification_sets_the_open_episodes_security_level(casey, person, prison_a):
    episode = make_episode(person, prison_a, security_level="high")
    done = classify(casey, person, MEDIUM)
    assert done.band == "medium"
    episode.refresh_from_db()
    assert (episode.security_level, episode.version) == ("medium", 2)
    [event] = AuditEvent.objects.filter(action="custody.security_level_updated")
    assert event.object_id == str(episode.public_id) and event.subject_person_id == person.pk
    assert event.actor_username == "casey" and event.site_id == prison_a.pk
    assert event.details == {
        "before": "high",
        "after": "medium",
        "assessment_id": str(done.public_id),
        "instrument_version": 1,
        "because": "assessment.assessment_completed",
    }


def test_an_unclassified_episode_is_classified_and_a_same_level_is_left_alone(casey, person, prison_a):
    episode = make_episode(person, prison_a)
    classify(casey, person, LOWEST)
    episode.refresh_from_db()
    assert episode.security_level == "open"
    classify(casey, person, LOWEST)
    assert AuditEvent.objects.filter(action="custody.security_level_updated").count() == 1


def test_no_open_episode_or_another_instrument_changes_nothing(casey, person, prison_a, all_needs):
    done = classify(casey, person, MEDIUM)  # not in custody: the assessment still completes
    assert done.status == "completed"
    released = make_episode(person, prison_a, security_level="low", status=CustodyEpisode.Status.RELEASED)
    classify(casey, person, MEDIUM)
    released.refresh_from_db()
    assert released.security_level == "low"
    episode = make_episode(person, prison_a, security_level="low")
    draft = services.start_assessment(
        actor(casey), person_id=person.public_id, instrument="criminogenic-needs", answers=all_needs
    )
    services.complete_assessment(actor(casey), assessment_id=draft.public_id)
    episode.refresh_from_db()
    assert episode.security_level == "low"
    assert not AuditEvent.objects.filter(action="custody.security_level_updated").exists()


def test_an_approved_override_of_the_current_classification_sets_the_level_in_force(casey, sam, person, prison_a):
    episode = make_episode(person, prison_a, security_level="high")
    done = classify(casey, person, MEDIUM)
    services.override_band(actor(sam), assessment_id=done.public_id, band="high", reason="Escape intelligence")
    episode.refresh_from_db()
    assert episode.security_level == "high"
    last = AuditEvent.objects.filter(action="custody.security_level_updated").order_by("-id").first()
    assert last.details["because"] == "assessment.assessment_overridden" and last.actor_username == "sam"


def test_overriding_a_superseded_classification_leaves_the_level_alone(casey, sam, person, prison_a):
    episode = make_episode(person, prison_a)
    older = classify(casey, person, MEDIUM)
    classify(casey, person, LOWEST)
    services.override_band(actor(sam), assessment_id=older.public_id, band="high", reason="Recorded late")
    episode.refresh_from_db()
    assert episode.security_level == "open"
