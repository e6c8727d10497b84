"""Sentencing API: stored calculations and overrides (``router``) and the preview engine under
/api/v1/release-dates (``preview_router``)."""

from ninja import Router

router = Router()
preview_router = Router(tags=["release dates"])
