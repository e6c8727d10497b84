"""The diversion API under /api/v1/diversion: thin wrappers over ``queries`` and ``services``."""

from ninja import Router

from oms.diversion.api import participations

router = Router(tags=["diversion"])
router.add_router("", participations.router)
