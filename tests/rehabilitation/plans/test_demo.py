"""Demo case plans: made through the services for a handful of people, with overdue items to show."""

from __future__ import annotations

import pytest

from oms.core.actor import Actor
from oms.core.errors import PermissionDenied
from oms.demo.rehabilitation_plans import MAX_PLANS, load_plans
from oms.rehabilitation.models import CasePlan, CasePlanVersion
from oms.rehabilitation.queries.plans import due_for_caseload
from tests.factories import actor_of
from tests.people.conftest import make_person

pytestmark = pytest.mark.django_db


def test_demo_plans_are_made_through_the_services(prison_a, casey):
    people = [make_person(prison_a, family=f"Demo{n}", given="Sam") for n in range(MAX_PLANS + 3)]
    operator = Actor.system("cli")
    report = load_plans(operator, people=people, seed=7)
    assert report.plans == MAX_PLANS == CasePlan.objects.count()
    assert report.goals > 0 and report.reviews == 4
    # Every change went through a service: one saved version per change.
    assert CasePlanVersion.objects.count() == report.plans + report.goals + report.actions + report.reviews
    kinds = {item.kind for item in due_for_caseload(actor_of(casey))}
    assert kinds == {"action", "review"}
    # Run again: people who have a plan are left alone; the same seed gives the same plans.
    assert load_plans(operator, people=people, seed=7).plans == 3


def test_only_the_operator_loads_demo_plans(casey, person):
    with pytest.raises(PermissionDenied):
        load_plans(actor_of(casey), people=[person], seed=1)
