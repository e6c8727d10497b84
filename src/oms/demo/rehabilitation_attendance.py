"""Demo sessions and attendance: for each programme with people on it (the programmes demo makes the
allocations), the sessions of its timetable over the last few weeks, each marked for everyone with a
place that day: mostly attended, with some refusals, sickness, clashes and rest days, and the odd
cancelled session.

Goes through the session and attendance services as the operator (system actor), so everything is
audited like real work (one event per session marked). Loading again adds nothing: a session that
already has marks is left alone. Without allocations (the programmes demo has not run) it does nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied
from oms.rehabilitation.models import Allocation, Attendance, Programme, ProgrammeSession
from oms.rehabilitation.queries.attendance import allocations_live_on
from oms.rehabilitation.services import attendance as attendance_services
from oms.rehabilitation.services import sessions as session_services

# Outcomes and their weights for one person at one session (most people attend most sessions).
OUTCOMES = [("attended", 80), ("refused", 6), ("sick", 5), ("clash", 3), ("rest_day", 3), ("not_required", 3)]
CANCEL_SHARE = 0.03
CANCEL_REASONS = ["Facilitator off sick", "Regime restricted: staff shortage", "Room unavailable"]


@dataclass
class AttendanceReport:
    programmes: int = 0
    sessions: int = 0
    marks: int = 0
    cancelled: int = 0


def load_attendance(actor: Actor, *, seed: int = 1, weeks: int = 4) -> AttendanceReport:
    """Sessions over the last ``weeks`` weeks (up to yesterday) for every active programme with a live
    allocation, and marks for them."""
    if not actor.is_system:
        raise PermissionDenied("Only the operator can load demo data.", code="demo.operator_only")
    rng = random.Random(seed)
    report = AttendanceReport()
    today = clock.today()
    first, last = today - dt.timedelta(weeks=weeks), today - dt.timedelta(days=1)
    live = Allocation.objects.filter(programme=OuterRef("pk"), status__in=Allocation.LIVE_STATUSES)
    programmes = (
        Programme.objects.filter(status=Programme.Status.ACTIVE)
        .exclude(timetable=[])
        .filter(Exists(live))
        .order_by("facility__code", "code")
    )
    outcomes, weights = zip(*OUTCOMES, strict=True)
    for programme in programmes:
        report.programmes += 1
        session_services.generate_sessions(actor, programme_id=programme.public_id, from_date=first, to_date=last)
        marked = Attendance.objects.filter(session=OuterRef("pk"))
        sessions = (
            ProgrammeSession.objects.filter(programme=programme, on__gte=first, on__lte=last)
            .exclude(Exists(marked))
            .select_related("programme", "programme__facility")
            .order_by("on", "start")
        )
        for session in sessions:
            places = list(allocations_live_on(session))
            if not places:
                continue
            report.sessions += 1
            if session.status == ProgrammeSession.Status.CANCELLED or rng.random() < CANCEL_SHARE:
                if session.status != ProgrammeSession.Status.CANCELLED:
                    session_services.cancel_session(
                        actor, session_id=session.public_id, reason=rng.choice(CANCEL_REASONS)
                    )
                report.cancelled += 1
                continue
            marks = []
            for place in places:
                outcome = (
                    "suspended" if place.status == Allocation.Status.SUSPENDED else rng.choices(outcomes, weights)[0]
                )
                marks.append({"allocation_id": place.public_id, "outcome": outcome})
            recorded = attendance_services.record_session_attendance(actor, session_id=session.public_id, marks=marks)
            report.marks += len(recorded.created)
    return report
