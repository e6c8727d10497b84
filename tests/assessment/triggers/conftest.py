"""The assessment-record personas and fixtures (tests/assessment/records/conftest.py) reused here:
casey (case manager, Prison A, assesses), sam and sue (supervisors, Prison A), person (at Prison A)."""

from tests.assessment.records.conftest import (  # noqa: F401 - pytest fixtures
    all_needs,
    casey,
    fixed_today,
    needs_items,
    person,
    sam,
    sue,
)
