"""The incidents API under /api/v1/incidents: thin wrappers over ``queries`` and ``services``, one router
per area mounted here so one file shows the whole surface."""

from ninja import Router

from oms.incidents.api import adjudications, attachments, emergencies, reports, trends

router = Router(tags=["incidents"])
router.add_router("", reports.router)
router.add_router("", attachments.router)
router.add_router("", trends.router)
router.add_router("", adjudications.router)
router.add_router("", emergencies.router)
