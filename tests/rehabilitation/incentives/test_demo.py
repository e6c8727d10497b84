"""Demo incentives: example levels at the prisons holding people, reviews for some of them with some
overdue, audited through the services; loading again adds nothing; only the operator may load."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied
from oms.demo.rehabilitation_incentives import load_incentives
from oms.rehabilitation.models import IncentiveLevel, IncentiveReview
from oms.rehabilitation.queries import incentives as queries
from tests.custody.factories import make_episode
from tests.factories import actor_of
from tests.people.conftest import make_person

pytestmark = pytest.mark.django_db
OPERATOR = Actor.system(channel="cli", name="oms demo")


@pytest.fixture
def population(prison_a, prison_b):
    for n in range(40):
        person = make_person(prison_a, family=f"Demo{n:02d}", given="Alex")
        make_episode(person, prison_a, received_at=clock.now() - dt.timedelta(days=500))
    return prison_a


def test_demo_installs_levels_and_reviews_some_people(population, prison_a, prison_b, sam):
    report = load_incentives(OPERATOR, seed=3, share=0.5)

    assert report.sites == 1 and report.levels == 3  # Prison B holds nobody
    assert not IncentiveLevel.objects.filter(facility=prison_b).exists()
    reviewed = IncentiveReview.objects.filter(is_current=True).count()
    assert 10 <= reviewed <= 30 and report.reviews >= reviewed
    assert IncentiveReview.objects.filter(is_current=True, level__code="basic").exists()
    assert any(d.overdue for d in queries.reviews_due(actor_of(sam)))

    again = load_incentives(OPERATOR, seed=3, share=0.5)
    assert again.levels == 0 and again.reviews == 0


def test_demo_for_named_sites_only(population, prison_a, prison_b):
    report = load_incentives(OPERATOR, sites=["PRB"])
    assert report.sites == 1 and report.reviews == 0
    assert IncentiveLevel.objects.filter(facility=prison_b).count() == 3
    assert not IncentiveLevel.objects.filter(facility=prison_a).exists()


def test_only_the_operator_loads_demo_data(sam, population):
    with pytest.raises(PermissionDenied):
        load_incentives(actor_of(sam))
