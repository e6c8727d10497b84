"""The diversion API under /api/v1/diversion: thin wrappers over ``queries`` and ``services``."""

from ninja import Router

router = Router(tags=["diversion"])
