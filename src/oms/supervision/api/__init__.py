"""The supervision API under /api/v1/supervision: thin wrappers over ``queries`` and ``services``."""

from ninja import Router

from oms.supervision.api import breach, cases, checkins, sanctions, testing

router = Router(tags=["supervision"])
router.add_router("", cases.router)
router.add_router("", breach.router)
router.add_router("", sanctions.router)
router.add_router("", testing.router)
router.add_router("", checkins.router)
