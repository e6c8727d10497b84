"""The assessment workflow services: permissions and scope, audit, draft -> completed ->
countersigned, countersigning by another user, override approval, OGRS3 and tiering through the same
record, and reassessment due dates."""

import datetime as dt

import pytest

from oms.assessment.models import Assessment
from oms.assessment.queries import assessments as queries
from oms.assessment.services import assessments as services
from oms.audit.models import AuditEvent
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from tests.assessment.records.conftest import actor

pytestmark = pytest.mark.django_db


def start_needs(user, person, answers=None):
    return services.start_assessment(
        actor(user), person_id=person.public_id, instrument="criminogenic-needs", answers=answers or {}
    )


def completed_needs(user, person, answers):
    draft = start_needs(user, person, answers)
    return services.complete_assessment(actor(user), assessment_id=draft.public_id)


def test_a_needs_assessment_is_drafted_answered_and_completed(casey, person, all_needs):
    draft = start_needs(casey, person, {"accommodation": "severe"})
    assert (draft.status, draft.instrument_version, draft.version) == ("draft", 1, 1)
    rest = {k: v for k, v in all_needs.items() if k != "accommodation"}
    answered = services.update_answers(actor(casey), assessment_id=draft.public_id, version=1, answers=rest)
    assert answered.version == 2 and answered.answers == all_needs
    done = services.complete_assessment(actor(casey), assessment_id=draft.public_id, version=2)
    assert done.status == "completed" and done.score == 11 and done.band == "high"
    assert {i["item"] for i in done.explanation["items"]} == set(all_needs)
    assert done.is_current and done.reassessment_due_on == dt.date(2026, 6, 1) + dt.timedelta(days=182)
    actions = list(AuditEvent.objects.filter(object_id=str(draft.public_id)).values_list("action", flat=True))
    assert actions == [
        "assessment.assessment_started",
        "assessment.assessment_answered",
        "assessment.assessment_completed",
    ]


def test_answers_are_checked_and_name_the_field(casey, person):
    with pytest.raises(RuleViolation) as unknown:
        start_needs(casey, person, {"astrology": "severe"})
    assert unknown.value.field == "astrology"
    draft = start_needs(casey, person)
    with pytest.raises(RuleViolation) as outside:
        services.update_answers(actor(casey), assessment_id=draft.public_id, version=1, answers={"finance": "huge"})
    assert outside.value.field == "finance"
    with pytest.raises(RuleViolation) as incomplete:
        services.complete_assessment(actor(casey), assessment_id=draft.public_id)
    assert incomplete.value.status == 422 and incomplete.value.field
    with pytest.raises(RuleViolation) as version:
        services.start_assessment(
            actor(casey), person_id=person.public_id, instrument="criminogenic-needs", instrument_version=9
        )
    assert version.value.field == "instrument_version"
    with pytest.raises(RuleViolation) as instrument:
        services.start_assessment(actor(casey), person_id=person.public_id, instrument="tarot")
    assert instrument.value.field == "instrument"


def test_a_stale_version_or_a_completed_assessment_cannot_be_changed(casey, person, all_needs):
    draft = start_needs(casey, person)
    services.update_answers(actor(casey), assessment_id=draft.public_id, version=1, answers={"finance": "no_need"})
    with pytest.raises(Conflict):
        services.update_answers(actor(casey), assessment_id=draft.public_id, version=1, answers={"finance": "severe"})
    services.update_answers(actor(casey), assessment_id=draft.public_id, version=2, answers=all_needs)
    services.complete_assessment(actor(casey), assessment_id=draft.public_id)
    with pytest.raises(Conflict):
        services.update_answers(actor(casey), assessment_id=draft.public_id, version=4, answers=all_needs)


def test_permissions_and_scope(alice, bob, charlie, casey, frank, person, all_needs):
    with pytest.raises(PermissionDenied):  # records officers may read, not assess
        start_needs(alice, person)
    with pytest.raises(PermissionDenied):
        start_needs(charlie, person)
    with pytest.raises(NotFound):  # a probation officer at another site does not see Prison A's people
        start_needs(frank, person)
    done = completed_needs(casey, person, all_needs)
    assert queries.get_assessment(actor(alice), done.public_id) == done
    with pytest.raises(NotFound):
        queries.get_assessment(actor(bob), done.public_id)
    with pytest.raises(NotFound):
        queries.assessments_of(actor(bob), person.public_id)
    with pytest.raises(PermissionDenied):
        queries.get_assessment(actor(charlie), done.public_id)
    with pytest.raises(NotFound):
        queries.get_assessment(actor(alice), "not-an-id")


def test_frank_assesses_his_own_office(frank, probation_person, all_needs):
    done = completed_needs(frank, probation_person, all_needs)
    assert done.band == "high"


def test_tiering_needs_a_countersignature_by_another_user(casey, sam, person):
    answers = {"rosh": "HIGH", "mappa_level": 1, "needs": {"ACCOMMODATION": "SEVERE"}}
    draft = services.start_assessment(actor(sam), person_id=person.public_id, instrument="tiering", answers=answers)
    done = services.complete_assessment(actor(sam), assessment_id=draft.public_id)
    assert done.countersign_required and done.band == done.computed_band
    assert done.band[0] == "B" and done.explanation["protect_points"] == 25
    with pytest.raises(PermissionDenied):  # a case manager cannot countersign
        services.countersign_assessment(actor(casey), assessment_id=done.public_id)
    with pytest.raises(PermissionDenied):  # nor can the assessor, supervisor or not
        services.countersign_assessment(actor(sam), assessment_id=done.public_id)


def test_a_second_supervisor_countersigns(sam, sue, person):
    draft = services.start_assessment(actor(sam), person_id=person.public_id, instrument="tiering", answers={})
    services.complete_assessment(actor(sam), assessment_id=draft.public_id)
    signed = services.countersign_assessment(actor(sue), assessment_id=draft.public_id)
    assert signed.status == "countersigned" and signed.countersigned_by_id == sue.pk
    with pytest.raises(Conflict):
        services.countersign_assessment(actor(sue), assessment_id=draft.public_id)
    assert AuditEvent.objects.filter(action="assessment.assessment_countersigned", actor_user_id=sue.pk).exists()


def test_needs_assessments_need_no_countersignature(casey, sam, person, all_needs):
    done = completed_needs(casey, person, all_needs)
    with pytest.raises(RuleViolation):
        services.countersign_assessment(actor(sam), assessment_id=done.public_id)


def test_an_override_is_approved_by_someone_else_with_a_reason(casey, sam, person, all_needs):
    done = completed_needs(casey, person, all_needs)
    with pytest.raises(PermissionDenied):
        services.override_band(actor(casey), assessment_id=done.public_id, band="medium", reason="x")
    with pytest.raises(RuleViolation) as no_reason:
        services.override_band(actor(sam), assessment_id=done.public_id, band="medium", reason="  ")
    assert no_reason.value.field == "reason"
    with pytest.raises(RuleViolation) as bad_band:
        services.override_band(actor(sam), assessment_id=done.public_id, band="extreme", reason="housed now")
    assert bad_band.value.field == "band"
    overridden = services.override_band(
        actor(sam), assessment_id=done.public_id, band="medium", reason="Housing found since"
    )
    assert (overridden.band, overridden.computed_band, overridden.override_approved_by_id) == ("medium", "high", sam.pk)
    event = AuditEvent.objects.get(action="assessment.assessment_overridden")
    assert event.details["computed_band"] == "high" and event.details["band"] == "medium"


def test_the_assessor_cannot_approve_their_own_override(sam, person):
    draft = services.start_assessment(actor(sam), person_id=person.public_id, instrument="tiering", answers={})
    services.complete_assessment(actor(sam), assessment_id=draft.public_id)
    with pytest.raises(PermissionDenied):
        services.override_band(actor(sam), assessment_id=draft.public_id, band="A3", reason="MAPPA meeting")


def test_ogrs3_is_recorded_through_the_same_record(casey, sam, person):
    answers = {
        "sex": "male",
        "offence_category": 0,
        "previous_sanctions": 3,
        "birth_date": "1990-03-04",
        "conviction_date": "2026-01-10",
        "first_sanction_date": "2008-05-01",
    }
    draft = services.start_assessment(actor(casey), person_id=person.public_id, instrument="ogrs3", answers=answers)
    assert draft.instrument_version == 3
    done = services.complete_assessment(actor(casey), assessment_id=draft.public_id)
    assert 1 <= done.score <= 99 and done.band in ("low", "medium", "high", "very high")
    assert done.explanation["percent_2"] == done.score and len(done.explanation["terms"]) == 4
    with pytest.raises(RuleViolation):  # actuarial bands are not overridden
        services.override_band(actor(sam), assessment_id=done.public_id, band="high", reason="x")


def test_ogrs3_bad_answers_name_the_field(casey, person):
    with pytest.raises(RuleViolation) as sex:
        services.start_assessment(actor(casey), person_id=person.public_id, instrument="ogrs3", answers={"sex": "x"})
    assert sex.value.field == "sex"
    draft = services.start_assessment(
        actor(casey),
        person_id=person.public_id,
        instrument="ogrs3",
        answers={
            "sex": "female",
            "offence_category": 2,
            "previous_sanctions": 0,
            "birth_date": "1990-03-04",
            "conviction_date": "2026-01-10",
            "first_sanction_date": "2026-02-01",
        },
    )
    with pytest.raises(RuleViolation) as order:
        services.complete_assessment(actor(casey), assessment_id=draft.public_id)
    assert order.value.field == "first_sanction_date"


def test_tiering_bad_answers_name_the_field(sam, person):
    draft = services.start_assessment(
        actor(sam), person_id=person.public_id, instrument="tiering", answers={"rosh": "EXTREME"}
    )
    with pytest.raises(RuleViolation) as rosh:
        services.complete_assessment(actor(sam), assessment_id=draft.public_id)
    assert rosh.value.field == "rosh"
    with pytest.raises(RuleViolation) as unknown:
        services.update_answers(actor(sam), assessment_id=draft.public_id, version=1, answers={"horoscope": 1})
    assert unknown.value.field == "horoscope"


def test_a_new_assessment_supersedes_the_last_and_events_bring_reassessment_forward(casey, person, all_needs):
    first = completed_needs(casey, person, all_needs)
    second = completed_needs(casey, person, all_needs)
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    changed = services.mark_reassessment_due(actor(casey), person, "New conviction at Leeds Crown Court")
    assert changed == 1
    second.refresh_from_db()
    assert second.reassessment_due_on == dt.date(2026, 6, 1)
    assert second.reassessment_reason == "New conviction at Leeds Crown Court"
    assert AuditEvent.objects.filter(action="assessment.assessment_reassessment_due").count() == 1
    assert services.mark_reassessment_due(actor(casey), person.public_id, "again") == 0


def test_the_due_list_shows_due_and_overdue_in_scope(alice, bob, casey, person, prison_a, all_needs):
    done = completed_needs(casey, person, all_needs)
    assert queries.due_assessments(actor(alice)) == []
    services.mark_reassessment_due(actor(casey), person, "New conviction", due_on=dt.date(2026, 5, 20))
    due = queries.due_assessments(actor(alice))
    assert [(d.assessment, d.overdue, d.days) for d in due] == [(done, True, -12)]
    assert queries.due_assessments(actor(alice), site_code=prison_a.code)[0].assessment == done
    assert queries.due_assessments(actor(alice), site_code="NOPE") == []
    assert queries.due_assessments(actor(bob)) == []
    later = queries.due_assessments(actor(alice), within_days=100, on=dt.date(2026, 1, 1))
    assert later == []


def test_older_instrument_versions_stay_readable(casey, person, all_needs):
    done = completed_needs(casey, person, all_needs)
    Assessment.objects.filter(pk=done.pk).update(instrument_version=1)
    assert queries.assessments_of(actor(casey), person.public_id)[0].instrument_version == 1
