"""The assessment-record personas and fixtures (tests/assessment/records/conftest.py) reused here,
and a population of completed assessments to report on:

- ana: analyst, national scope (fairness reports only, no personal data)
- sam: supervisor at Prison A (fairness reports over Prison A's people)
- casey: case manager at Prison A (assesses; no reports: 403)
"""

import datetime as dt
import itertools

import pytest

from oms.assessment.models import Assessment
from oms.core import clock
from oms.core.actor import Scope
from tests.assessment.records.conftest import (  # noqa: F401 - pytest fixtures
    all_needs,
    casey,
    fixed_today,
    needs_items,
    person,
    sam,
    sue,
)
from tests.factories import make_user
from tests.people.conftest import make_person

_names = itertools.count(1)


@pytest.fixture
def ana(db):
    return make_user("ana", roles=("analyst",), scope=Scope.NATIONAL)


def completed(subject, assessor, *, instrument="criminogenic-needs", score=5.0, band="medium", **fields):
    """A completed current assessment, arranged directly (the report under test only reads them)."""
    values = {
        "instrument_version": 1,
        "status": Assessment.Status.COMPLETED,
        "started_at": clock.now(),
        "completed_at": clock.now(),
        "completed_on": clock.today(),
        "is_current": True,
        **fields,
    }
    return Assessment.objects.create(
        person=subject, instrument_code=instrument, assessor=assessor, score=score, computed_band=band, **values
    )


def population(site, assessor, n, *, sex="male", ethnicity="White British", dob=dt.date(1990, 1, 1), **fields):
    made = []
    for _ in range(n):
        someone = make_person(site, family=f"Person{next(_names)}", given="Test", dob=dob, sex=sex, ethnicity=ethnicity)
        made.append(completed(someone, assessor, **fields))
    return made
