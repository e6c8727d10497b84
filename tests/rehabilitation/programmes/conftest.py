"""Programme fixtures: a cognitive-behavioural course at Prison A, one at Prison B, one at Office C,
and ways to give a person the facts eligibility reads (assessments, a release date, custody)."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.assessment.models import Assessment
from oms.core import clock
from oms.custody.models import NonAssociation
from oms.sentencing.models import Calculation
from tests.factories import actor_of
from tests.rehabilitation.factories import make_programme


@pytest.fixture
def tsp(prison_a):
    return make_programme(prison_a, code="TSP", capacity=2)


@pytest.fixture
def course_b(prison_b):
    return make_programme(prison_b, code="EDU-B", title="Functional skills", kind="education")


@pytest.fixture
def community_course(office_c):
    return make_programme(office_c, code="BBR", title="Building Better Relationships", kind="domestic_abuse")


@pytest.fixture
def sam_actor(sam):
    return actor_of(sam)


@pytest.fixture
def casey_actor(casey):
    return actor_of(casey)


def current_assessment(person, user, instrument: str, *, band: str = "", answers: dict | None = None) -> Assessment:
    Assessment.objects.filter(person=person, instrument_code=instrument).update(is_current=False)
    now = clock.now()
    return Assessment.objects.create(
        person=person,
        instrument_code=instrument,
        instrument_version=1,
        answers=answers or {},
        status=Assessment.Status.COMPLETED,
        started_at=now,
        assessor=user,
        completed_at=now,
        completed_on=now.date(),
        computed_band=band,
        is_current=True,
    )


def release_on(person, day: dt.date) -> Calculation:
    return Calculation.objects.create(
        person=person,
        profile_code="test",
        profile_version="1",
        reason=Calculation.Reason.MANUAL,
        inputs={},
        inputs_hash="0" * 64,
        result={"dates": {"CRD": {"date": day.isoformat()}}},
        release_date=day,
        release_date_type="CRD",
        calculated_at=clock.now(),
    )


def keep_apart(one, other) -> NonAssociation:
    low, high = sorted([one, other], key=lambda p: p.pk)
    now = clock.now()
    return NonAssociation.objects.create(
        person_a=low, person_b=high, role_a="victim", role_b="perpetrator", reason="threat",
        restriction_level="wing", comment="Threats on the exercise yard", authorised_by="Head of Security",
        created_at=now, updated_at=now,
    )  # fmt: skip
