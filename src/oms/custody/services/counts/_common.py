"""Checks and helpers the count services share: limits, id and text validation, the session
lookup (locked, in reach) and opening a session with its roll snapshot."""

from __future__ import annotations

import datetime as dt

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.core.ids import parse_public_id
from oms.custody.models import Count, CountSession
from oms.custody.queries.roll import unit_people
from oms.facilities.models import Location, Site

MAX_COUNTED = 100_000  # no unit holds more; a larger figure is a typing slip
PAPER_ENTRY_WINDOW = dt.timedelta(hours=24)  # a paper count is entered within a day of being taken


def _text(value: str | None, *, field: str, code: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(f"Enter {label}.", code=code, field=field)
    if len(value) > max_length:
        raise RuleViolation(
            f"{label[0].upper()}{label[1:]} must be {max_length} characters or less.", code=code, field=field
        )
    return value


def _snapshot(site: Site, unit: Location) -> tuple[int, list[dict]]:
    """The unit's roll as the officers will check it: who should be in (present) and who is away,
    by name, with where and the responsible party."""
    people = unit_people(site, unit)
    rows = [
        {
            "person_id": p.person_id,
            "name": p.name,
            "system_number": p.system_number,
            "location": p.cell,
            "present": p.present,
            "where": p.where,
            "escort": p.escort,
        }
        for p in people
    ]
    return sum(1 for p in people if p.present), rows


def _open_session(count: Count, unit: Location, *, two_officer: bool, recount_of=None) -> CountSession:
    expected, people = _snapshot(count.site, unit)
    return CountSession.objects.create(
        count=count,
        unit=unit,
        expected=expected,
        expected_people=people,
        two_officer=two_officer,
        recount_of=recount_of,
        opened_at=clock.now(),
    )


def _session(actor: Actor, session_id, permission: str) -> CountSession:
    actor.require(permission)
    pk = parse_public_id(session_id, code="custody.count_session_not_found", detail="Count session not found.")
    session = (
        CountSession.objects.select_for_update(of=("self",))
        .select_related("count__site", "unit")
        .filter(public_id=pk)
        .first()
    )
    if session is None or not actor.can_reach_site(session.count.site_id, session.count.site.organisation_id):
        raise NotFound("Count session not found.", code="custody.count_session_not_found")
    return session


def _refuse_finished(session: CountSession) -> None:
    if session.status == CountSession.Status.CLEARED or session.count.status == Count.Status.CLEARED:
        raise Conflict("This unit's count is already cleared.", code="custody.count_session_already_cleared")
    if session.status == CountSession.Status.RECOUNT:
        raise Conflict(
            "This session was superseded by a recount: use the recount.", code="custody.count_session_superseded"
        )
