"""The monitoring API under /api/v1/monitoring: thin wrappers over ``queries`` and ``services``."""

from ninja import Router

from oms.monitoring.api import alcohol, feed, orders

router = Router(tags=["monitoring"])
router.add_router("", feed.router)
router.add_router("", orders.router)
router.add_router("", alcohol.router)
