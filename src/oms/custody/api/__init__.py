"""The custody API under /api/v1/custody: thin wrappers over ``queries`` and ``services``, one router
per area (reception and release, housing and keep-aparts, movements and observations, roll and counts)
mounted here so one file shows the whole surface."""

from ninja import Router

from oms.custody.api import counts, events, housing, movements, reception

router = Router(tags=["custody"])
router.add_router("", reception.router)
router.add_router("", housing.router)
router.add_router("", movements.router)
router.add_router("", counts.router)
router.add_router("", events.router)
