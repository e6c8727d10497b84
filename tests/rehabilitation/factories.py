"""Plain factory functions for arranging rehabilitation tests. They write rows directly (no audit);
call the service for the behaviour under test."""

from __future__ import annotations

import datetime as dt

from oms.core import clock
from oms.facilities.models import Site
from oms.people.models import Person
from oms.rehabilitation.models import (
    Allocation,
    CasePlan,
    IncentiveLevel,
    Programme,
    ProgrammeSession,
    Referral,
)

WEEKDAY_MORNINGS = [{"weekday": d, "start": "09:00", "end": "11:30"} for d in range(5)]


def make_programme(site: Site, *, code: str = "TSP", title: str = "Thinking Skills Programme", **fields) -> Programme:
    now = clock.now()
    values = {
        "kind": Programme.Kind.COGNITIVE_BEHAVIOURAL,
        "capacity": 12,
        "timetable": WEEKDAY_MORNINGS,
        "created_at": now,
        "updated_at": now,
        **fields,
    }
    return Programme.objects.create(facility=site, code=code, title=title, **values)


def make_referral(person: Person, programme: Programme, user, **fields) -> Referral:
    values = {"reason": "Addresses thinking and behaviour need", "referred_at": clock.now(), **fields}
    return Referral.objects.create(person=person, programme=programme, referred_by=user, **values)


def make_allocation(person: Person, programme: Programme, user, *, starts_on: dt.date | None = None, **fields):
    values = {"starts_on": starts_on or clock.today(), "allocated_at": clock.now(), **fields}
    return Allocation.objects.create(person=person, programme=programme, allocated_by=user, **values)


def make_session(programme: Programme, on: dt.date, *, start=dt.time(9, 0), end=dt.time(11, 30), **fields):
    return ProgrammeSession.objects.create(programme=programme, on=on, start=start, end=end, **fields)


def make_plan(person: Person, user, **fields) -> CasePlan:
    now = clock.now()
    return CasePlan.objects.create(person=person, created_by=user, created_at=now, updated_at=now, **fields)


def make_incentive_levels(site: Site) -> dict[str, IncentiveLevel]:
    """Basic, standard (the default on reception) and enhanced, with illustrative allowances."""
    rows = [
        ("basic", "Basic", 1, True, False, 400, 2),
        ("standard", "Standard", 2, False, True, 1550, 3),
        ("enhanced", "Enhanced", 3, False, False, 2550, 4),
    ]
    return {
        code: IncentiveLevel.objects.create(
            facility=site,
            code=code,
            name=name,
            rank=rank,
            is_basic=basic,
            is_default=default,
            spending_limit_pence=limit,
            visits_per_month=visits,
        )
        for code, name, rank, basic, default, limit, visits in rows
    }
