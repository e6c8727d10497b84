"""Demo assessments and rehabilitation, loaded after custody and sentencing: assessed people have case
plans from their needs and a security level from their classification; prisons have programmes with
people on them, attendance, and incentive levels."""

from __future__ import annotations

import pytest

from oms.assessment.models import Assessment
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied
from oms.custody.models import CustodyEpisode
from oms.demo import services
from oms.demo.assessment import load_assessments
from oms.demo.custody import load_custody
from oms.demo.rehabilitation import load_rehabilitation
from oms.demo.sentencing import load_sentencing
from oms.rehabilitation.models import Allocation, Attendance, CasePlan, IncentiveReview

pytestmark = pytest.mark.django_db
OPERATOR = Actor.system(channel="cli", name="oms demo")


@pytest.fixture
def sentenced():
    services.load_population(OPERATOR, people=600, with_staff=False)
    load_custody(OPERATOR)
    load_sentencing(OPERATOR)


def test_the_whole_rehabilitation_demo_loads_through_the_services(sentenced):
    report = load_rehabilitation(OPERATOR)
    assert report.assessments.needs > 0 and report.assessments.classifications == report.assessments.needs
    assert report.programmes.programmes > 0 and report.programmes.allocations > 0
    assert report.attendance.marks > 0 and report.incentives.reviews > 0
    assert Allocation.objects.exists() and Attendance.objects.exists() and IncentiveReview.objects.exists()


def test_a_completed_needs_assessment_opened_a_case_plan_and_classification_set_the_level(sentenced):
    report = load_rehabilitation(OPERATOR)
    needs = Assessment.objects.filter(instrument_code="criminogenic-needs", is_current=True)
    assert needs.count() == report.assessments.needs
    for assessment in needs:
        plan = CasePlan.objects.get(person=assessment.person)
        severe_or_standard = [k for k, v in assessment.answers.items() if v != "no_need"]
        assert plan.goals.count() == len(severe_or_standard)
    for assessment in Assessment.objects.filter(instrument_code="custody-classification"):
        episode = CustodyEpisode.objects.get(person=assessment.person, status="active")
        assert episode.security_level == assessment.band


def test_assessing_again_adds_nothing_and_only_the_operator_loads(sentenced):
    people = list(CustodyEpisode.objects.filter(status="active").values_list("person", flat=True)[:3])
    from oms.people.models import Person

    chosen = list(Person.objects.filter(pk__in=people))
    first = load_assessments(OPERATOR, people=chosen)
    again = load_assessments(OPERATOR, people=chosen)
    assert first.needs == 3 and again.needs == 0
    with pytest.raises(PermissionDenied):
        load_assessments(Actor(user_id=1, username="someone"), people=chosen)
