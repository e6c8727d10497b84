"""Demo assessment and rehabilitation data, loaded after custody and sentencing: assessments for some
people in custody (their needs open case plans), more case plans, a programme catalogue per prison with
referrals and allocations, a few weeks of sessions and attendance, and incentive levels with reviews.
Each part works through its app's services (see the modules it calls)."""

from __future__ import annotations

from dataclasses import dataclass

from oms.core.actor import Actor
from oms.custody.models import CustodyEpisode
from oms.demo.assessment import AssessmentsReport, load_assessments
from oms.demo.rehabilitation_attendance import AttendanceReport, load_attendance
from oms.demo.rehabilitation_incentives import IncentivesReport, load_incentives
from oms.demo.rehabilitation_plans import PlansReport, load_plans
from oms.demo.rehabilitation_programmes import ProgrammesReport, load_programmes
from oms.facilities.models import Site
from oms.people.models import Person

ASSESSED = 40  # people in custody given assessments (and so case plans from their needs)
REFERRED_FROM = 300  # the people in custody the programme referrals are drawn from


@dataclass
class RehabilitationReport:
    assessments: AssessmentsReport
    plans: PlansReport
    programmes: ProgrammesReport
    attendance: AttendanceReport
    incentives: IncentivesReport


def load_rehabilitation(actor: Actor, *, seed: int = 1) -> RehabilitationReport:
    in_custody = list(
        Person.objects.filter(custody_episodes__status=CustodyEpisode.Status.ACTIVE)
        .distinct()
        .order_by("id")[:REFERRED_FROM]
    )
    prisons = Site.objects.filter(kind=Site.Kind.PRISON, custody_episodes__status=CustodyEpisode.Status.ACTIVE)
    prison_codes = sorted(set(prisons.values_list("code", flat=True)))
    assessments = load_assessments(actor, people=in_custody[:ASSESSED], seed=seed)
    plans = load_plans(actor, people=in_custody[ASSESSED:], seed=seed)
    programmes = load_programmes(actor, sites=prison_codes, people=in_custody, seed=seed)
    attendance = load_attendance(actor, seed=seed)
    incentives = load_incentives(actor, sites=prison_codes, seed=seed)
    return RehabilitationReport(assessments, plans, programmes, attendance, incentives)
