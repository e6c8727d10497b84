"""The roll and formal counts API (mounted under /api/v1/custody by oms.custody.api): thin wrappers
over ``queries.roll``, ``queries.counts`` and ``services.counts``. Domain errors map to
``{"code", "detail", "field"}`` once, in oms/api.py. Inputs forbid unknown fields and bound strings."""

import datetime as dt
import uuid

from ninja import Field, Query, Router, Schema, Status

from oms.custody.queries import counts as count_queries
from oms.custody.queries import roll as roll_queries
from oms.custody.services import counts as services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router(tags=["custody"])


# --- schemas ---------------------------------------------------------------------------------------


class FiguresOut(Schema):
    population: int
    in_cell: int
    out: int
    out_outside: int
    out_internal: int
    certified_capacity: int
    working_capacity: int
    beds_in_use: int
    vacancies: int
    out_of_order: int
    in_reception: int
    en_route: int
    unallocated: int


class PersonOnRollOut(Schema):
    person_id: str
    name: str
    system_number: str
    booking_number: str
    unit: str
    cell: str
    bed: str
    status: str  # in_cell / outside / internal
    where: str
    movement_kind: str
    escort: str
    since: dt.datetime | None


class UnitRollOut(Schema):
    unit_id: str
    key: str
    name: str
    in_count: bool
    figures: FiguresOut
    people: list[PersonOnRollOut] = []


class EnRouteOut(Schema):
    person_id: str
    name: str
    system_number: str
    from_site: str
    escort: str
    since: dt.datetime | None


class RollOut(Schema):
    site_id: str
    site_code: str
    site_name: str
    as_at: dt.datetime
    totals: FiguresOut
    arrived_today: int
    left_today: int
    unlock_roll: int
    units: list[UnitRollOut]
    away: list[PersonOnRollOut]
    en_route_in: list[EnRouteOut]


class CountTimeIn(StrictIn):
    name: str = Field(max_length=60)
    time_of_day: dt.time


class CountTimeChangeIn(StrictIn):
    name: str | None = Field(default=None, max_length=60)
    time_of_day: dt.time | None = None
    active: bool | None = None


class CountTimeOut(Schema):
    id: int
    name: str
    time_of_day: dt.time
    active: bool


class StartCountIn(StrictIn):
    count_time_id: int | None = Field(default=None, ge=1, le=2**62)
    on: dt.date | None = None  # local date of a scheduled count; today by default
    emergency: bool = False
    reason: str = Field(default="", max_length=200)  # required for an emergency count
    unit_ids: list[uuid.UUID] | None = Field(default=None, max_length=200)
    two_officer: bool = False


class EntryIn(StrictIn):
    counted: int = Field(ge=-(2**31), le=2**31)  # negative is refused by the service with its own message
    on_paper: bool = False
    counted_at: dt.datetime | None = None


class ReasonIn(StrictIn):
    reason: str = Field(max_length=200)


class CountNoteIn(StrictIn):
    note: str = Field(default="", max_length=500)


class DiscrepancyIn(StrictIn):
    person_id: uuid.UUID | None = None
    description: str = Field(max_length=500)


class ResolutionIn(StrictIn):
    resolution: str = Field(max_length=500)


class EntryOut(Schema):
    officer: str
    counted: int | None  # null until every officer's figure is in (blind two-officer counting)
    counted_at: dt.datetime
    entered_at: dt.datetime
    on_paper: bool


class DiscrepancyOut(Schema):
    id: int
    person_id: str | None
    description: str
    resolution: str
    resolved_at: dt.datetime | None


class ExpectedPersonOut(Schema):
    person_id: str
    name: str
    system_number: str
    location: str
    present: bool
    where: str = ""
    escort: str = ""


class SessionOut(Schema):
    id: str
    unit_id: str
    unit: str
    status: str
    expected: int
    expected_people: list[ExpectedPersonOut]
    two_officer: bool
    officers_needed: int
    outcome: str
    counted: int | None
    difference: int | None
    on_paper: bool
    recount_of: str | None
    opened_at: dt.datetime
    cleared_at: dt.datetime | None
    clear_note: str
    entries: list[EntryOut]
    discrepancies: list[DiscrepancyOut]


class MovementDuringOut(Schema):
    id: str
    person_id: str
    name: str
    kind: str
    direction: str
    recorded_at: dt.datetime


class CountOut(Schema):
    id: str
    site_id: str
    name: str
    kind: str
    status: str
    timeliness: str
    reason: str
    due_at: dt.datetime
    started_at: dt.datetime
    cleared_at: dt.datetime | None
    sessions: list[SessionOut]
    movements_during_count: list[MovementDuringOut]


class HistoryRowOut(Schema):
    count_id: str | None
    name: str
    kind: str
    due_at: dt.datetime
    started_at: dt.datetime | None
    cleared_at: dt.datetime | None
    status: str
    timeliness: str
    reason: str


class HistoryOut(Schema):
    site_id: str
    since: dt.datetime
    late_tolerance_minutes: int
    late: int
    missed: int
    items: list[HistoryRowOut]


class HistoryParams(Schema):
    days: int = Field(default=7, ge=1, le=366)


# --- output ----------------------------------------------------------------------------------------


def _figures(figures) -> dict:
    return dict(figures.__dict__)


def _person(p) -> dict:
    return {**{k: getattr(p, k) for k in PersonOnRollOut.model_fields if k != "unit"}, "unit": p.unit_key}


def _unit(u) -> dict:
    return {
        "unit_id": u.unit_id,
        "key": u.key,
        "name": u.name,
        "in_count": u.in_count,
        "figures": _figures(u.figures),
        "people": [_person(p) for p in u.people],
    }


def _roll(r) -> dict:
    return {
        "site_id": r.site_id,
        "site_code": r.site_code,
        "site_name": r.site_name,
        "as_at": r.as_at,
        "totals": _figures(r.totals),
        "arrived_today": r.arrived_today,
        "left_today": r.left_today,
        "unlock_roll": r.unlock_roll,
        "units": [_unit(u) for u in r.units],
        "away": [_person(p) for p in r.away],
        "en_route_in": r.en_route_in,
    }


def _count_time(t) -> dict:
    return {"id": t.pk, "name": t.name, "time_of_day": t.time_of_day, "active": t.active}


def _session(v: count_queries.SessionView) -> dict:
    s = v.session
    return {
        "id": str(s.public_id),
        "unit_id": str(s.unit.public_id),
        "unit": v.unit_key,
        "status": s.status,
        "expected": s.expected,
        "expected_people": s.expected_people,
        "two_officer": s.two_officer,
        "officers_needed": v.officers_needed,
        "outcome": v.reconciliation.outcome,
        "counted": v.reconciliation.counted,
        "difference": v.reconciliation.difference,
        "on_paper": s.on_paper,
        "recount_of": str(s.recount_of.public_id) if s.recount_of_id else None,
        "opened_at": s.opened_at,
        "cleared_at": s.cleared_at,
        "clear_note": s.clear_note,
        "entries": [e.__dict__ for e in v.entries],
        "discrepancies": [_discrepancy(d) for d in v.discrepancies],
    }


def _discrepancy(d) -> dict:
    return {
        "id": d.pk,
        "person_id": str(d.person.public_id) if d.person_id else None,
        "description": d.description,
        "resolution": d.resolution,
        "resolved_at": d.resolved_at,
    }


def _count(v: count_queries.CountView) -> dict:
    c = v.count
    return {
        "id": str(c.public_id),
        "site_id": str(v.site.public_id),
        "name": v.name,
        "kind": c.kind,
        "status": c.status,
        "timeliness": v.timeliness,
        "reason": c.reason,
        "due_at": c.due_at,
        "started_at": c.started_at,
        "cleared_at": c.cleared_at,
        "sessions": [_session(s) for s in v.sessions],
        "movements_during_count": [
            {
                "id": str(m.public_id),
                "person_id": str(m.person.public_id),
                "name": f"{m.person.family_name.upper()}, {m.person.given_name}",
                "kind": m.kind,
                "direction": m.direction,
                "recorded_at": m.recorded_at,
            }
            for m in v.movements_during
        ],
    }


# --- roll ------------------------------------------------------------------------------------------


@router.get("/sites/{site_id}/roll", response={200: RollOut, **ERRORS}, summary="The live roll of a site")
@api("custody.view")
def site_roll(request, site_id: uuid.UUID):
    return Status(200, _roll(roll_queries.roll(request.actor, site_id)))


@router.get(
    "/sites/{site_id}/units/{unit_id}/roll",
    response={200: UnitRollOut, **ERRORS},
    summary="One unit's roll with the named list of who is where",
)
@api("custody.view")
def unit_roll(request, site_id: uuid.UUID, unit_id: uuid.UUID):
    return Status(200, _unit(roll_queries.unit_roll(request.actor, site_id, unit_id)))


# --- count times -----------------------------------------------------------------------------------


@router.get("/sites/{site_id}/count-times", response={200: list[CountTimeOut], **ERRORS}, summary="Count times")
@api("custody.view")
def list_count_times(request, site_id: uuid.UUID):
    _, times = count_queries.count_times(request.actor, site_id)
    return Status(200, [_count_time(t) for t in times])


@router.post("/sites/{site_id}/count-times", response={201: CountTimeOut, **ERRORS}, summary="Add a count time")
@api("custody.manage_counts")
def create_count_time(request, site_id: uuid.UUID, payload: CountTimeIn):
    made = services.create_count_time(
        request.actor, site_id=site_id, name=payload.name, time_of_day=payload.time_of_day
    )
    return Status(201, _count_time(made))


@router.patch("/count-times/{count_time_id}", response={200: CountTimeOut, **ERRORS}, summary="Change or (de)activate")
@api("custody.manage_counts")
def change_count_time(request, count_time_id: int, payload: CountTimeChangeIn):
    changed = services.update_count_time(request.actor, count_time_id=count_time_id, **payload.model_dump())
    return Status(200, _count_time(changed))


@router.delete(
    "/count-times/{count_time_id}",
    response={200: CountTimeOut, **ERRORS},
    summary="Retire a count time (deactivated, kept for the history of its counts)",
)
@api("custody.manage_counts")
def retire_count_time(request, count_time_id: int):
    return Status(
        200, _count_time(services.update_count_time(request.actor, count_time_id=count_time_id, active=False))
    )


# --- counts ----------------------------------------------------------------------------------------


@router.post("/sites/{site_id}/counts", response={201: CountOut, **ERRORS}, summary="Start a formal count")
@api("custody.count")
def start_count(request, site_id: uuid.UUID, payload: StartCountIn):
    count = services.start_count(
        request.actor,
        site_id=site_id,
        count_time_id=payload.count_time_id,
        on=payload.on,
        emergency=payload.emergency,
        emergency_reason=payload.reason,
        unit_ids=payload.unit_ids,
        two_officer=payload.two_officer,
    )
    return Status(201, _count(count_queries.count_view(count)))


@router.get(
    "/sites/{site_id}/counts", response={200: HistoryOut, **ERRORS}, summary="Count history with late and missed"
)
@api("custody.view")
def count_history(request, site_id: uuid.UUID, params: Query[HistoryParams]):
    history = count_queries.count_history(request.actor, site_id, days=params.days)
    return Status(
        200,
        {
            "site_id": str(history.site.public_id),
            "since": history.since,
            "late_tolerance_minutes": int(history.tolerance.total_seconds() // 60),
            "late": len(history.late),
            "missed": len(history.missed),
            "items": [r.__dict__ for r in history.rows],
        },
    )


@router.get("/counts/{count_id}", response={200: CountOut, **ERRORS}, summary="A count with its unit sessions")
@api("custody.view")
def get_count(request, count_id: uuid.UUID):
    return Status(200, _count(count_queries.get_count(request.actor, count_id)))


@router.post("/counts/{count_id}/clear", response={200: CountOut, **ERRORS}, summary="Clear the whole count")
@api("custody.manage_counts")
def clear_count(request, count_id: uuid.UUID, payload: CountNoteIn):
    count = services.clear_count(request.actor, count_id=count_id, note=payload.note)
    return Status(200, _count(count_queries.count_view(count)))


@router.post(
    "/count-sessions/{session_id}/entries", response={201: SessionOut, **ERRORS}, summary="Enter a unit's count"
)
@api("custody.count")
def enter_count(request, session_id: uuid.UUID, payload: EntryIn):
    services.enter_count(
        request.actor,
        session_id=session_id,
        counted=payload.counted,
        on_paper=payload.on_paper,
        counted_at=payload.counted_at,
    )
    return Status(201, _session(count_queries.get_session(request.actor, session_id)))


@router.post("/count-sessions/{session_id}/recount", response={201: SessionOut, **ERRORS}, summary="Order a recount")
@api("custody.manage_counts")
def recount(request, session_id: uuid.UUID, payload: ReasonIn):
    new = services.order_recount(request.actor, session_id=session_id, reason=payload.reason)
    return Status(201, _session(count_queries.get_session(request.actor, new.public_id)))


@router.post(
    "/count-sessions/{session_id}/discrepancies",
    response={201: DiscrepancyOut, **ERRORS},
    summary="Record a named discrepancy",
)
@api("custody.count")
def record_discrepancy(request, session_id: uuid.UUID, payload: DiscrepancyIn):
    made = services.record_discrepancy(
        request.actor, session_id=session_id, person_id=payload.person_id, description=payload.description
    )
    return Status(201, _discrepancy(made))


@router.post(
    "/count-sessions/{session_id}/discrepancies/{discrepancy_id}/resolve",
    response={200: DiscrepancyOut, **ERRORS},
    summary="Resolve a discrepancy",
)
@api("custody.count")
def resolve_discrepancy(request, session_id: uuid.UUID, discrepancy_id: int, payload: ResolutionIn):
    done = services.resolve_discrepancy(
        request.actor, session_id=session_id, discrepancy_id=discrepancy_id, resolution=payload.resolution
    )
    return Status(200, _discrepancy(done))


@router.post(
    "/count-sessions/{session_id}/clear", response={200: SessionOut, **ERRORS}, summary="Clear one unit's count"
)
@api("custody.manage_counts")
def clear_session(request, session_id: uuid.UUID, payload: CountNoteIn):
    services.clear_session(request.actor, session_id=session_id, note=payload.note)
    return Status(200, _session(count_queries.get_session(request.actor, session_id)))
