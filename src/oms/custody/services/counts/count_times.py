"""Formal count times per site: create, rename, move, (de)activate."""

from __future__ import annotations

import datetime as dt

from oms.audit.services import record_event
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.custody.models import CountTime
from oms.custody.queries.episodes import site_in_reach
from oms.custody.services.counts._common import _text
from oms.facilities.models import Site


def _count_time_in_reach(actor: Actor, count_time_id) -> CountTime:
    actor.require("custody.manage_counts")
    try:
        pk = int(count_time_id)
    except (TypeError, ValueError):
        pk = 0
    count_time = CountTime.objects.select_related("site").filter(pk=pk).first() if 0 < pk < 2**62 else None
    if count_time is None or not actor.can_reach_site(count_time.site_id, count_time.site.organisation_id):
        raise NotFound("Count time not found.", code="custody.count_time_not_found")
    return count_time


def _refuse_duplicate_time(site: Site, time_of_day: dt.time, exclude_pk: int | None = None) -> None:
    clash = CountTime.objects.filter(site=site, time_of_day=time_of_day, active=True).exclude(pk=exclude_pk)
    if clash.exists():
        raise Conflict(
            f"There is already a count at {time_of_day:%H:%M} at this site.",
            code="custody.count_time_duplicate",
            field="time_of_day",
        )


def create_count_time(actor: Actor, *, site_id, name: str, time_of_day: dt.time) -> CountTime:
    """Add a formal count time at a site (local wall time). ``custody.manage_counts``; audited
    ``custody.count_time_created``. Two active count times at the same minute are refused."""
    actor.require("custody.manage_counts")
    site = site_in_reach(actor, site_id, permission="custody.manage_counts")
    name = _text(name, field="name", code="custody.count_time_name", label="a name for the count", max_length=60)
    if not isinstance(time_of_day, dt.time):
        raise RuleViolation("Enter the time of the count.", code="custody.count_time_time", field="time_of_day")
    time_of_day = time_of_day.replace(second=0, microsecond=0, tzinfo=None)
    _refuse_duplicate_time(site, time_of_day)
    count_time = CountTime.objects.create(site=site, name=name, time_of_day=time_of_day)
    record_event(
        actor,
        "custody.count_time_created",
        object_type="count_time",
        object_id=count_time.pk,
        site_id=site.pk,
        changed_fields=["name", "time_of_day"],
        details={"time_of_day": time_of_day.strftime("%H:%M")},
    )
    return count_time


def update_count_time(
    actor: Actor, *, count_time_id, name: str | None = None, time_of_day: dt.time | None = None, active=None
) -> CountTime:
    """Rename, move or (de)activate a count time (a count time is never deleted: its counts keep it).
    ``custody.manage_counts``; audited ``custody.count_time_changed`` with the fields changed."""
    count_time = _count_time_in_reach(actor, count_time_id)
    changed = []
    if name is not None:
        name = _text(name, field="name", code="custody.count_time_name", label="a name for the count", max_length=60)
        if name != count_time.name:
            count_time.name, changed = name, [*changed, "name"]
    if time_of_day is not None:
        time_of_day = time_of_day.replace(second=0, microsecond=0, tzinfo=None)
        if time_of_day != count_time.time_of_day:
            count_time.time_of_day, changed = time_of_day, [*changed, "time_of_day"]
    if active is not None and bool(active) != count_time.active:
        count_time.active, changed = bool(active), [*changed, "active"]
    if not changed:
        return count_time
    if count_time.active:
        _refuse_duplicate_time(count_time.site, count_time.time_of_day, exclude_pk=count_time.pk)
    count_time.save(update_fields=changed)
    record_event(
        actor,
        "custody.count_time_changed",
        object_type="count_time",
        object_id=count_time.pk,
        site_id=count_time.site_id,
        changed_fields=changed,
        details={"time_of_day": count_time.time_of_day.strftime("%H:%M"), "active": count_time.active},
    )
    return count_time
