"""The custody reception and release API (mounted by oms.custody.api under /api/v1/custody).

Thin: parse, call one service or query, shape the answer. Screening health detail is returned only to
callers holding custody.view_screening_health (``null`` otherwise, with ``health_visible`` false).
A possible duplicate person answers 409 with the candidates, as the person API does. A record held outside
the caller's scope is found with ``POST /receptions/held-elsewhere`` and received with
``held_elsewhere_person_id``, through the same people-layer functions as the reception page (purpose
"reception", audited).
"""

import datetime as dt
import uuid
from typing import Annotated, Literal

from django.db import transaction
from ninja import Field, Path, Query, Router, Schema, Status

from oms.core.errors import RuleViolation
from oms.custody import queries, services
from oms.custody.models import CashEntry, CustodyEpisode, IntakeScreening, LawfulAuthority, PropertyItem
from oms.custody.services.release import RELEASE_REASONS
from oms.facilities.models import Location
from oms.people import queries as people_queries
from oms.people.models import Person, Sex
from oms.people.schemas import DuplicateOut
from oms.people.services import PossibleDuplicates
from oms.web.access import api
from oms.web.api_schemas import ERRORS, ErrorOut, StrictIn

router = Router(tags=["custody"])
MAX_ROW_ID = 2**62

AuthorityKind = Literal[tuple(LawfulAuthority.Kind.values)]
Risk = Literal[tuple(IntakeScreening.Risk.values)]
CellSharing = Literal[tuple(IntakeScreening.CellSharing.values)]
LegalStatusName = Literal[tuple(Person.LegalStatus.values)]
SecurityLevel = Literal[("", *Location.SecurityLevel.values)]
ReleaseReason = Literal[tuple(RELEASE_REASONS)]


# --- input -------------------------------------------------------------------------------------------


class NewPersonIn(StrictIn):
    family_name: str = Field(..., min_length=1, max_length=100)
    given_name: str = Field(..., min_length=1, max_length=100)
    middle_names: str = Field("", max_length=200)
    date_of_birth: dt.date | None = None
    sex: Literal[tuple(Sex.values)] = Sex.NOT_KNOWN.value
    nationality: str = Field("", max_length=100)


class AuthorityIn(StrictIn):
    kind: AuthorityKind
    reference: str = Field(..., min_length=1, max_length=60)
    issued_by: str = Field("", max_length=200)
    issued_on: dt.date | None = None
    expires_on: dt.date | None = None
    document_seen: bool = False


class PropertyIn(StrictIn):
    description: str = Field(..., min_length=1, max_length=200)
    quantity: int = Field(1, ge=1, le=10_000)
    seal_number: str = Field("", max_length=40)
    in_possession: bool = False


class ScreeningIn(StrictIn):
    health_concerns: bool = False
    health_notes: str | None = Field(None, max_length=5000)
    takes_medication: bool = False
    suicide_self_harm_risk: Risk = "none"
    suicide_self_harm_notes: str | None = Field(None, max_length=5000)
    victimisation_risk: Risk = "none"
    aggression_risk: Risk = "none"
    cell_sharing: CellSharing = "not_assessed"
    needs_accessible_cell: bool = False


class ReceptionIn(StrictIn):
    site_id: uuid.UUID
    legal_status: LegalStatusName
    person_id: uuid.UUID | None = None
    new_person: NewPersonIn | None = None
    # A record held outside the caller's scope, picked from POST /receptions/held-elsewhere. It goes with
    # ``new_person`` (the details typed, against which the pick is checked), never with ``person_id``.
    held_elsewhere_person_id: uuid.UUID | None = None
    duplicate_override_reason: str = Field("", max_length=500)
    booking_number: str = Field("", max_length=20)
    received_from: str = Field("", max_length=200)
    authorities: list[AuthorityIn] = Field(default_factory=list, max_length=20)
    security_level: SecurityLevel = ""
    property_items: list[PropertyIn] = Field(default_factory=list, max_length=200)
    cash_minor: int = Field(0, ge=0, lt=10**11)
    currency: str = Field("GBP", min_length=3, max_length=3)
    screening: ScreeningIn | None = None
    release_due_on: dt.date | None = None


class HeldElsewhereLookupIn(StrictIn):
    """The details typed about the person in front of the officer (never a free search)."""

    site_id: uuid.UUID
    family_name: str = Field(..., min_length=1, max_length=100)
    given_name: str = Field(..., min_length=1, max_length=100)
    date_of_birth: dt.date | None = None


class EndAuthorityIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=500)
    ended_on: dt.date | None = None


class ClosePropertyIn(StrictIn):
    outcome: Literal["returned", "disposed"]
    reason: str = Field("", max_length=500)


class CashIn(StrictIn):
    kind: Literal[tuple(CashEntry.Kind.values)]
    amount_minor: int = Field(..., gt=-(10**11), lt=10**11)
    currency: str = Field("GBP", min_length=3, max_length=3)
    note: str = Field("", max_length=200)


class ReleaseIn(StrictIn):
    reason: ReleaseReason
    court_order_reference: str = Field("", max_length=60)
    override_reason: str = Field("", max_length=500)


class ReleaseCheckParams(Schema):
    court_order_reference: str = Field("", max_length=60)


class ActionPlanParams(Schema):
    date: dt.date | None = None


# --- output ------------------------------------------------------------------------------------------


class WarningOut(Schema):
    code: str
    detail: str
    raised_at: str | None = None
    resolved_at: str | None = None


class AuthorityOut(Schema):
    id: int
    kind: str
    reference: str
    issued_by: str
    issued_on: dt.date | None
    expires_on: dt.date | None
    document_seen: bool
    ended_on: dt.date | None


class PropertyOut(Schema):
    id: int
    description: str
    quantity: int
    seal_number: str
    status: str
    closed_at: dt.datetime | None


class CashOut(Schema):
    id: int
    kind: str
    amount_minor: int
    currency: str
    note: str
    recorded_at: dt.datetime


class ScreeningOut(Schema):
    health_concerns: bool
    takes_medication: bool
    suicide_self_harm_risk: str
    victimisation_risk: str
    aggression_risk: str
    cell_sharing: str
    needs_accessible_cell: bool
    screened_at: dt.datetime
    health_visible: bool
    health_notes: str | None
    suicide_self_harm_notes: str | None


class EpisodeOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    system_number: str
    family_name: str
    given_name: str
    site: str
    booking_number: str
    status: str
    in_out: str
    in_reception: bool
    legal_status: str
    security_level: str
    received_at: dt.datetime
    received_from: str
    release_due_on: dt.date | None
    released_at: dt.datetime | None
    release_reason: str
    warnings: list[WarningOut]
    authorities: list[AuthorityOut]
    property_items: list[PropertyOut]
    cash_entries: list[CashOut]
    cash_balance_minor: int
    screening: ScreeningOut | None
    bed: str


class HeldElsewhereMatchOut(Schema):
    """The identifying minimum of a matching record held outside the caller's scope."""

    id: uuid.UUID
    family_name: str
    given_name: str
    date_of_birth: dt.date | None
    system_number: str
    matched_on: list[str]


class ReleaseCheckOut(Schema):
    code: str
    passed: bool
    message: str
    overridable: bool


class ReleaseRefusedOut(ErrorOut):
    checks: list[ReleaseCheckOut] = []  # the failed checks; empty for other 422 answers (bad input)


class ReceptionConflictOut(ErrorOut):
    candidates: list[DuplicateOut] = []  # possible duplicate people; empty for other conflicts (booking number)


class NotificationsOut(Schema):
    queued: list[str]


class PlanPersonOut(Schema):
    episode_id: uuid.UUID
    booking_number: str
    system_number: str
    name: str


class HeldPastOut(PlanPersonOut):
    basis: str
    since: dt.date | None
    days_over: int


class PlanMovementOut(PlanPersonOut):
    movement_id: uuid.UUID
    status: str
    scheduled_at: dt.datetime | None
    destination: str
    from_site: str
    to_site: str | None


class PlanAuthorityOut(PlanPersonOut):
    kind: str
    reference: str
    expires_on: dt.date


class PlanWatchOut(PlanPersonOut):
    reason: str
    interval_minutes: int
    next_due_at: dt.datetime
    overdue: bool


class PlanRecallOut(Schema):
    recall_id: uuid.UUID
    person_id: uuid.UUID
    system_number: str
    name: str
    recalled_on: dt.date
    licence_reference: str


class ActionPlanOut(Schema):
    site: str
    date: dt.date
    held_past_release: list[HeldPastOut]
    releases_due: list[PlanPersonOut]
    court_appearances: list[PlanMovementOut]
    transfers_out: list[PlanMovementOut]
    transfers_in: list[PlanMovementOut]
    authorities_expiring: list[PlanAuthorityOut]
    on_watch: list[PlanWatchOut]
    recalls_awaited: list[PlanRecallOut] = Field(
        default_factory=list, description="recalled from licence, expected back here (unlawfully at large)"
    )


# --- shaping -----------------------------------------------------------------------------------------


def _authority_out(a: LawfulAuthority) -> dict:
    fields = ("kind", "reference", "issued_by", "issued_on", "expires_on", "document_seen", "ended_on")
    return {"id": a.pk, **{f: getattr(a, f) for f in fields}}


def _property_out(p: PropertyItem) -> dict:
    return {"id": p.pk, **{f: getattr(p, f) for f in ("description", "quantity", "seal_number", "status", "closed_at")}}


def _cash_out(c: CashEntry) -> dict:
    return {"id": c.pk, **{f: getattr(c, f) for f in ("kind", "amount_minor", "currency", "note", "recorded_at")}}


def _episode_out(request, episode_id) -> dict:
    record = queries.reception_record(request.actor, episode_id)
    e: CustodyEpisode = record.episode
    screening = None
    if record.screening is not None:
        s = record.screening.screening
        screening = {
            **{
                f: getattr(s, f)
                for f in (
                    "health_concerns",
                    "takes_medication",
                    "suicide_self_harm_risk",
                    "victimisation_risk",
                    "aggression_risk",
                    "cell_sharing",
                    "needs_accessible_cell",
                    "screened_at",
                )
            },
            "health_visible": record.screening.health_visible,
            "health_notes": record.screening.health_notes,
            "suicide_self_harm_notes": record.screening.suicide_self_harm_notes,
        }
    return {
        "id": e.public_id,
        "person_id": e.person.public_id,
        "system_number": e.person.system_number,
        "family_name": e.person.family_name,
        "given_name": e.person.given_name,
        "site": e.site.code,
        **{
            f: getattr(e, f)
            for f in (
                "booking_number",
                "status",
                "in_out",
                "in_reception",
                "legal_status",
                "security_level",
                "received_at",
                "received_from",
                "release_due_on",
                "released_at",
                "release_reason",
            )
        },
        "warnings": record.warnings,
        "authorities": [_authority_out(a) for a in record.authorities],
        "property_items": [_property_out(p) for p in record.property_items],
        "cash_entries": [_cash_out(c) for c in record.cash_entries],
        "cash_balance_minor": record.cash_balance_minor,
        "screening": screening,
        "bed": record.bed_key,
    }


def _person(e: CustodyEpisode) -> dict:
    return {
        "episode_id": e.public_id,
        "booking_number": e.booking_number,
        "system_number": e.person.system_number,
        "name": f"{e.person.family_name.upper()}, {e.person.given_name}",
    }


def _movement(m) -> dict:
    return {
        **_person(m.episode),
        "movement_id": m.public_id,
        "status": m.status,
        "scheduled_at": m.scheduled_at,
        "destination": m.destination,
        "from_site": m.site.code,
        "to_site": m.to_site.code if m.to_site else None,
    }


def _rollback() -> None:
    """An answer given here instead of raised must still undo any partial write."""
    if transaction.get_connection().in_atomic_block:
        transaction.set_rollback(True)


# --- reception ---------------------------------------------------------------------------------------


@router.post(
    "/receptions",
    response={201: EpisodeOut, 409: ReceptionConflictOut, **{k: v for k, v in ERRORS.items() if k != 409}},
    summary="Receive a person into custody (problems are recorded as warnings, never a refusal)",
)
@api("custody.receive")
def receive(request, payload: ReceptionIn):
    if payload.held_elsewhere_person_id and payload.person_id:
        # The service would refuse too, but naming the clashing field tells an API client what to drop.
        raise RuleViolation(
            "Send either person_id or held_elsewhere_person_id, not both",
            code="custody.person_ambiguous",
            field="held_elsewhere_person_id",
        )
    data = payload.model_dump()
    new_person = data.pop("new_person")
    screening = data.pop("screening")
    try:
        episode = services.receive_person(
            request.actor,
            **{k: v for k, v in data.items() if k not in ("authorities", "property_items")},
            new_person=services.NewPerson(**new_person) if new_person else None,
            authorities=[services.NewAuthority(**a) for a in data["authorities"]],
            property_items=[services.NewPropertyItem(**i) for i in data["property_items"]],
            screening=services.Screening(**screening) if screening else None,
        )
    except PossibleDuplicates as error:
        _rollback()
        candidates = [
            {
                "id": c.person.public_id,
                "system_number": c.person.system_number,
                "family_name": c.person.family_name,
                "given_name": c.person.given_name,
                "date_of_birth": c.person.date_of_birth,
                "score": c.score,
                "reasons": list(c.reasons),
                "in_scope": True,
            }
            if c.in_scope
            else {"score": c.score, "reasons": [], "in_scope": False}
            for c in error.candidates
        ]
        return Status(409, {**error.as_dict(), "candidates": candidates})
    return Status(201, _episode_out(request, episode.public_id))


@router.post(
    "/receptions/held-elsewhere",
    response={200: list[HeldElsewhereMatchOut], **ERRORS},
    summary="Records held outside your access that match the person being received (audited)",
)
@api("custody.receive")
def held_elsewhere_matches(request, payload: HeldElsewhereLookupIn):
    """Records outside the caller's scope matching the details of the person physically present at a site
    in reach (custody.receive). The people layer shows only the identifying minimum and audits each
    record shown as ``people.present_person_match_viewed`` (purpose "reception"), as on the page. Records
    already in scope are left out: the caller receives those with ``person_id``."""
    site = queries.site_in_reach(request.actor, payload.site_id, permission="custody.receive")
    matches = people_queries.matches_for_present_person(
        request.actor,
        purpose="reception",
        site_id=site.pk,
        family_name=payload.family_name,
        given_name=payload.given_name,
        date_of_birth=payload.date_of_birth,
    )
    return Status(
        200,
        [
            {
                "id": m.public_id,
                "family_name": m.family_name,
                "given_name": m.given_name,
                "date_of_birth": m.date_of_birth,
                "system_number": m.system_number,
                "matched_on": list(m.matched_on),
            }
            for m in matches
            if not m.in_scope
        ],
    )


@router.get("/episodes/{episode_id}", response={200: EpisodeOut, **ERRORS}, summary="Read a custody episode")
@api("custody.view")
def read_episode(request, episode_id: uuid.UUID):
    return Status(200, _episode_out(request, episode_id))


@router.post(
    "/episodes/{episode_id}/authorities", response={201: AuthorityOut, **ERRORS}, summary="Add a lawful authority"
)
@api("custody.receive")
def add_authority(request, episode_id: uuid.UUID, payload: AuthorityIn):
    row = services.add_lawful_authority(
        request.actor, episode_id=episode_id, authority=services.NewAuthority(**payload.model_dump())
    )
    return Status(201, _authority_out(row))


@router.post(
    "/episodes/{episode_id}/authorities/{authority_id}/end",
    response={200: AuthorityOut, **ERRORS},
    summary="End a lawful authority (superseded, discharged, hold lifted)",
)
@api("custody.receive")
def end_authority(
    request, episode_id: uuid.UUID, authority_id: Annotated[int, Path(ge=1, le=MAX_ROW_ID)], payload: EndAuthorityIn
):
    row = services.end_lawful_authority(
        request.actor, episode_id=episode_id, authority_id=authority_id, **payload.model_dump()
    )
    return Status(200, _authority_out(row))


@router.post("/episodes/{episode_id}/property", response={201: PropertyOut, **ERRORS}, summary="Add a property item")
@api("custody.receive")
def add_property(request, episode_id: uuid.UUID, payload: PropertyIn):
    row = services.add_property_item(
        request.actor, episode_id=episode_id, item=services.NewPropertyItem(**payload.model_dump())
    )
    return Status(201, _property_out(row))


@router.post(
    "/episodes/{episode_id}/property/{item_id}/close",
    response={200: PropertyOut, **ERRORS},
    summary="Return a property item or dispose of it",
)
@api("custody.receive")
def close_property(
    request, episode_id: uuid.UUID, item_id: Annotated[int, Path(ge=1, le=MAX_ROW_ID)], payload: ClosePropertyIn
):
    row = services.close_property_item(request.actor, episode_id=episode_id, item_id=item_id, **payload.model_dump())
    return Status(200, _property_out(row))


@router.post(
    "/episodes/{episode_id}/cash", response={201: CashOut, **ERRORS}, summary="Record cash intake, return or adjustment"
)
@api("custody.receive")
def record_cash(request, episode_id: uuid.UUID, payload: CashIn):
    row = services.record_cash(request.actor, episode_id=episode_id, **payload.model_dump())
    return Status(201, _cash_out(row))


@router.put(
    "/episodes/{episode_id}/screening",
    response={200: EpisodeOut, **ERRORS},
    summary="Record or update intake screening (a null note is left as recorded)",
)
@api("custody.receive")
def record_screening(request, episode_id: uuid.UUID, payload: ScreeningIn):
    services.record_screening(
        request.actor, episode_id=episode_id, screening=services.Screening(**payload.model_dump())
    )
    return Status(200, _episode_out(request, episode_id))


# --- release -----------------------------------------------------------------------------------------


@router.get(
    "/episodes/{episode_id}/release-checks",
    response={200: list[ReleaseCheckOut], **ERRORS},
    summary="The release checks, each passed or failed with a plain message",
)
@api("custody.view")
def release_checks(request, episode_id: uuid.UUID, params: Query[ReleaseCheckParams]):
    checks = services.release_checks(request.actor, episode_id, court_order_reference=params.court_order_reference)
    return Status(200, [c.as_dict() for c in checks])


@router.post(
    "/episodes/{episode_id}/release-notifications",
    response={201: NotificationsOut, **ERRORS},
    summary="Queue the release notifications (police, probation, victim liaison) ahead of release",
)
@api("custody.release")
def queue_notifications(request, episode_id: uuid.UUID):
    return Status(201, {"queued": services.queue_release_notifications(request.actor, episode_id=episode_id)})


@router.post(
    "/episodes/{episode_id}/release",
    response={200: EpisodeOut, 422: ReleaseRefusedOut, **{k: v for k, v in ERRORS.items() if k != 422}},
    summary="Release a person after the release checks (422 lists the failed checks)",
)
@api("custody.release")
def release(request, episode_id: uuid.UUID, payload: ReleaseIn):
    try:
        services.release_person(request.actor, episode_id=episode_id, **payload.model_dump())
    except services.ReleaseRefused as refused:
        _rollback()
        return Status(422, {**refused.as_dict(), "checks": [c.as_dict() for c in refused.failed]})
    return Status(200, _episode_out(request, episode_id))


# --- daily action plan -------------------------------------------------------------------------------


@router.get(
    "/sites/{site_id}/action-plan",
    response={200: ActionPlanOut, **ERRORS},
    summary="The site's daily action plan (held past release first)",
)
@api("custody.view")
def action_plan(request, site_id: uuid.UUID, params: Query[ActionPlanParams]):
    plan = queries.action_plan(request.actor, site_id, params.date)
    now = plan.generated_at
    return Status(
        200,
        {
            "site": plan.site.code,
            "date": plan.day,
            "held_past_release": [
                {**_person(h.episode), "basis": h.basis, "since": h.since, "days_over": h.days_over}
                for h in plan.held_past_release
            ],
            "releases_due": [_person(e) for e in plan.releases_due],
            "court_appearances": [_movement(m) for m in plan.court_appearances],
            "transfers_out": [_movement(m) for m in plan.transfers_out],
            "transfers_in": [_movement(m) for m in plan.transfers_in],
            "authorities_expiring": [
                {**_person(a.episode), "kind": a.kind, "reference": a.reference, "expires_on": a.expires_on}
                for a in plan.authorities_expiring
            ],
            "on_watch": [
                {
                    **_person(p.episode),
                    "reason": p.reason,
                    "interval_minutes": p.interval_minutes,
                    "next_due_at": p.next_due_at,
                    "overdue": p.next_due_at < now,
                }
                for p in plan.on_watch
            ],
            "recalls_awaited": [
                {
                    "recall_id": r.public_id,
                    "person_id": r.person.public_id,
                    "system_number": r.person.system_number,
                    "name": f"{r.person.family_name.upper()}, {r.person.given_name}",
                    "recalled_on": r.recalled_on,
                    "licence_reference": r.licence_reference,
                }
                for r in plan.recalls_awaited
            ],
        },
    )
