"""A new conviction brings reassessment due: recording a sentence (sentencing's service) publishes
sentencing.sentence_recorded, and assessment marks the person's current assessments due today with
the reason "new conviction", acting as the records officer who recorded it."""

import datetime as dt

import pytest

from oms.assessment.models import Assessment
from oms.assessment.services import assessments as services
from oms.audit.models import AuditEvent
from oms.core.errors import NotFound, PermissionDenied
from oms.sentencing.services import sentences as sentencing
from tests.assessment.records.conftest import actor
from tests.sentencing.factories import make_court_case

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)


def record_sentence(user, person):
    return sentencing.record_sentence(
        actor(user),
        court_case_id=make_court_case(person).public_id,
        kind="determinate",
        sentenced_on=dt.date(2026, 5, 20),
        offence_committed_on=dt.date(2025, 10, 1),
        years=2,
    )


@pytest.fixture
def needs(casey, person, all_needs):
    draft = services.start_assessment(
        actor(casey), person_id=person.public_id, instrument="criminogenic-needs", answers=all_needs
    )
    return services.complete_assessment(actor(casey), assessment_id=draft.public_id)


def test_a_records_officer_recording_a_sentence_brings_current_assessments_due(alice, person, needs):
    assert needs.reassessment_due_on == TODAY + dt.timedelta(days=182)
    record_sentence(alice, person)
    needs.refresh_from_db()
    assert (needs.reassessment_due_on, needs.reassessment_reason) == (TODAY, "new conviction")
    [event] = AuditEvent.objects.filter(action="assessment.assessment_reassessment_due")
    assert event.actor_username == "alice" and event.subject_person_id == person.pk
    assert event.details["reason"] == "new conviction"


def test_only_current_assessments_change_and_a_second_sentence_changes_nothing_more(
    alice, casey, person, needs, all_needs
):
    newer = services.complete_assessment(
        actor(casey),
        assessment_id=services.start_assessment(
            actor(casey), person_id=person.public_id, instrument="criminogenic-needs", answers=all_needs
        ).public_id,
    )
    record_sentence(alice, person)
    record_sentence(alice, person)
    needs.refresh_from_db()
    newer.refresh_from_db()
    assert needs.reassessment_due_on == TODAY + dt.timedelta(days=182)  # superseded: untouched
    assert newer.reassessment_due_on == TODAY
    assert AuditEvent.objects.filter(action="assessment.assessment_reassessment_due").count() == 1


def test_a_person_with_no_assessments_is_sentenced_as_before(alice, person):
    sentence = record_sentence(alice, person)
    assert sentence.status == "active"
    assert not Assessment.objects.exists()


def test_the_trigger_does_not_widen_who_may_record_a_sentence(bob, charlie, person, needs):
    with pytest.raises(PermissionDenied):
        record_sentence(charlie, person)
    with pytest.raises(NotFound):
        record_sentence(bob, person)
    needs.refresh_from_db()
    assert needs.reassessment_reason == "interval"


def test_the_records_officer_still_cannot_mark_a_reassessment_due_by_hand(alice, person, needs):
    with pytest.raises(PermissionDenied):
        services.mark_reassessment_due(actor(alice), person.public_id, "by hand")
