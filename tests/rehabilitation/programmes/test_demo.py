"""Demo programmes: a catalogue per prison with referrals and places, all made through the services."""

from __future__ import annotations

import pytest

from oms.audit.models import AuditEvent
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied
from oms.demo.rehabilitation_programmes import CATALOGUE, load_programmes
from oms.rehabilitation.models import Allocation, Programme, Referral
from tests.factories import actor_of
from tests.people.conftest import make_person

pytestmark = pytest.mark.django_db


def test_demo_programmes_are_made_through_the_services(prison_a, prison_b, office_c):
    people = [make_person(prison_a, family=f"Demo{n}", given="Alex") for n in range(20)]
    operator = Actor.system("cli")

    report = load_programmes(operator, sites=[prison_a, "PRB", office_c], people=people, seed=3)

    assert report.programmes == 2 * len(CATALOGUE) == Programme.objects.count()
    assert not Programme.objects.filter(facility=office_c).exists()
    assert report.referrals == Referral.objects.count() > 0
    assert report.allocations == Allocation.objects.count()
    assert report.approved + report.declined <= report.referrals
    assert AuditEvent.objects.filter(action="rehabilitation.referral_made").count() == report.referrals
    assert all(p.facility == prison_a for p in Programme.objects.filter(referrals__isnull=False))
    # Every live place respects capacity.
    for programme in Programme.objects.all():
        assert programme.allocations.filter(status__in=Allocation.LIVE_STATUSES).count() <= programme.capacity

    again = load_programmes(operator, sites=[prison_a], people=people, seed=3)
    assert again.programmes == 0


def test_only_the_operator_loads_demo_programmes(sam, prison_a, person):
    with pytest.raises(PermissionDenied):
        load_programmes(actor_of(sam), sites=[prison_a], people=[person], seed=1)
