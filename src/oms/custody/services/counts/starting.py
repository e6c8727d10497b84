"""Starting a formal count (scheduled or emergency): one session per unit in count, each with the
roll snapshot it is checked against."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.core.ids import parse_public_id
from oms.custody.models import Count, CountTime
from oms.custody.queries.episodes import site_in_reach
from oms.custody.rules import counts as rules
from oms.custody.services.counts._common import _open_session, _text
from oms.facilities.models import Location, Site


def _units_to_count(site: Site, unit_ids) -> list[Location]:
    units = Location.objects.filter(site=site, parent__isnull=True, residential=True, active=True).order_by("key")
    in_count = [u for u in units if u.in_count]
    if unit_ids is None:
        chosen = in_count
    else:
        wanted = [parse_public_id(u, code="custody.unit_not_in_count", detail="Unit not found.") for u in unit_ids]
        by_id = {u.public_id: u for u in in_count}
        missing = [u for u in wanted if u not in by_id]
        if missing:
            raise RuleViolation(
                "A unit chosen is not counted at this site (not a unit here, inactive, or out of count).",
                code="custody.unit_not_in_count",
                field="unit_ids",
            )
        chosen = [by_id[u] for u in dict.fromkeys(wanted)]
    if not chosen:
        raise RuleViolation("This site has no units in count.", code="custody.no_units_in_count", field="unit_ids")
    return chosen


def start_count(
    actor: Actor,
    *,
    site_id,
    count_time_id=None,
    on: dt.date | None = None,
    emergency_reason: str = "",
    emergency: bool = False,
    unit_ids=None,
    two_officer: bool = False,
) -> Count:
    """Start a formal count: one session per unit in count (or the units named), each with the roll
    snapshot it is checked against. A scheduled count names its count time and the local date (today
    by default); an emergency count needs ``custody.manage_counts`` and a reason. Only one count runs
    at a site at a time. ``custody.count``; audited ``custody.count_started``."""
    actor.require("custody.count")
    emergency = emergency or bool((emergency_reason or "").strip())
    if emergency:
        actor.require("custody.manage_counts")
    site = site_in_reach(actor, site_id, permission="custody.count")
    # Lock the site row so two officers starting the same count at once get one count and one refusal.
    Site.objects.select_for_update().filter(pk=site.pk).first()
    now = clock.now()
    count_time = None
    if emergency:
        reason = _text(emergency_reason, field="reason", code="custody.emergency_reason", label="why", max_length=200)
        kind, due = Count.Kind.EMERGENCY, now
    else:
        if count_time_id in (None, ""):
            raise RuleViolation(
                "Choose the count time, or call an emergency count with a reason.",
                code="custody.count_time_required",
                field="count_time",
            )
        count_time = _count_time_in_reach_for_count(actor, count_time_id, site)
        day = on or rules.local_date(now, site.time_zone)
        kind, due, reason = Count.Kind.SCHEDULED, rules.due_at(day, count_time.time_of_day, site.time_zone), ""
        if Count.objects.filter(site=site, count_time=count_time, due_at=due).exists():
            raise Conflict("That count has already been started.", code="custody.count_already_started")
    running = Count.objects.filter(site=site, status=Count.Status.IN_PROGRESS).first()
    if running is not None:
        raise Conflict(
            "A count is already in progress at this site: clear it first.",
            code="custody.count_in_progress",
        )
    units = _units_to_count(site, unit_ids)
    try:
        with transaction.atomic():
            count = Count.objects.create(
                site=site,
                count_time=count_time,
                kind=kind,
                due_at=due,
                started_at=now,
                started_by_id=actor.user_id,
                reason=reason,
            )
    except IntegrityError:
        raise Conflict("That count has already been started.", code="custody.count_already_started")
    for unit in units:
        _open_session(count, unit, two_officer=two_officer)
    record_event(
        actor,
        "custody.count_started",
        object_type="count",
        object_id=count.public_id,
        site_id=site.pk,
        changed_fields=["status"],
        details={
            "kind": kind,
            "due_at": due.isoformat(),
            "units": [u.key for u in units],
            "two_officer": two_officer,
        },
        reason=reason,
    )
    return count


def _count_time_in_reach_for_count(actor: Actor, count_time_id, site: Site) -> CountTime:
    try:
        pk = int(count_time_id)
    except (TypeError, ValueError):
        pk = 0
    count_time = CountTime.objects.filter(pk=pk, site=site, active=True).first() if 0 < pk < 2**62 else None
    if count_time is None:
        raise RuleViolation(
            "Choose one of this site's count times.", code="custody.count_time_unknown", field="count_time"
        )
    return count_time
