"""Public ids (UUIDs) as they arrive from URLs, forms, the API and the CLI."""

from __future__ import annotations

import uuid

from oms.core.errors import NotFound


def parse_public_id(value, *, code: str, detail: str = "") -> uuid.UUID:
    """``value`` as a UUID; anything that is not one is NotFound with ``code``: a malformed id names no
    record, so it answers exactly like a missing one."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        raise NotFound(detail, code=code) from None
