"""The custody event feed: GET /api/v1/custody/events, the outbox read by later apps and partners.

Consumers page with ``after`` (the last id they processed) and get events only for sites in their
reach. Payloads carry public ids and codes, never names (see services._common.emit).
"""

import datetime as dt
import uuid
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from oms.core.actor import Actor
from oms.core.models import OutboxMessage
from oms.facilities.models import Site
from oms.web.access import api
from oms.web.api_schemas import ERRORS

router = Router(tags=["custody"])
CUSTODY_EVENTS = (
    "custody.person_received",
    "custody.person_released",
    "custody.person_transferred",
    "custody.cell_moved",
    "custody.release_notification_queued",
)


class CustodyEventOut(Schema):
    id: int
    name: str
    occurred_at: dt.datetime
    person_id: uuid.UUID | None
    site: str
    payload: dict


class CustodyEventPageOut(Schema):
    events: list[CustodyEventOut]
    next_after: int  # pass as ``after`` to read on; equal to ``after`` when there was nothing new


class CustodyEventParams(Schema):
    after: Annotated[int, Field(ge=0, le=2**62)] = 0
    limit: Annotated[int, Field(ge=1, le=1000)] = 200


def custody_events(actor: Actor, *, after: int, limit: int) -> list[OutboxMessage]:
    """Custody outbox messages after ``after`` for sites the actor can reach, oldest first."""
    actor.require("custody.view")
    messages = OutboxMessage.objects.filter(id__gt=after, name__in=CUSTODY_EVENTS)
    if not actor.is_national:
        sites = Site.objects.all()
        if actor.scope == "organisation":
            sites = sites.filter(organisation_id=actor.organisation_id)
        else:
            sites = sites.filter(pk__in=sorted(actor.site_ids))
        messages = messages.filter(site_code__in=list(sites.values_list("code", flat=True)))
    return list(messages.order_by("id")[:limit])


@router.get(
    "/events", response={200: CustodyEventPageOut, **ERRORS}, summary="Custody events after a given id (outbox feed)"
)
@api("custody.view")
def list_events(request: HttpRequest, params: Query[CustodyEventParams]):
    messages = custody_events(request.actor, after=params.after, limit=params.limit)
    return {
        "events": [
            {
                "id": m.id,
                "name": m.name,
                "occurred_at": m.created_at,
                "person_id": m.person_public_id,
                "site": m.site_code,
                "payload": m.payload,
            }
            for m in messages
        ],
        "next_after": messages[-1].id if messages else params.after,
    }
