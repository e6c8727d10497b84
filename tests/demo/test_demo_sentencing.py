"""Demo legal records: sentenced people in custody get sentences whose engine-calculated release date
is the one the custody demo wanted, so the daily action plan has releases due today and someone held
past their date."""

from __future__ import annotations

import pytest

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied
from oms.custody.models import CustodyEpisode
from oms.demo import services
from oms.demo.custody import load_custody
from oms.demo.sentencing import load_sentencing
from oms.sentencing.models import Calculation, Sentence

pytestmark = pytest.mark.django_db
OPERATOR = Actor.system(channel="cli", name="oms demo")


@pytest.fixture
def custody():
    services.load_population(OPERATOR, people=600, with_staff=False)
    load_custody(OPERATOR)


def test_every_sentenced_person_in_custody_has_a_sentence_and_a_calculated_release_date(custody):
    report = load_sentencing(OPERATOR)
    sentenced = CustodyEpisode.objects.filter(status="active", legal_status="sentenced")
    assert report.sentences == sentenced.count() > 0
    assert report.calculated == report.sentences
    for episode in sentenced:
        latest = Calculation.objects.get(person=episode.person, is_latest=True)
        assert Sentence.objects.filter(person=episode.person).exists()
        assert episode.release_due_on == latest.release_date  # custody follows the engine


def test_the_action_plan_still_has_releases_due_today_and_someone_held_past_their_date(custody):
    load_sentencing(OPERATOR)
    today = clock.today()
    sentenced = CustodyEpisode.objects.filter(status="active", legal_status="sentenced")
    assert sentenced.filter(release_due_on=today).exists() or today.weekday() >= 5  # weekend dates move to Friday
    assert sentenced.filter(release_due_on__lt=today).exists()


def test_loading_again_adds_nothing(custody):
    load_sentencing(OPERATOR)
    again = load_sentencing(OPERATOR)
    assert again.court_cases == again.sentences == 0


def test_only_the_operator_loads_sentencing_demo_data(custody):
    with pytest.raises(PermissionDenied):
        load_sentencing(Actor(user_id=1, username="someone"))
