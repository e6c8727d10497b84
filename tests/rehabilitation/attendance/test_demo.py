"""Demo attendance: sessions over the last weeks for programmes with people on them, each marked once;
loading again adds nothing; without allocations it does nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied
from oms.demo.rehabilitation_attendance import load_attendance
from oms.rehabilitation.models import Attendance, ProgrammeSession
from tests.factories import actor_of
from tests.rehabilitation.attendance.conftest import allocate_many

pytestmark = pytest.mark.django_db
OPERATOR = Actor.system(channel="cli", name="oms demo")


def test_sessions_and_marks_for_the_demo_allocations(sam, prison_a, programme):
    allocate_many(prison_a, programme, sam, 6, starts_on=dt.date(2026, 4, 1))
    report = load_attendance(OPERATOR, seed=3, weeks=2)
    assert report.programmes == 1 and report.sessions == 10  # two weeks of weekday mornings
    sessions = ProgrammeSession.objects.filter(programme=programme)
    assert sessions.count() == 10
    held = report.sessions - report.cancelled
    assert report.marks == held * 6 == Attendance.objects.exclude(outcome="cancelled").count()
    assert AuditEvent.objects.filter(action="rehabilitation.attendance_recorded").count() == held
    assert Attendance.objects.filter(outcome="attended").count() > report.marks / 2

    again = load_attendance(OPERATOR, seed=3, weeks=2)
    assert (again.sessions, again.marks) == (0, 0)


def test_nothing_without_allocations_and_only_for_the_operator(programme, charlie):
    assert load_attendance(OPERATOR).sessions == 0
    with pytest.raises(PermissionDenied):
        load_attendance(actor_of(charlie))
