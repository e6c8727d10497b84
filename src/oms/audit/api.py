"""The audit API under /api/v1/audit for auditors: search and standard reports (AUD-6).

Permission audit.view plus a recent step-up (AUTH-6: audit access is privileged). Every call is
itself audited by the query it makes; if that record cannot be written the call answers 503.
"""

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from oms.audit import queries
from oms.web.access import api
from oms.web.api_schemas import error_responses
from oms.web.step_up import require_step_up

router = Router(tags=["audit"])
MIN_YEAR, MAX_YEAR = 1900, 9000


ERRORS = error_responses(401, 403, 422, 503)


class EventOut(Schema):
    seq: int
    occurred_at: dt.datetime
    actor_user_id: int | None
    actor_username: str
    organisation_id: int | None
    channel: str
    request_id: str
    source_ip: str | None
    action: str
    outcome: Literal["success", "denied", "failure"]
    object_type: str
    object_id: str
    subject_person_id: int | None
    site_id: int | None
    changed_fields: list[str]
    details: dict
    reason: str
    hash: str


class EventPageOut(Schema):
    items: list[EventOut]
    count: int
    page: int
    page_size: int
    pages: int


class PeriodParams(Schema):
    since: dt.datetime | None = Field(None, description="From this instant (inclusive; UTC if no offset)")
    until: dt.datetime | None = Field(None, description="To this instant (exclusive; UTC if no offset)")

    @field_validator("since", "until")
    @classmethod
    def in_utc_and_in_range(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        try:
            value = value.astimezone(dt.UTC)
        except OverflowError:
            raise ValueError("the instant is out of range") from None
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise ValueError(f"the year must be between {MIN_YEAR} and {MAX_YEAR}")
        return value


class SearchParams(PeriodParams):
    user_id: int | None = Field(None, ge=1, le=2**62)
    username: str | None = Field(None, max_length=150)
    person_id: int | None = Field(None, ge=1, le=2**62, description="Subject person (internal id)")
    object_type: str | None = Field(None, max_length=60)
    object_id: str | None = Field(None, max_length=64)
    action: str | None = Field(None, max_length=100, description='An action, or an app prefix ending in "."')
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=queries.MAX_PAGE_SIZE)


class ReaderVolumeOut(Schema):
    user_id: int | None
    username: str
    reads: int
    people: int


@router.get("/events", response={200: EventPageOut, **ERRORS}, summary="Search audit events (audited)")
@api("audit.view")
def search_events(request, params: Query[SearchParams]):
    require_step_up(request)
    page = queries.search_events(
        request.actor,
        user_id=params.user_id,
        username=params.username,
        person_id=params.person_id,
        object_type=params.object_type,
        object_id=params.object_id,
        action=params.action,
        since=params.since,
        until=params.until,
        page=params.page,
        page_size=params.page_size,
    )
    return {
        "items": page.events,
        "count": page.total,
        "page": page.number,
        "page_size": page.page_size,
        "pages": page.pages,
    }


@router.get("/reports/lockouts", response={200: list[EventOut], **ERRORS}, summary="Lockouts and unlocks")
@api("audit.view")
def lockout_report(request, params: Query[PeriodParams]):
    require_step_up(request)
    return queries.lockout_report(request.actor, since=params.since, until=params.until)


@router.get("/reports/denials", response={200: list[EventOut], **ERRORS}, summary="Authorisation denials")
@api("audit.view")
def denial_report(request, params: Query[PeriodParams]):
    require_step_up(request)
    return queries.denial_report(request.actor, since=params.since, until=params.until)


@router.get(
    "/reports/high-volume-readers",
    response={200: list[ReaderVolumeOut], **ERRORS},
    summary="Users reading the most person records",
)
@api("audit.view")
def high_volume_readers(request, params: Query[PeriodParams]):
    require_step_up(request)
    return queries.high_volume_readers(request.actor, since=params.since, until=params.until)
