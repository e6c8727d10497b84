"""A person's rehabilitation progress: current needs, plan status, programmes in progress and done,
qualifications and attendance rate; and the programming days the sentencing profile reads.

Attendance rate = attended / (attended + refused). The other outcomes (sick, not required, rest day,
clash, suspended, cancelled) are excused: they neither help nor harm the rate
(``Attendance.COUNTED``). No counted mark yet means no rate, not 0%.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q

from oms.assessment.models import Assessment
from oms.assessment.rules.instruments import ScoringError
from oms.assessment.services.instruments import catalogue
from oms.audit.services import record_event
from oms.core.actor import Actor
from oms.people.models import Person
from oms.people.queries import find_person
from oms.rehabilitation.models import Allocation, Attendance, CasePlan, PlanGoal, ProgrammeSession, Qualification

NEEDS_INSTRUMENT = "criminogenic-needs"
NEED_LEVELS = ("severe", "standard")


def programming_days(person_ids: Iterable[int]) -> dict[int, dict[str, object]]:
    """Sentencing facts provider: ``programming_days`` = the distinct days each person attended a
    session of a programme that earns time credits (US First Step Act "successful participation";
    a session cancelled afterwards does not count). People with none are left out. One query."""
    rows = (
        Attendance.objects.filter(
            allocation__person_id__in=list(person_ids),
            outcome=Attendance.Outcome.ATTENDED,
            allocation__programme__earns_time_credits=True,
            session__status=ProgrammeSession.Status.SCHEDULED,
        )
        .values("allocation__person_id")
        .annotate(days=Count("session__on", distinct=True))
        .values_list("allocation__person_id", "days")
    )
    return {person_id: {"programming_days": days} for person_id, days in rows if days}


def credit_periods(person_ids: Iterable[int]) -> dict[int, int]:
    """Whole 30-day periods of programming per person (what the credits are earned in)."""
    return {pid: facts["programming_days"] // 30 for pid, facts in programming_days(person_ids).items()}


@dataclass(frozen=True)
class AttendanceRate:
    attended: int
    refused: int
    excused: int

    @property
    def counted(self) -> int:
        return self.attended + self.refused

    @property
    def percent(self) -> int | None:
        return round(100 * self.attended / self.counted) if self.counted else None

    @property
    def text(self) -> str:
        if self.percent is None:
            return "No attendance recorded"
        return f"{self.percent}% ({self.attended} of {self.counted} sessions; {self.excused} excused)"


def attendance_rate(person_ids: Iterable[int] | None = None, *, allocation_id: int | None = None) -> AttendanceRate:
    marks = Attendance.objects.all()
    if allocation_id is not None:
        marks = marks.filter(allocation_id=allocation_id)
    if person_ids is not None:
        marks = marks.filter(allocation__person_id__in=list(person_ids))
    totals = marks.aggregate(
        attended=Count("pk", filter=Q(outcome=Attendance.Outcome.ATTENDED)),
        refused=Count("pk", filter=Q(outcome=Attendance.Outcome.REFUSED)),
        excused=Count("pk", filter=~Q(outcome__in=Attendance.COUNTED)),
    )
    return AttendanceRate(totals["attended"], totals["refused"], totals["excused"])


@dataclass(frozen=True)
class Need:
    domain: str
    label: str
    level: str


@dataclass(frozen=True)
class PlanStatus:
    plan: CasePlan
    goals_open: int
    goals_achieved: int

    @property
    def next_review_on(self):
        return self.plan.next_review_on


@dataclass(frozen=True)
class AllocationProgress:
    allocation: Allocation
    rate: AttendanceRate


@dataclass(frozen=True)
class Progress:
    person: Person
    needs: list[Need]
    needs_assessed_on: object
    plan: PlanStatus | None
    in_progress: list[AllocationProgress]
    done: list[AllocationProgress]
    qualifications: list[Qualification]
    rate: AttendanceRate
    programming_days: int
    notes: dict = field(default_factory=dict)


def current_needs(person: Person) -> tuple[list[Need], object]:
    """Severe then standard needs from the person's current criminogenic-needs assessment, with the
    day it was completed; no assessment gives no needs."""
    assessment = (
        Assessment.objects.filter(person=person, instrument_code=NEEDS_INSTRUMENT, is_current=True)
        .order_by("-completed_at", "-pk")
        .first()
    )
    if assessment is None:
        return [], None
    try:
        instrument = catalogue().get(NEEDS_INSTRUMENT, assessment.instrument_version)
    except ScoringError:  # an instrument version no longer shipped: show the codes
        instrument = None
    needs = []
    for level in NEED_LEVELS:
        for domain, answer in (assessment.answers or {}).items():
            if answer != level:
                continue
            item = instrument.item(domain) if instrument else None
            needs.append(Need(domain, item.label if item else domain.replace("_", " ").capitalize(), level))
    return needs, assessment.completed_on


def plan_status(person: Person) -> PlanStatus | None:
    plan = CasePlan.objects.filter(person=person).first()
    if plan is None:
        return None
    counts = plan.goals.aggregate(
        open=Count("pk", filter=Q(status=PlanGoal.Status.OPEN)),
        achieved=Count("pk", filter=Q(status=PlanGoal.Status.ACHIEVED)),
    )
    return PlanStatus(plan, counts["open"], counts["achieved"])


def _allocation_rates(allocation_ids: list[int]) -> dict[int, AttendanceRate]:
    rows = (
        Attendance.objects.filter(allocation_id__in=allocation_ids)
        .values("allocation_id")
        .annotate(
            attended=Count("pk", filter=Q(outcome=Attendance.Outcome.ATTENDED)),
            refused=Count("pk", filter=Q(outcome=Attendance.Outcome.REFUSED)),
            excused=Count("pk", filter=~Q(outcome__in=Attendance.COUNTED)),
        )
    )
    return {r["allocation_id"]: AttendanceRate(r["attended"], r["refused"], r["excused"]) for r in rows}


def progress_for(person: Person) -> Progress:
    """The whole picture for a person already read in scope (the profile panel, the progress page)."""
    needs, assessed_on = current_needs(person)
    allocations = list(
        Allocation.objects.filter(person=person)
        .exclude(status=Allocation.Status.REMOVED)
        .select_related("programme", "programme__facility")
        .order_by("-starts_on", "-pk")
    )
    rates = _allocation_rates([a.pk for a in allocations])
    none = AttendanceRate(0, 0, 0)
    in_progress = [
        AllocationProgress(a, rates.get(a.pk, none)) for a in allocations if a.status in Allocation.LIVE_STATUSES
    ]
    done = [
        AllocationProgress(a, rates.get(a.pk, none)) for a in allocations if a.status not in Allocation.LIVE_STATUSES
    ]
    days = programming_days([person.pk]).get(person.pk, {}).get("programming_days", 0)
    return Progress(
        person=person,
        needs=needs,
        needs_assessed_on=assessed_on,
        plan=plan_status(person),
        in_progress=in_progress,
        done=done,
        qualifications=list(Qualification.objects.filter(person=person).select_related("allocation__programme")),
        rate=attendance_rate([person.pk]),
        programming_days=int(days),
    )


def person_progress(actor: Actor, person_id) -> Progress:
    """A person's rehabilitation progress (rehabilitation.view; the person in scope, else 404); audited
    as ``rehabilitation.progress_viewed`` (it shows assessed needs). The profile panel reads
    ``progress_for`` directly: the profile page audits its own read."""
    actor.require("rehabilitation.view")
    person = find_person(actor, person_id)
    record_event(
        actor,
        "rehabilitation.progress_viewed",
        object_type="person",
        object_id=person.public_id,
        subject_person_id=person.pk,
    )
    return progress_for(person)


def qualifications_of(actor: Actor, person_id) -> tuple[Person, list[Qualification]]:
    actor.require("rehabilitation.view")
    person = find_person(actor, person_id)
    return person, list(Qualification.objects.filter(person=person).select_related("allocation__programme"))
