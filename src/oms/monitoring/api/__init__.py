"""The monitoring API under /api/v1/monitoring: thin wrappers over ``queries`` and ``services``."""

from ninja import Router

router = Router(tags=["monitoring"])
