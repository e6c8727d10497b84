"""Demo case plans: for a handful of demo people, a plan made through the case plan services, so it has
versions, audit events and history like a real one. Each plan has goals for needs rated at random
(the same wording a needs assessment would give), first actions some of which are overdue, the
person's own words, and for some a review; a few plans have their next review past, so the "Case plans"
worklist has something to show. Synthetic text only.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied
from oms.people.models import Person
from oms.rehabilitation.models import CasePlan
from oms.rehabilitation.rules.plans import FIRST_ACTION_DAYS, NEED_GOALS, suggested_goals
from oms.rehabilitation.services import plans as services

MAX_PLANS = 12  # a handful: enough to show the pages, few enough to load in a moment

WORDS = [
    "I want to get a job and keep it this time.",
    "I need somewhere to live when I get out, not the same flat.",
    "I want to see my children again and be there for them.",
    "I want to stop drinking. It is what gets me into trouble.",
    "I want to finish my maths and English so I can do a trade.",
    "I keep ending up with the same people. I want to stay away from them.",
]
SUMMARIES = [
    "Engaging well; first actions started. Agreed to keep the same goals.",
    "Some progress on housing; the referral is waiting for a reply.",
    "Missed one appointment; talked through why and agreed a reminder plan.",
]


@dataclass
class PlansReport:
    plans: int = 0
    goals: int = 0
    actions: int = 0
    reviews: int = 0


def load_plans(actor: Actor, *, people: Iterable[Person], seed: int = 1) -> PlansReport:
    """Make case plans for up to MAX_PLANS of ``people`` who have none (operator only)."""
    if not actor.is_system:
        raise PermissionDenied("Only the operator can load demo data.", code="demo.operator_only")
    rng = random.Random(seed)
    today = clock.today()
    report = PlansReport()
    chosen = [p for p in people if not CasePlan.objects.filter(person=p).exists()][:MAX_PLANS]
    for n, person in enumerate(chosen):
        plan = services.open_plan(
            actor,
            person_id=person.public_id,
            persons_words=rng.choice(WORDS),
            next_review_on=today + dt.timedelta(days=rng.randint(7, 90)),
        )
        report.plans += 1
        ratings = {need: rng.choice(("no_need", "no_need", "standard", "severe")) for need in NEED_GOALS}
        for suggestion in suggested_goals(ratings)[:4]:
            goal = services.add_goal(
                actor,
                plan_id=plan.public_id,
                version=plan.version,
                title=suggestion.title,
                description=f"Demo: {suggestion.level} need.",
                need=suggestion.need,
            )
            plan.refresh_from_db()
            # About a third of first actions are overdue, so the worklist is not empty.
            late = rng.random() < 0.35
            offset = -rng.randint(1, 30) if late else FIRST_ACTION_DAYS[suggestion.level]
            services.add_action(
                actor,
                goal_id=goal.public_id,
                version=plan.version,
                description=suggestion.first_action,
                owner_kind=suggestion.first_action_owner,
                target_on=today + dt.timedelta(days=offset),
                status=rng.choice(("not_started", "in_progress")),
            )
            plan.refresh_from_db()
            report.goals += 1
            report.actions += 1
        if n % 3 == 0:
            # A review held some weeks ago; every other one leaves its next review already past.
            held = today - dt.timedelta(days=rng.randint(35, 60))
            overdue = n % 2 == 0
            next_on = today - dt.timedelta(days=rng.randint(1, 14)) if overdue else today + dt.timedelta(days=28)
            services.record_review(
                actor,
                plan_id=plan.public_id,
                version=plan.version,
                held_on=held,
                attendees=[f"{person.given_name} {person.family_name} (the person)", "Case manager"],
                summary=rng.choice(SUMMARIES),
                next_review_on=next_on,
            )
            report.reviews += 1
    return report
