"""The assessment API, mounted under /api/v1/assessment: one router per area mounted here."""

from ninja import Router

from oms.assessment.api import assessments, fairness

router = Router(tags=["assessment"])
router.add_router("", assessments.router)
router.add_router("", fairness.router)

__all__ = ["router"]
