"""Assessment page fixtures: the record personas (tests/assessment/records/conftest.py) reused as they
are, so the pages are tested with the same people and roles as the services."""

from tests.assessment.records.conftest import (  # noqa: F401 (fixtures)
    all_needs,
    casey,
    fixed_today,
    needs_items,
    person,
    probation_person,
    sam,
    sue,
)
