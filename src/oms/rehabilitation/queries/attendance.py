"""Reading sessions and attendance: a facility's sessions for a day, one session's register (every
allocation live on its date, with its mark if recorded), an allocation and its progress notes.

Scoped by the actor through the programme's facility: a session, programme or allocation at a facility
out of reach is 404 like a missing one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.core.ids import parse_public_id
from oms.facilities.models import Site
from oms.rehabilitation.models import Allocation, Attendance, Programme, ProgrammeSession, ProgressNote


def site_in_reach(actor: Actor, site_id, *, permission: str = "rehabilitation.view") -> Site:
    actor.require(permission)
    site = Site.objects.filter(public_id=parse_public_id(site_id, code="facilities.site_not_found")).first()
    if site is None or not actor.can_reach_site(site.pk, site.organisation_id):
        raise NotFound("Site not found.", code="facilities.site_not_found", field="site")
    return site


def get_programme(actor: Actor, programme_id, *, permission: str = "rehabilitation.view") -> Programme:
    actor.require(permission)
    wanted = parse_public_id(programme_id, code="rehabilitation.programme_not_found")
    programme = Programme.objects.select_related("facility").filter(public_id=wanted).first()
    if programme is None or not actor.can_reach_site(programme.facility_id, programme.facility.organisation_id):
        raise NotFound("Programme not found.", code="rehabilitation.programme_not_found", field="programme_id")
    return programme


def get_session(
    actor: Actor, session_id, *, permission: str = "rehabilitation.view", for_update: bool = False
) -> ProgrammeSession:
    actor.require(permission)
    wanted = parse_public_id(session_id, code="rehabilitation.session_not_found")
    sessions = ProgrammeSession.objects.select_related("programme", "programme__facility", "location")
    if for_update:
        sessions = sessions.select_for_update(of=("self",))
    session = sessions.filter(public_id=wanted).first()
    if session is None or not actor.can_reach_site(
        session.programme.facility_id, session.programme.facility.organisation_id
    ):
        raise NotFound("Session not found.", code="rehabilitation.session_not_found", field="session_id")
    return session


def get_allocation(
    actor: Actor, allocation_id, *, permission: str = "rehabilitation.view", for_update: bool = False
) -> Allocation:
    actor.require(permission)
    wanted = parse_public_id(allocation_id, code="rehabilitation.allocation_not_found")
    allocations = Allocation.objects.select_related("person", "programme", "programme__facility", "referral")
    if for_update:
        allocations = allocations.select_for_update(of=("self",))
    allocation = allocations.filter(public_id=wanted).first()
    if allocation is None or not actor.can_reach_site(
        allocation.programme.facility_id, allocation.programme.facility.organisation_id
    ):
        raise NotFound("Allocation not found.", code="rehabilitation.allocation_not_found", field="allocation_id")
    return allocation


def live_on(on: dt.date) -> Q:
    """Allocations that were live on a day: started by then and not ended before it (an allocation
    ended later, completed say, was still live that day and keeps its marks)."""
    return Q(starts_on__lte=on) & (Q(ended_on__isnull=True, status__in=Allocation.LIVE_STATUSES) | Q(ended_on__gte=on))


def allocations_live_on(session: ProgrammeSession) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(live_on(session.on), programme_id=session.programme_id)
        .select_related("person")
        .order_by("person__family_name", "person__given_name", "pk")
    )


@dataclass(frozen=True)
class RegisterRow:
    allocation: Allocation
    mark: Attendance | None

    @property
    def person(self):
        return self.allocation.person


@dataclass(frozen=True)
class Register:
    session: ProgrammeSession
    rows: list[RegisterRow]

    @property
    def marked(self) -> int:
        return sum(1 for row in self.rows if row.mark is not None)


def session_register(actor: Actor, session_id, *, session: ProgrammeSession | None = None) -> Register:
    """One row per allocation live on the session's date (the people expected), with their mark if
    recorded; an allocation marked but no longer counted as live (its start corrected) still shows.
    Three queries whatever the size of the session."""
    session = session or get_session(actor, session_id)
    marks = {
        mark.allocation_id: mark
        for mark in Attendance.objects.filter(session=session).select_related(
            "allocation", "allocation__person", "recorded_by"
        )
    }
    rows = [RegisterRow(allocation, marks.pop(allocation.pk, None)) for allocation in allocations_live_on(session)]
    rows.extend(RegisterRow(mark.allocation, mark) for mark in marks.values())
    return Register(session, rows)


@dataclass(frozen=True)
class SessionOfDay:
    session: ProgrammeSession
    expected: int
    marked: int


def sessions_on(actor: Actor, site_id, on: dt.date) -> tuple[Site, list[SessionOfDay]]:
    """The facility's sessions on a day, earliest first, with how many people are expected (live
    allocations) and how many are marked."""
    site = site_in_reach(actor, site_id)
    sessions = list(
        ProgrammeSession.objects.filter(programme__facility=site, on=on)
        .select_related("programme", "location")
        .annotate(marked=Count("attendance"))
        .order_by("start", "programme__code")
    )
    expected = dict(
        Allocation.objects.filter(live_on(on), programme_id__in={s.programme_id for s in sessions})
        .values("programme_id")
        .annotate(n=Count("pk"))
        .values_list("programme_id", "n")
    )
    return site, [SessionOfDay(s, expected.get(s.programme_id, 0), s.marked) for s in sessions]


def programme_sessions(actor: Actor, programme_id, *, since: dt.date, until: dt.date) -> list[ProgrammeSession]:
    programme = get_programme(actor, programme_id)
    return list(programme.sessions.filter(on__gte=since, on__lte=until).order_by("on", "start"))


def progress_notes(actor: Actor, allocation_id) -> tuple[Allocation, list[ProgressNote]]:
    """An allocation and its progress notes, newest first."""
    allocation = get_allocation(actor, allocation_id)
    return allocation, list(allocation.progress_notes.select_related("written_by"))
