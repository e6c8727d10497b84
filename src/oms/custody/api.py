"""The custody API under /api/v1/custody: thin wrappers over ``queries`` and ``services``.
Routers for each area are mounted here so one file shows the whole surface."""

from ninja import Router

router = Router(tags=["custody"])
