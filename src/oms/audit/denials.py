"""Recording authorisation denials (AUD-1) after the request's own transaction has rolled back.

A 401, 403 or 423 answer changes nothing, so the event is written in a transaction of its own. If the
audit trail cannot be written the denial still stands (nothing is returned either way) and the failure
is logged for the operators.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction

from oms.audit.models import AuditEvent
from oms.audit.services import record_event
from oms.core.actor import Actor
from oms.core.errors import ServiceUnavailable
from oms.core.middleware import client_ip

log = logging.getLogger("oms.audit")

DENIED_STATUSES = (401, 403, 423)
MAX_PATH = 200


def _printable(path: str) -> str:
    # A decoded path can hold a NUL, which PostgreSQL refuses to store in JSON: keep a visible mark.
    return path[:MAX_PATH].replace("\x00", "\ufffd")


def _actor_for(request, channel: str) -> Actor:
    actor = getattr(request, "actor", None)
    if actor is not None:
        return actor
    # Nobody authenticated: record the attempt against no user, with what the request itself tells us.
    return Actor(
        user_id=None,
        username="anonymous",
        channel=channel,
        request_id=getattr(request, "request_id", ""),
        ip=client_ip(request, settings.TRUSTED_PROXIES),
    )


def record_denial(request, *, status: int, code: str, channel: str) -> None:
    """Write one "audit.access_denied" event: who, what they asked for (method and path) and why.

    The query string is left out: it can hold search terms such as names (DP-2).
    """
    try:
        with transaction.atomic():
            record_event(
                _actor_for(request, channel),
                "audit.access_denied",
                outcome=AuditEvent.Outcome.DENIED,
                object_type="request",
                details={"status": status, "code": code, "method": request.method, "path": _printable(request.path)},
            )
    except ServiceUnavailable:
        log.error("an authorisation denial could not be audited")


def record_page_denial(request, error) -> None:
    """The recorder that ``oms.web.denials`` calls from DomainErrorMiddleware (pages)."""
    record_denial(request, status=error.status, code=error.code, channel="web")
