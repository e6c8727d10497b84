"""Demo programmes: a small catalogue at each prison (education, vocational training, substance misuse,
a thinking-skills course and a kitchen work party), with referrals, decisions and allocations made
through the programme services, so waiting lists, places and audit events look like real ones.
Synthetic titles and text only (the thinking-skills course is "TSP-like", not the accredited programme).

Referrals and places need a member of staff to attribute them to (``referred_by``, ``allocated_by``),
so the operator's system actor acts here as the demo programmes user, ``demo.programmes``, which has
no password and no roles and cannot sign in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass

from oms.accounts.models import User
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, PermissionDenied, RuleViolation
from oms.facilities.models import Site
from oms.people.models import Person, PersonSiteLink
from oms.rehabilitation.models import Programme
from oms.rehabilitation.services import allocations as allocation_services
from oms.rehabilitation.services import programmes as programme_services
from oms.rehabilitation.services import referrals as referral_services

DEMO_USERNAME = "demo.programmes"
MAX_REFERRALS_PER_SITE = 40


def _weekdays(start: str, end: str, days=range(5)) -> list[dict]:
    return [{"weekday": d, "start": start, "end": end} for d in days]


# code, title, kind, capacity, timetable, eligibility, addresses_needs, qualification
CATALOGUE = [
    (
        "EDU-EM",
        "Functional Skills English and maths",
        "education",
        12,
        _weekdays("09:00", "11:30", (0, 2, 4)),
        {},
        ["education_training_employment"],
        "Functional Skills Level 1",
    ),
    (
        "VOC-BRICK",
        "Bricklaying workshop",
        "vocational",
        8,
        _weekdays("13:30", "16:00", (0, 1, 2, 3)),
        {"min_days_to_serve": 90, "security_levels": ["open", "low", "medium"]},
        ["education_training_employment"],
        "Level 1 Certificate in Bricklaying",
    ),
    (
        "SMS-1",
        "Substance misuse recovery group",
        "substance_misuse",
        10,
        _weekdays("14:00", "16:00", (1, 3)),
        {"needs": ["drugs", "alcohol"], "needs_level": "standard"},
        ["drugs", "alcohol"],
        "",
    ),
    (
        "TSP-DEMO",
        "Thinking skills course (TSP-like)",
        "cognitive_behavioural",
        10,
        _weekdays("09:30", "12:00", (1, 3)),
        {"risk_bands": ["medium", "high", "very high"], "risk_instrument": "ogrs3", "min_days_to_serve": 120},
        ["thinking_behaviour", "attitudes"],
        "",
    ),
    (
        "WORK-KITCHEN",
        "Kitchen work party",
        "work",
        15,
        _weekdays("07:30", "13:00", range(6)),
        {"security_levels": ["open", "low", "medium"]},
        [],
        "Level 2 Food Hygiene",
    ),
]
REASONS = [
    "Identified in the case plan as a priority.",
    "Asked for a place at the induction interview.",
    "Needs this before release planning can start.",
    "Recommended by the last sentence plan review.",
]


@dataclass
class ProgrammesReport:
    programmes: int = 0
    referrals: int = 0
    approved: int = 0
    declined: int = 0
    allocations: int = 0
    refused: int = 0  # allocations the checks refused (left on the waiting list)


def demo_actor(actor: Actor) -> Actor:
    """The operator acting as the demo programmes user (made on first use, unable to sign in)."""
    user, created = User.objects.get_or_create(username=DEMO_USERNAME, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return dataclasses.replace(actor, user_id=user.pk, username=user.username)


def _site(value) -> Site:
    return value if isinstance(value, Site) else Site.objects.get(code=value)


def load_programmes(
    actor: Actor, *, sites: Iterable[Site | str], people: Iterable[Person], seed: int = 1
) -> ProgrammesReport:
    """At each prison of ``sites``: add the demo catalogue where its codes are free, then refer some of
    the ``people`` held there (a current site link), approve or decline some, and allocate some
    (operator only). A refused allocation (full, not eligible, a clash, a non-association) stays on
    the waiting list: demo data never overrides a check."""
    if not actor.is_system:
        raise PermissionDenied("Only the operator can load demo data.", code="demo.operator_only")
    acting = demo_actor(actor)
    rng = random.Random(seed)
    report = ProgrammesReport()
    people = list(people)
    for site in (_site(s) for s in sites):
        if site.kind != Site.Kind.PRISON:
            continue
        catalogue = []
        for code, title, kind, capacity, timetable, eligibility, needs, qualification in CATALOGUE:
            existing = Programme.objects.filter(facility=site, code=code).first()
            if existing is None:
                existing = programme_services.add_programme(
                    acting,
                    facility=site.code,
                    code=code,
                    title=title,
                    kind=kind,
                    capacity=capacity,
                    timetable=timetable,
                    eligibility=eligibility,
                    addresses_needs=needs,
                    qualification=qualification,
                    description="Demo programme.",
                    starts_on=dt.date(2026, 1, 5),
                )
                report.programmes += 1
            catalogue.append(existing)
        held_here = set(
            PersonSiteLink.objects.filter(site=site, ended_on__isnull=True, person__in=people).values_list(
                "person_id", flat=True
            )
        )
        here = [p for p in people if p.pk in held_here][:MAX_REFERRALS_PER_SITE]
        for person in here:
            if rng.random() < 0.3:
                continue
            programme = rng.choice(catalogue)
            try:
                referral = referral_services.refer(
                    acting,
                    person_id=person.public_id,
                    programme_id=programme.public_id,
                    reason=rng.choice(REASONS),
                    priority=rng.choice((1, 2, 3, 3, 3, 4)),
                )
            except (Conflict, RuleViolation):
                continue  # already waiting for it (a second run)
            report.referrals += 1
            roll = rng.random()
            if roll < 0.1:
                referral_services.decline_referral(
                    acting, referral_id=referral.public_id, reason="Completed a similar course recently."
                )
                report.declined += 1
            elif roll < 0.75:
                referral_services.approve_referral(acting, referral_id=referral.public_id)
                report.approved += 1
                if rng.random() < 0.6:
                    try:
                        # Places began some weeks ago, so the attendance demo has sessions to mark.
                        started = clock.today() - dt.timedelta(days=rng.randint(14, 42))
                        allocation_services.allocate(acting, referral_id=referral.public_id, starts_on=started)
                    except (allocation_services.AllocationRefused, Conflict):  # refused, or already placed
                        report.refused += 1
                    else:
                        report.allocations += 1
    return report
