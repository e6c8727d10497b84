"""The custody housing API (mounted by oms.custody.api)."""

from ninja import Router

router = Router(tags=["custody"])
