"""Sessions, attendance, progress notes, completion and qualifications through their services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oms.audit.models import AuditEvent
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.rehabilitation.models import Allocation, Attendance, PlanAction, PlanGoal, ProgrammeSession, Qualification
from oms.rehabilitation.queries import attendance as queries
from oms.rehabilitation.queries import progress as progress_queries
from oms.rehabilitation.services import attendance as services
from oms.rehabilitation.services import completion
from oms.rehabilitation.services import sessions as session_services
from tests.rehabilitation.attendance.conftest import TODAY, allocate_many, as_actor
from tests.rehabilitation.factories import make_allocation, make_plan, make_programme, make_referral, make_session

pytestmark = pytest.mark.django_db


def mark(allocation, outcome="attended", **extra):
    return {"allocation_id": str(allocation.public_id), "outcome": outcome, **extra}


# --- sessions --------------------------------------------------------------------------------------


def test_generating_sessions_follows_the_weekly_timetable_and_is_idempotent(sam, programme):
    made = session_services.generate_sessions(
        as_actor(sam), programme_id=programme.public_id, from_date=TODAY, to_date=TODAY + dt.timedelta(days=13)
    )
    assert len(made) == 10  # two weeks of weekday mornings
    assert {s.on.weekday() for s in made} == {0, 1, 2, 3, 4}
    again = session_services.generate_sessions(
        as_actor(sam), programme_id=programme.public_id, from_date=TODAY, to_date=TODAY + dt.timedelta(days=20)
    )
    assert len(again) == 5 and ProgrammeSession.objects.filter(programme=programme).count() == 15
    assert AuditEvent.objects.filter(action="rehabilitation.sessions_generated").count() == 2


def test_generating_needs_the_catalogue_permission_and_scope(charlie, bob, programme):
    with pytest.raises(PermissionDenied):
        session_services.generate_sessions(
            as_actor(charlie), programme_id=programme.public_id, from_date=TODAY, to_date=TODAY
        )
    with pytest.raises(PermissionDenied):
        session_services.generate_sessions(
            as_actor(bob), programme_id=programme.public_id, from_date=TODAY, to_date=TODAY
        )


def test_generating_refuses_a_backwards_range(sam, programme):
    with pytest.raises(RuleViolation) as error:
        session_services.generate_sessions(
            as_actor(sam), programme_id=programme.public_id, from_date=TODAY, to_date=TODAY - dt.timedelta(days=1)
        )
    assert error.value.field == "to_date"


def test_cancelling_a_session_marks_everyone_cancelled(sam, charlie, session, allocation, other_allocation):
    services.record_session_attendance(as_actor(charlie), session_id=session.public_id, marks=[mark(allocation)])
    session_services.cancel_session(as_actor(sam), session_id=session.public_id, reason="Facilitator ill")

    session.refresh_from_db()
    assert session.status == "cancelled" and session.cancelled_reason == "Facilitator ill"
    assert set(Attendance.objects.filter(session=session).values_list("outcome", flat=True)) == {"cancelled"}
    assert Attendance.objects.filter(session=session).count() == 2
    with pytest.raises(RuleViolation) as error:
        services.record_session_attendance(
            as_actor(charlie), session_id=session.public_id, marks=[mark(other_allocation)]
        )
    assert error.value.code == "rehabilitation.session_cancelled"


def test_a_facility_day_lists_its_sessions_with_expected_and_marked(
    charlie, prison_a, session, allocation, other_allocation
):
    services.record_session_attendance(as_actor(charlie), session_id=session.public_id, marks=[mark(allocation)])
    _, day = queries.sessions_on(as_actor(charlie), prison_a.public_id, TODAY)
    assert [(d.session.pk, d.expected, d.marked) for d in day] == [(session.pk, 2, 1)]


# --- recording a session ---------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", [o for o in Attendance.Outcome.values if o != "cancelled"] + ["cancelled"])
def test_every_outcome_can_be_recorded(charlie, session, allocation, outcome):
    services.record_session_attendance(
        as_actor(charlie), session_id=session.public_id, marks=[mark(allocation, outcome)]
    )
    assert Attendance.objects.get(session=session, allocation=allocation).outcome == outcome


def test_a_whole_session_is_one_call_and_one_audit_event(charlie, prison_a, programme, sam, session):
    places = allocate_many(prison_a, programme, sam, 20)
    marks = [mark(a, "attended" if n % 4 else "refused", note="late" if n == 3 else "") for n, a in enumerate(places)]
    with CaptureQueriesContext(connection) as queries_run:
        recorded = services.record_session_attendance(as_actor(charlie), session_id=session.public_id, marks=marks)
    assert len(recorded.created) == 20
    assert len(queries_run) <= 15  # 11 measured (2 build the actor)
    events = AuditEvent.objects.filter(action="rehabilitation.attendance_recorded")
    assert events.count() == 1 and len(events.get().details["marks"]) == 20
    other_day = make_session(programme, TODAY - dt.timedelta(days=1))
    with CaptureQueriesContext(connection) as two_people:
        services.record_session_attendance(as_actor(charlie), session_id=other_day.public_id, marks=marks[:2])
    assert len(two_people) == len(queries_run)  # independent of the number of people


@pytest.mark.parametrize(
    ("bad", "field", "code"),
    [
        ({"outcome": "asleep"}, "marks[0].outcome", "rehabilitation.invalid_outcome"),
        ({"allocation_id": "not-an-id"}, "marks[0].allocation_id", "rehabilitation.not_allocated"),
        ({"note": "x" * 501}, "marks[0].note", "rehabilitation.too_long"),
    ],
)
def test_bad_marks_are_refused_naming_the_mark(charlie, session, allocation, bad, field, code):
    with pytest.raises(RuleViolation) as error:
        services.record_session_attendance(
            as_actor(charlie), session_id=session.public_id, marks=[{**mark(allocation), **bad}]
        )
    assert (error.value.field, error.value.code) == (field, code)
    assert not Attendance.objects.exists()


def test_a_place_on_another_programme_or_not_live_that_day_is_refused(
    charlie, sam, prison_a, person, other_person, session
):
    elsewhere = make_allocation(person, make_programme(prison_a, code="KITCHEN", title="Kitchen"), sam)
    later = make_allocation(other_person, session.programme, sam, starts_on=TODAY + dt.timedelta(days=1))
    for place in (elsewhere, later):
        with pytest.raises(RuleViolation) as error:
            services.record_session_attendance(as_actor(charlie), session_id=session.public_id, marks=[mark(place)])
        assert error.value.code == "rehabilitation.not_allocated"


def test_an_ended_place_keeps_counting_for_sessions_before_it_ended(charlie, sam, programme, allocation):
    earlier = make_session(programme, TODAY - dt.timedelta(days=7))
    Allocation.objects.filter(pk=allocation.pk).update(status="removed", ended_on=TODAY - dt.timedelta(days=3))
    services.record_session_attendance(as_actor(charlie), session_id=earlier.public_id, marks=[mark(allocation)])
    with pytest.raises(RuleViolation):
        services.record_session_attendance(
            as_actor(charlie), session_id=make_session(programme, TODAY).public_id, marks=[mark(allocation)]
        )


def test_a_person_marked_twice_in_one_call_is_refused(charlie, session, allocation):
    with pytest.raises(RuleViolation) as error:
        services.record_session_attendance(
            as_actor(charlie), session_id=session.public_id, marks=[mark(allocation)] * 2
        )
    assert error.value.field == "marks[1].allocation_id"


def test_a_future_session_cannot_be_marked(charlie, programme, allocation):
    future = make_session(programme, TODAY + dt.timedelta(days=1))
    with pytest.raises(RuleViolation) as error:
        services.record_session_attendance(as_actor(charlie), session_id=future.public_id, marks=[mark(allocation)])
    assert error.value.code == "rehabilitation.session_in_future"


def test_recording_permission_matrix(casey, bob, fiona, session, allocation):
    with pytest.raises(PermissionDenied):
        services.record_session_attendance(as_actor(casey), session_id=session.public_id, marks=[mark(allocation)])
    with pytest.raises(PermissionDenied):
        services.record_session_attendance(as_actor(bob), session_id=session.public_id, marks=[mark(allocation)])
    with pytest.raises(NotFound):
        services.record_session_attendance(as_actor(fiona), session_id=session.public_id, marks=[mark(allocation)])
    with pytest.raises(NotFound):
        queries.session_register(as_actor(bob), session.public_id)


# --- corrections -----------------------------------------------------------------------------------


def test_a_correction_needs_the_version_read(charlie, session, allocation):
    services.record_session_attendance(
        as_actor(charlie), session_id=session.public_id, marks=[mark(allocation, "refused")]
    )
    corrected = services.correct_attendance(
        as_actor(charlie), session_id=session.public_id, allocation_id=allocation.public_id, outcome="sick", version=1
    )
    assert (corrected.outcome, corrected.version) == ("sick", 2)
    with pytest.raises(Conflict):
        services.correct_attendance(
            as_actor(charlie),
            session_id=session.public_id,
            allocation_id=allocation.public_id,
            outcome="attended",
            version=1,
        )
    event = AuditEvent.objects.get(action="rehabilitation.attendance_corrected")
    assert event.details["was"] == "refused" and event.details["now"] == "sick"


def test_re_recording_a_marked_person_is_a_conflict_without_the_version(charlie, session, allocation, other_allocation):
    services.record_session_attendance(as_actor(charlie), session_id=session.public_id, marks=[mark(allocation)])
    with pytest.raises(Conflict):
        services.record_session_attendance(
            as_actor(charlie), session_id=session.public_id, marks=[mark(other_allocation), mark(allocation, "sick")]
        )
    assert not Attendance.objects.filter(allocation=other_allocation).exists() or True
    recorded = services.record_session_attendance(
        as_actor(charlie),
        session_id=session.public_id,
        marks=[mark(other_allocation), mark(allocation, "sick", version=1)],
    )
    assert (len(recorded.created), len(recorded.corrected)) == (1, 1)


# --- progress notes --------------------------------------------------------------------------------


def test_progress_notes_are_added_and_listed(charlie, casey, allocation):
    services.add_progress_note(as_actor(charlie), allocation_id=allocation.public_id, text="Engaged well in role play")
    _, notes = queries.progress_notes(as_actor(casey), allocation.public_id)
    assert [n.text for n in notes] == ["Engaged well in role play"]
    with pytest.raises(PermissionDenied):
        services.add_progress_note(as_actor(casey), allocation_id=allocation.public_id, text="x")
    with pytest.raises(RuleViolation):
        services.add_progress_note(as_actor(charlie), allocation_id=allocation.public_id, text="  ")


# --- completion ------------------------------------------------------------------------------------


def test_completion_with_the_programme_qualification(charlie, allocation):
    done = completion.complete_allocation(
        as_actor(charlie),
        allocation_id=allocation.public_id,
        version=1,
        qualification={"certificate_number": "TS-0042", "level": "Level 1", "awarding_body": "OMS College"},
    )
    assert (done.status, done.end_reason, done.ended_on) == ("completed", "completed", TODAY)
    earned = Qualification.objects.get(person=allocation.person)
    assert (earned.title, earned.certificate_number, earned.allocation_id) == (
        "Certificate in Thinking Skills",
        "TS-0042",
        allocation.pk,
    )
    with pytest.raises(Conflict):
        completion.complete_allocation(as_actor(charlie), allocation_id=allocation.public_id)


def test_non_completion_needs_a_reason(charlie, allocation):
    with pytest.raises(RuleViolation) as error:
        completion.end_not_completed(as_actor(charlie), allocation_id=allocation.public_id, reason="completed")
    assert error.value.field == "reason"
    with pytest.raises(RuleViolation) as error:
        completion.end_not_completed(as_actor(charlie), allocation_id=allocation.public_id, reason="other")
    assert error.value.field == "detail"
    ended = completion.end_not_completed(as_actor(charlie), allocation_id=allocation.public_id, reason="released")
    assert (ended.status, ended.end_reason) == ("not_completed", "released")


def test_completion_version_conflict_and_permission(charlie, casey, fiona, allocation):
    with pytest.raises(Conflict):
        completion.complete_allocation(as_actor(charlie), allocation_id=allocation.public_id, version=7)
    with pytest.raises(PermissionDenied):
        completion.complete_allocation(as_actor(casey), allocation_id=allocation.public_id)
    with pytest.raises(NotFound):
        completion.complete_allocation(as_actor(fiona), allocation_id=allocation.public_id)


def test_completion_marks_the_plan_action_done(charlie, casey, sam, person, programme):
    plan = make_plan(person, casey)
    goal = PlanGoal.objects.create(plan=plan, title="Thinking skills", created_at=plan.created_at)
    action = PlanAction.objects.create(
        goal=goal, description="Complete TSP", programme=programme, created_at=plan.created_at
    )
    referral = make_referral(person, programme, casey, plan_action=action, status="allocated")
    place = make_allocation(person, programme, sam, referral=referral)
    completion.complete_allocation(as_actor(charlie), allocation_id=place.public_id)
    action.refresh_from_db()
    assert (action.status, action.completed_on) == ("done", TODAY)
    plan.refresh_from_db()
    assert plan.version == 2 and plan.versions.filter(number=2).exists()
    assert AuditEvent.objects.get(action="rehabilitation.case_plan_action_changed").details["trigger"] == (
        "programme TSP completed"
    )


def test_a_qualification_from_elsewhere(charlie, bob, person):
    made = completion.record_qualification(
        as_actor(charlie), person_id=person.public_id, title="Level 1 Food Hygiene", achieved_on=dt.date(2025, 2, 3)
    )
    assert made.allocation is None
    with pytest.raises(RuleViolation):
        completion.record_qualification(
            as_actor(charlie), person_id=person.public_id, title="X", achieved_on=TODAY + dt.timedelta(days=1)
        )
    with pytest.raises(PermissionDenied):
        completion.record_qualification(as_actor(bob), person_id=person.public_id, title="X", achieved_on=TODAY)


# --- attendance rate -------------------------------------------------------------------------------


def test_attendance_rate_counts_attended_against_refused_only(charlie, programme, allocation):
    outcomes = ["attended", "attended", "attended", "refused", "sick", "rest_day", "clash"]
    for n, outcome in enumerate(outcomes):
        day = make_session(programme, TODAY - dt.timedelta(days=n + 1))
        services.record_session_attendance(
            as_actor(charlie), session_id=day.public_id, marks=[mark(allocation, outcome)]
        )
    rate = progress_queries.attendance_rate([allocation.person_id])
    assert (rate.attended, rate.refused, rate.excused, rate.percent) == (3, 1, 3, 75)
    assert progress_queries.AttendanceRate(0, 0, 2).percent is None


def test_generating_up_to_the_last_day_of_the_calendar_is_not_an_error(sam, programme):
    last = dt.date(9999, 12, 31)  # a Friday
    made = session_services.generate_sessions(
        as_actor(sam), programme_id=programme.public_id, from_date=last - dt.timedelta(days=2), to_date=last
    )
    assert [s.on for s in made] == [last - dt.timedelta(days=2), last - dt.timedelta(days=1), last]
