"""Sentencing API: stored calculations, key dates, overrides and facility profiles (``router``, under
/api/v1/sentencing) and the engine without saving (``preview_router``, under /api/v1/release-dates).

Thin: parse, call one service or query, shape the answer. The preview takes the documented JSON
request format (docs/sentencing-calculations.md); an input the engine refuses answers 422 with the
path of the offending part in ``field`` (``sentences[1].sentenced_on``).
"""

import datetime as dt
import json
import uuid
from typing import Any

from ninja import Field, Router, Schema, Status

from oms.core.errors import RuleViolation
from oms.sentencing.models import Calculation, DateOverride
from oms.sentencing.queries import calculations as queries
from oms.sentencing.services import calculations as services
from oms.sentencing.services import overrides as override_services
from oms.sentencing.services import profiles as profile_services
from oms.web.access import AUTHENTICATED, api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router()
preview_router = Router(tags=["release dates"])


# --- schemas -----------------------------------------------------------------------------------------


class ManualCalculationIn(StrictIn):
    reason: str = Field("", max_length=500)


class CalculationSummaryOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    profile: str
    profile_version: str
    reason: str
    reason_detail: str
    release_date: dt.date | None
    release_date_type: str
    changes: list[dict]
    is_latest: bool
    calculated_at: dt.datetime
    calculated_by: str | None


class CalculationOut(CalculationSummaryOut):
    previous_id: uuid.UUID | None
    result: dict[str, Any]
    inputs: dict[str, Any]


class OverrideOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    date_type: str
    overridden_date: dt.date
    calculated_date: dt.date | None
    reason: str
    authorised_by: str
    authorised_at: dt.datetime
    status: str
    withdrawn_by: str | None
    withdrawn_at: dt.datetime | None
    withdrawn_reason: str


class KeyDateOut(Schema):
    type: str
    title: str
    calculated: dt.date | None
    overridden: dt.date | None
    effective: dt.date | None
    moved_since_override: bool
    is_release_date: bool
    override_id: uuid.UUID | None


class KeyDatesOut(Schema):
    person_id: uuid.UUID
    calculation_id: uuid.UUID | None
    release_date: dt.date | None
    release_date_type: str
    dates: list[KeyDateOut]


class OverrideIn(StrictIn):
    date_type: str = Field(..., max_length=10)
    date: dt.date
    reason: str = Field(..., max_length=1000)


class OverrideWithdrawIn(StrictIn):
    reason: str = Field(..., max_length=500)


class SiteProfileOut(Schema):
    site_id: uuid.UUID
    site_code: str
    site_name: str
    profile: str
    is_default: bool


class SiteProfileIn(StrictIn):
    profile: str = Field(..., max_length=60)


class SiteProfileChangeOut(SiteProfileOut):
    recalculation: dict[str, Any]


class ReleaseDatePreviewOut(Schema):
    profile: str
    profile_version: str
    release_date_type: str | None
    release_date: dt.date | None
    effective_sentence_length: str
    dates: dict[str, Any]
    steps: list[dict]
    warnings: list[str]


def _user(user) -> str | None:
    return user.username if user is not None else None


def _summary(c: Calculation) -> dict:
    return {
        "id": c.public_id,
        "person_id": c.person.public_id,
        "profile": c.profile_code,
        "profile_version": c.profile_version,
        "reason": c.reason,
        "reason_detail": c.reason_detail,
        "release_date": c.release_date,
        "release_date_type": c.release_date_type,
        "changes": c.changes,
        "is_latest": c.is_latest,
        "calculated_at": c.calculated_at,
        "calculated_by": _user(c.calculated_by),
    }


def _calculation(c: Calculation) -> dict:
    return {
        **_summary(c),
        "previous_id": c.previous.public_id if c.previous_id else None,
        "result": c.result,
        "inputs": c.inputs,
    }


def _override(o: DateOverride) -> dict:
    return {
        "id": o.public_id,
        "person_id": o.person.public_id,
        "date_type": o.date_type,
        "overridden_date": o.overridden_date,
        "calculated_date": o.calculated_date,
        "reason": o.reason,
        "authorised_by": o.authorised_by.username,
        "authorised_at": o.authorised_at,
        "status": o.status,
        "withdrawn_by": _user(o.withdrawn_by),
        "withdrawn_at": o.withdrawn_at,
        "withdrawn_reason": o.withdrawn_reason,
    }


def _key_dates(k: queries.KeyDates) -> dict:
    return {
        "person_id": k.person.public_id,
        "calculation_id": k.calculation.public_id if k.calculation else None,
        "release_date": k.release_date,
        "release_date_type": k.release_date_type,
        "dates": [
            {
                "type": d.type,
                "title": d.title,
                "calculated": d.calculated,
                "overridden": d.override.overridden_date if d.override else None,
                "effective": d.effective,
                "moved_since_override": d.moved_since_override,
                "is_release_date": d.is_release_date,
                "override_id": d.override.public_id if d.override else None,
            }
            for d in k.dates
        ],
    }


def _reloaded(c: Calculation) -> Calculation:
    return Calculation.objects.select_related("person", "calculated_by", "previous").get(pk=c.pk)


# --- calculations ------------------------------------------------------------------------------------


@router.get(
    "/people/{person_id}/calculations",
    response={200: list[CalculationSummaryOut], **ERRORS},
    summary="A person's calculations, newest first, each with the dates that changed",
)
@api("sentencing.view")
def list_calculations(request, person_id: str):
    person, calculations = queries.calculation_history(request.actor, person_id)
    for c in calculations:
        c.person = person
    return [_summary(c) for c in calculations]


@router.post(
    "/people/{person_id}/calculations",
    response={201: CalculationOut, **ERRORS},
    summary="Calculate a person's release dates now and store the calculation (manual request)",
)
@api("sentencing.calculate")
def request_calculation(request, person_id: str, payload: ManualCalculationIn):
    calculation = services.request_calculation(request.actor, person_id=person_id, detail=payload.reason)
    return Status(201, _calculation(_reloaded(calculation)))


@router.get(
    "/calculations/{calculation_id}",
    response={200: CalculationOut, **ERRORS},
    summary="One stored calculation: inputs, profile version, dates with their explanation, warnings",
)
@api("sentencing.view")
def get_calculation(request, calculation_id: str):
    return _calculation(queries.get_calculation(request.actor, calculation_id))


@router.get(
    "/people/{person_id}/key-dates",
    response={200: KeyDatesOut, **ERRORS},
    summary="A person's key dates: the latest calculation with active overrides applied",
)
@api("sentencing.view")
def key_dates(request, person_id: str):
    return _key_dates(queries.key_dates_for(request.actor, person_id))


# --- overrides -------------------------------------------------------------------------------------


@router.get(
    "/people/{person_id}/overrides",
    response={200: list[OverrideOut], **ERRORS},
    summary="A person's date overrides, active and withdrawn",
)
@api("sentencing.view")
def list_overrides(request, person_id: str):
    _, overrides = queries.overrides_for(request.actor, person_id)
    return [_override(o) for o in overrides]


@router.post(
    "/people/{person_id}/overrides",
    response={201: OverrideOut, **ERRORS},
    summary="Override one date type with a reason (the caller is the authoriser)",
)
@api("sentencing.override_dates")
def override_date(request, person_id: str, payload: OverrideIn):
    override = override_services.override_date(
        request.actor, person_id=person_id, date_type=payload.date_type, new_date=payload.date, reason=payload.reason
    )
    return Status(201, _override(DateOverride.objects.select_related("person", "authorised_by").get(pk=override.pk)))


@router.post(
    "/overrides/{override_id}/withdraw",
    response={200: OverrideOut, **ERRORS},
    summary="Withdraw an active override with a reason; the calculated date applies again",
)
@api("sentencing.override_dates")
def withdraw_override(request, override_id: str, payload: OverrideWithdrawIn):
    override = override_services.withdraw_override(request.actor, override_id=override_id, reason=payload.reason)
    return _override(DateOverride.objects.select_related("person", "authorised_by", "withdrawn_by").get(pk=override.pk))


# --- facility profiles -----------------------------------------------------------------------------


def _site_profile(choice: profile_services.ProfileChoice) -> dict:
    return {
        "site_id": choice.site.public_id,
        "site_code": choice.site.code,
        "site_name": choice.site.name,
        "profile": choice.profile_code,
        "is_default": choice.is_default,
    }


@router.get(
    "/site-profiles",
    response={200: list[SiteProfileOut], **ERRORS},
    summary="The release-date profile of every facility in reach",
)
@api(AUTHENTICATED)  # sentencing.view or sentencing.manage_profiles: the service decides
def list_site_profiles(request):
    return [_site_profile(c) for c in profile_services.site_profiles(request.actor)]


@router.put(
    "/site-profiles/{site_id}",
    response={200: SiteProfileChangeOut, **ERRORS},
    summary="Choose a facility's release-date profile; everyone held there is recalculated",
)
@api("sentencing.manage_profiles")
def choose_site_profile(request, site_id: str, payload: SiteProfileIn):
    choice, outcome = profile_services.choose_site_profile(request.actor, site_id=site_id, profile_code=payload.profile)
    return {**_site_profile(choice), "recalculation": outcome.as_dict()}


# --- preview ----------------------------------------------------------------------------------------


@preview_router.post(
    "/calculate",
    response={200: ReleaseDatePreviewOut, **ERRORS},
    summary="Calculate release dates from a request in the documented JSON format, without saving",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "description": "The release-date request format (docs/sentencing-calculations.md).",
                        "properties": {
                            "profile": {"type": "string"},
                            "date_of_birth": {"type": "string", "format": "date"},
                            "sentences": {"type": "array", "items": {"type": "object"}},
                            "adjustments": {"type": "array", "items": {"type": "object"}},
                            "facts": {"type": "object"},
                        },
                    }
                }
            },
            "required": True,
        }
    },
)
@api("sentencing.view")
def preview(request):
    # Read by hand rather than through a schema: the engine's own parser gives the field path
    # of whatever is wrong (sentences.1.sentenced_on), which is what a partner needs to fix a request.
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise RuleViolation("The request body is not valid JSON.", code="validation_error") from None
    _, result = services.preview_calculation(request.actor, body)
    return result.as_dict()
