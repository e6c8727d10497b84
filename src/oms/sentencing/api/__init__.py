"""The sentencing API: legal records under /api/v1/sentencing (court cases, hearings, charges,
warrants, sentences, adjustments, the offence catalogue, stored calculations and overrides) and the
engine itself under /api/v1/release-dates (preview without saving). One router per area, mounted here
so one file shows the whole surface."""

from ninja import Router

from oms.sentencing.api import calculations, offences, records, sentences

router = Router(tags=["sentencing"])
router.add_router("", offences.router)
router.add_router("", records.router)
router.add_router("", sentences.router)
router.add_router("", calculations.router)

# POST /api/v1/release-dates/calculate: the engine without saving.
release_dates_router = calculations.preview_router
