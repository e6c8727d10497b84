"""Attendance pages: the register (20 people marked with one POST, bounded queries, htmx partial),
corrections, cancelling and generating sessions, notes, completion, qualifications, progress page and
profile panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from oms.assessment.models import Assessment
from oms.audit.models import AuditEvent
from oms.core import clock
from oms.rehabilitation.models import Attendance, PlanGoal, ProgrammeSession, ProgressNote, Qualification
from tests.factories import login_verified
from tests.rehabilitation.attendance.conftest import TODAY, allocate_many
from tests.rehabilitation.factories import make_plan

pytestmark = pytest.mark.django_db


def register_url(session):
    return reverse("rehabilitation:session_register", kwargs={"session_id": session.public_id})


def register_post(session, places, outcome="attended", **extra):
    data = {}
    for n, place in enumerate(places):
        data[f"allocation_{n}"] = str(place.public_id)
        data[f"outcome_{n}"] = outcome
        data[f"note_{n}"] = ""
    return {**data, **extra}


def test_twenty_people_are_marked_in_one_post(
    client, charlie, sam, prison_a, programme, session, django_assert_max_num_queries
):
    places = allocate_many(prison_a, programme, sam, 20)
    login_verified(client, charlie)
    page = client.get(register_url(session))
    assert page.status_code == 200
    assert page.content.decode().count('class="govuk-select') == 20

    # Register order is by name, which is the order the places were made in.
    with django_assert_max_num_queries(30):  # 22 measured; the same for 2 or 200 people
        answer = client.post(register_url(session), register_post(session, places))
    assert answer.status_code == 302
    assert Attendance.objects.filter(session=session, outcome="attended").count() == 20
    follow = client.get(register_url(session))
    assert "Attendance recorded for 20 people" in follow.content.decode()


def test_htmx_post_redraws_only_the_register(client, charlie, sam, prison_a, programme, session):
    places = allocate_many(prison_a, programme, sam, 3)
    login_verified(client, charlie)
    answer = client.post(register_url(session), register_post(session, places, outcome="sick"), HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    body = answer.content.decode()
    assert "<html" not in body and 'data-testid="register"' in body and "Attendance recorded for 3 people" in body


def test_mark_everyone_as_attended_fills_without_saving(client, charlie, sam, prison_a, programme, session):
    places = allocate_many(prison_a, programme, sam, 2)
    login_verified(client, charlie)
    answer = client.post(
        register_url(session), {**register_post(session, places, outcome=""), "action": "fill_attended"}
    )
    assert answer.status_code == 200
    assert answer.content.decode().count('value="attended" selected') == 2
    assert not Attendance.objects.exists()


def test_a_bad_outcome_is_a_form_error_and_nothing_is_lost(client, charlie, sam, prison_a, programme, session):
    places = allocate_many(prison_a, programme, sam, 2)
    login_verified(client, charlie)
    data = register_post(session, places)
    data["outcome_1"] = "asleep"
    data["note_0"] = "kept"
    answer = client.post(register_url(session), data)
    assert answer.status_code == 422
    assert "govuk-error-summary" in answer.content.decode() and 'value="kept"' in answer.content.decode()
    assert not Attendance.objects.exists()


def test_a_stale_register_shows_the_conflict_on_the_row(client, charlie, sam, prison_a, programme, session):
    places = allocate_many(prison_a, programme, sam, 2)
    login_verified(client, charlie)
    client.post(register_url(session), register_post(session, places))
    stale = register_post(session, places, outcome="refused")  # no versions: drawn before the first save
    answer = client.post(register_url(session), stale)
    assert answer.status_code == 422 and "marked by someone else" in answer.content.decode()
    assert not Attendance.objects.filter(outcome="refused").exists()


def test_recording_permission_matrix_on_the_page(client, casey, bob, sam, prison_a, programme, session):
    places = allocate_many(prison_a, programme, sam, 1)
    login_verified(client, casey)
    assert client.get(register_url(session)).status_code == 200
    assert client.post(register_url(session), register_post(session, places)).status_code == 403
    client.logout()
    login_verified(client, bob)
    assert client.get(register_url(session)).status_code == 404


def test_correcting_a_mark(client, charlie, allocation, session):
    login_verified(client, charlie)
    client.post(register_url(session), register_post(session, [allocation], outcome="refused"))
    url = reverse(
        "rehabilitation:attendance_correct",
        kwargs={"session_id": session.public_id, "allocation_id": allocation.public_id},
    )
    assert client.get(url).status_code == 200
    assert client.post(url, {"outcome": "sick", "note": "Seen by healthcare", "version": 1}).status_code == 302
    conflict = client.post(url, {"outcome": "attended", "version": 1})
    assert conflict.status_code == 422 and "Someone else changed" in conflict.content.decode()
    assert Attendance.objects.get().outcome == "sick"


def test_cancelling_and_generating_sessions(client, sam, charlie, programme, session, prison_a):
    login_verified(client, sam)
    cancel = reverse("rehabilitation:session_cancel", kwargs={"session_id": session.public_id})
    assert client.post(cancel, {"reason": ""}).status_code == 422
    assert client.post(cancel, {"reason": "Facilitator ill"}).status_code == 302
    assert ProgrammeSession.objects.get(pk=session.pk).status == "cancelled"
    generate = reverse("rehabilitation:sessions_generate", kwargs={"programme_id": programme.public_id})
    answer = client.post(
        generate,
        {
            "from_date_day": "1",
            "from_date_month": "6",
            "from_date_year": "2026",
            "to_date_day": "7",
            "to_date_month": "6",
            "to_date_year": "2026",
        },
    )
    assert answer.status_code == 302 and ProgrammeSession.objects.filter(programme=programme).count() == 5
    day = client.get(reverse("rehabilitation:sessions_day", kwargs={"site_id": prison_a.public_id}) + "?on=2026-06-02")
    assert day.status_code == 200 and programme.title in day.content.decode()
    for odd in ("9999-12-31", "0001-01-01", "not-a-date"):
        assert (
            client.get(
                reverse("rehabilitation:sessions_day", kwargs={"site_id": prison_a.public_id}) + f"?on={odd}"
            ).status_code
            == 200
        )
    client.logout()
    login_verified(client, charlie)
    assert client.post(cancel, {"reason": "x"}).status_code == 403


def test_notes_and_completion_pages(client, charlie, allocation):
    login_verified(client, charlie)
    url = reverse("rehabilitation:allocation_progress", kwargs={"allocation_id": allocation.public_id})
    assert client.post(url, {"text": "Good contributions"}).status_code == 302
    assert ProgressNote.objects.get().text == "Good contributions"
    complete = reverse("rehabilitation:allocation_complete", kwargs={"allocation_id": allocation.public_id})
    form = client.get(complete).content.decode()
    assert "Certificate in Thinking Skills" in form
    answer = client.post(
        complete,
        {
            "with_qualification": "on",
            "title": "Certificate in Thinking Skills",
            "certificate_number": "TS-1",
            "version": 1,
        },
    )
    assert answer.status_code == 302
    assert Qualification.objects.get().certificate_number == "TS-1"
    assert client.post(complete, {"version": 2}).status_code == 422  # already ended


def test_non_completion_page_needs_a_reason(client, charlie, allocation):
    login_verified(client, charlie)
    url = reverse("rehabilitation:allocation_not_completed", kwargs={"allocation_id": allocation.public_id})
    assert client.post(url, {"version": 1}).status_code == 422
    assert client.post(url, {"reason": "other", "version": 1}).status_code == 422
    assert client.post(url, {"reason": "health", "version": 1}).status_code == 302


def test_progress_page_and_profile_panel(client, charlie, casey, bob, person, allocation, session):
    login_verified(client, charlie)
    client.post(register_url(session), register_post(session, [allocation], outcome="attended"))
    Assessment.objects.create(
        person=person,
        instrument_code="criminogenic-needs",
        instrument_version=1,
        answers={"accommodation": "severe", "finance": "standard", "education_training_employment": "no_need"},
        status="completed",
        started_at=clock.now(),
        completed_at=clock.now(),
        completed_on=TODAY,
        assessor=casey,
        is_current=True,
    )
    plan = make_plan(person, casey, next_review_on=dt.date(2026, 9, 1))
    PlanGoal.objects.create(plan=plan, title="Stable housing", created_at=clock.now())
    PlanGoal.objects.create(plan=plan, title="Budgeting", status="achieved", created_at=clock.now())
    add = reverse("rehabilitation:qualification_add", kwargs={"person_id": person.public_id})
    answer = client.post(
        add, {"title": "Food hygiene", "achieved_on_day": "3", "achieved_on_month": "2", "achieved_on_year": "2025"}
    )
    assert answer.status_code == 302

    page = client.get(reverse("rehabilitation:progress", kwargs={"person_id": person.public_id}))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Accommodation: severe need" in body and "Finance: standard need" in body
    assert "1 goals open, 1 achieved" in body and "100% (1 of 1 sessions" in body
    assert "Thinking Skills Programme" in body and "Food hygiene" in body
    assert AuditEvent.objects.filter(action="rehabilitation.progress_viewed", subject_person_id=person.pk).exists()

    profile = client.get(reverse("people:profile", kwargs={"public_id": person.public_id})).content.decode()
    assert "Rehabilitation progress" in profile and "Accommodation (severe)" in profile

    client.logout()
    login_verified(client, bob)
    assert client.get(reverse("rehabilitation:progress", kwargs={"person_id": person.public_id})).status_code == 404
