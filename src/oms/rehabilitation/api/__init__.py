"""The rehabilitation API under /api/v1/rehabilitation: thin wrappers over ``queries`` and ``services``,
one router per area mounted here so one file shows the whole surface."""

from ninja import Router

from oms.rehabilitation.api import attendance, incentives, plans, programmes

router = Router(tags=["rehabilitation"])
router.add_router("", plans.router)
router.add_router("", programmes.router)
router.add_router("", attendance.router)
router.add_router("", incentives.router)
