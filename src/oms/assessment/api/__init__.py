"""The assessment API, mounted under /api/v1/assessment."""

from oms.assessment.api.assessments import router

__all__ = ["router"]
