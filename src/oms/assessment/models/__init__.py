"""Assessment records: one row per assessment of a person with one instrument version."""

from oms.assessment.models.assessments import Assessment

__all__ = ["Assessment"]
