"""The diversion API under /api/v1/diversion: thin wrappers over ``queries`` and ``services``."""

from ninja import Router

from oms.diversion.api import messages, participations, partners, portal

router = Router(tags=["diversion"])
router.add_router("", participations.router)
router.add_router("", portal.router)
router.add_router("", messages.router)
router.add_router("", partners.router)
