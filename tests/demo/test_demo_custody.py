"""Demo custody data: a believable estate and population for every demo prison."""

from __future__ import annotations

import pytest

from oms.audit.models import AuditEvent
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied
from oms.custody.models import BedAssignment, CountTime, CustodyEpisode
from oms.demo import services
from oms.demo.custody import ESTATE_SHAPE, load_custody
from oms.facilities.models import Location, Site

pytestmark = pytest.mark.django_db
OPERATOR = Actor.system(channel="cli", name="oms demo")


@pytest.fixture
def population():
    services.load_population(OPERATOR, people=600, with_staff=False)


def test_each_prison_gets_an_estate_count_times_and_housed_people(population):
    report = load_custody(OPERATOR)
    units, wings, landings, cells, beds = ESTATE_SHAPE
    for site in Site.objects.filter(kind=Site.Kind.PRISON):
        assert Location.objects.filter(site=site, kind="bed").count() == units * wings * landings * cells * beds
        assert CountTime.objects.filter(site=site).count() == 4
    assert report.episodes == CustodyEpisode.objects.count() > 0
    assert report.housed == BedAssignment.objects.filter(ended_at__isnull=True).count()
    # Nobody sleeps in an out-of-order cell, and women are held only at the women's prison.
    assert not BedAssignment.objects.filter(cell__active=False).exists()
    assert Location.objects.filter(kind="cell", active=False).count() == 5 * units * wings
    assert not CustodyEpisode.objects.exclude(site__code="HMP-OKH").filter(person__sex="female").exists()
    assert AuditEvent.objects.filter(action="demo.custody_loaded").count() == 1


def test_loading_again_leaves_existing_estates_alone(population):
    load_custody(OPERATOR)
    before = (Location.objects.count(), CustodyEpisode.objects.count())
    again = load_custody(OPERATOR)
    assert again.sites == 0
    assert (Location.objects.count(), CustodyEpisode.objects.count()) == before


def test_only_the_operator_loads_custody_demo_data(population):
    with pytest.raises(PermissionDenied):
        load_custody(Actor(user_id=1, username="someone"))
