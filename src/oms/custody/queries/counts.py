"""Reading formal counts: count times, one count with its sessions, the count sheet, and the history
with late and missed counts. All need ``custody.view`` and the site in reach (else 404).

Two-officer counting is blind: while a session waits for its second figure nobody is shown the
first one (``SessionView.entries`` carries ``counted=None`` until both are in)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.core.ids import parse_public_id
from oms.custody.models import Count, CountDiscrepancy, CountSession, CountTime, Movement
from oms.custody.queries.episodes import site_in_reach
from oms.custody.rules import counts as rules
from oms.facilities.models import Site


def late_tolerance() -> dt.timedelta:
    """How long after its due time a count may be cleared and still be on time (setting
    ``CUSTODY_COUNT_LATE_MINUTES``, default 30 minutes)."""
    return dt.timedelta(minutes=int(getattr(settings, "CUSTODY_COUNT_LATE_MINUTES", 30)))


@dataclass(frozen=True)
class EntryView:
    officer: str
    counted: int | None  # None while the other officer's figure is awaited
    counted_at: dt.datetime
    entered_at: dt.datetime
    on_paper: bool


@dataclass
class SessionView:
    session: CountSession
    unit_key: str
    unit_name: str
    entries: list[EntryView]
    figures_hidden: bool
    officers_needed: int
    discrepancies: list[CountDiscrepancy]
    reconciliation: rules.Reconciliation

    @property
    def present(self) -> list[dict]:
        return [p for p in self.session.expected_people if p.get("present")]

    @property
    def away(self) -> list[dict]:
        return [p for p in self.session.expected_people if not p.get("present")]

    @property
    def is_current(self) -> bool:
        return self.session.status != CountSession.Status.RECOUNT

    @property
    def unresolved(self) -> int:
        return sum(1 for d in self.discrepancies if d.resolved_at is None)


@dataclass
class CountView:
    count: Count
    site: Site
    name: str
    sessions: list[SessionView]  # current sessions first (by unit), superseded ones after
    movements_during: list[Movement]
    timeliness: str

    @property
    def current(self) -> list[SessionView]:
        return [s for s in self.sessions if s.is_current]

    @property
    def superseded(self) -> list[SessionView]:
        return [s for s in self.sessions if not s.is_current]

    @property
    def all_sessions_cleared(self) -> bool:
        return all(s.session.status == CountSession.Status.CLEARED for s in self.current)


def _officer_name(user) -> str:
    full = f"{user.first_name} {user.last_name}".strip()
    return full or user.username


def session_view(session: CountSession) -> SessionView:
    entries = sorted(session.entries.all(), key=lambda e: e.entered_at)
    needed = rules.officers_needed(session.two_officer)
    result = rules.reconcile(session.expected, [e.counted for e in entries], two_officer=session.two_officer)
    hidden = result.outcome == rules.WAITING
    return SessionView(
        session=session,
        unit_key=session.unit.key,
        unit_name=session.unit.name or session.unit.key,
        entries=[
            EntryView(_officer_name(e.officer), None if hidden else e.counted, e.counted_at, e.entered_at, e.on_paper)
            for e in entries
        ],
        figures_hidden=hidden,
        officers_needed=needed,
        discrepancies=sorted(session.discrepancies.all(), key=lambda d: d.pk),
        reconciliation=result,
    )


def _count_name(count: Count) -> str:
    if count.kind == Count.Kind.EMERGENCY:
        return "Emergency count"
    return count.count_time.name if count.count_time else "Scheduled count"


def count_view(count: Count) -> CountView:
    sessions = (
        count.sessions.select_related("unit")
        .prefetch_related("entries__officer", "discrepancies__person")
        .order_by("unit__key", "opened_at", "id")
    )
    views = [session_view(s) for s in sessions]
    views.sort(key=lambda v: (not v.is_current, v.unit_key, v.session.opened_at))
    until = count.cleared_at or clock.now()
    movements = list(
        Movement.objects.filter(
            site=count.site, during_uncleared_count=True, recorded_at__gte=count.started_at, recorded_at__lte=until
        )
        .select_related("person", "to_location", "from_location")
        .order_by("recorded_at", "id")
    )
    return CountView(
        count=count,
        site=count.site,
        name=_count_name(count),
        sessions=views,
        movements_during=movements,
        timeliness=rules.timeliness(count.due_at, count.cleared_at, clock.now(), late_tolerance()),
    )


def get_count(actor: Actor, count_id) -> CountView:
    """One count with every unit session, the entries (blind while waiting), discrepancies and the
    movements recorded while it was not cleared."""
    actor.require("custody.view")
    count = (
        Count.objects.select_related("site", "count_time", "started_by", "cleared_by")
        .filter(public_id=parse_public_id(count_id, code="custody.count_not_found"))
        .first()
    )
    if count is None or not actor.can_reach_site(count.site_id, count.site.organisation_id):
        raise NotFound("Count not found.", code="custody.count_not_found")
    return count_view(count)


def get_session(actor: Actor, session_id) -> SessionView:
    actor.require("custody.view")
    session = (
        CountSession.objects.select_related("count__site", "unit")
        .filter(public_id=parse_public_id(session_id, code="custody.count_session_not_found"))
        .first()
    )
    if session is None or not actor.can_reach_site(session.count.site_id, session.count.site.organisation_id):
        raise NotFound("Count session not found.", code="custody.count_session_not_found")
    return session_view(session)


def count_times(actor: Actor, site_id) -> tuple[Site, list[CountTime]]:
    site = site_in_reach(actor, site_id)
    return site, list(CountTime.objects.filter(site=site).order_by("-active", "time_of_day"))


def open_count(actor: Actor, site_id) -> tuple[Site, CountView | None]:
    """The count in progress at the site, if any (for the count sheet and the counts page)."""
    site = site_in_reach(actor, site_id)
    count = (
        Count.objects.select_related("site", "count_time")
        .filter(site=site, status=Count.Status.IN_PROGRESS)
        .order_by("-started_at")
        .first()
    )
    return site, count_view(count) if count else None


@dataclass(frozen=True)
class HistoryRow:
    count_id: str | None  # None for a missed count
    name: str
    kind: str
    due_at: dt.datetime
    started_at: dt.datetime | None
    cleared_at: dt.datetime | None
    status: str  # in_progress / cleared / missed
    timeliness: str  # on_time / late / in_progress / overdue / missed
    reason: str = ""


@dataclass
class CountHistory:
    site: Site
    since: dt.datetime
    tolerance: dt.timedelta
    rows: list[HistoryRow] = field(default_factory=list)

    @property
    def late(self) -> list[HistoryRow]:
        return [r for r in self.rows if r.timeliness in (rules.LATE, rules.OVERDUE)]

    @property
    def missed(self) -> list[HistoryRow]:
        return [r for r in self.rows if r.timeliness == "missed"]


def _configured_since(count_time_ids: list[int]) -> dict[int, dt.datetime]:
    """When each count time was created, from its audit event: a count time added today is not
    reported missed for the days before it existed."""
    events = AuditEvent.objects.filter(
        action="custody.count_time_created", object_type="count_time", object_id__in=[str(i) for i in count_time_ids]
    ).values_list("object_id", "occurred_at")
    return {int(object_id): occurred for object_id, occurred in events}


def missed_slots(site: Site, *, days: int, started: set | None = None) -> list[rules.CountSlot]:
    """Count times at ``site`` over the last ``days`` local days (today included) that were due, are
    past the late tolerance, and have no count started."""
    now = clock.now()
    today = rules.local_date(now, site.time_zone)
    first_day = today - dt.timedelta(days=days - 1)
    if started is None:
        since = rules.local_day_start(rules.due_at(first_day, dt.time(12), site.time_zone), site.time_zone)
        started = set(
            Count.objects.filter(site=site, due_at__gte=since, count_time__isnull=False).values_list(
                "count_time_id", "due_at"
            )
        )
    times = list(CountTime.objects.filter(site=site, active=True))
    configured = _configured_since([t.pk for t in times])
    return rules.missed_slots(
        [(t.pk, t.name, t.time_of_day, configured.get(t.pk)) for t in times],
        days=[first_day + dt.timedelta(days=n) for n in range(days)],
        time_zone=site.time_zone,
        started=started,
        now=now,
        tolerance=late_tolerance(),
    )


def count_history(actor: Actor, site_id, *, days: int = 7) -> CountHistory:
    """Counts due over the last ``days`` local days (today included), newest first, each marked on
    time, late (cleared more than the tolerance after due), overdue or in progress; and missed
    count times (due, past the tolerance, and never started)."""
    site = site_in_reach(actor, site_id)
    days = max(1, min(int(days), 366))
    now = clock.now()
    today = rules.local_date(now, site.time_zone)
    first_day = today - dt.timedelta(days=days - 1)
    since = rules.local_day_start(rules.due_at(first_day, dt.time(12), site.time_zone), site.time_zone)
    tolerance = late_tolerance()
    history = CountHistory(site=site, since=since, tolerance=tolerance)
    counts = list(
        Count.objects.filter(site=site, due_at__gte=since).select_related("count_time").order_by("-due_at", "-id")
    )
    for count in counts:
        history.rows.append(
            HistoryRow(
                count_id=str(count.public_id),
                name=_count_name(count),
                kind=count.kind,
                due_at=count.due_at,
                started_at=count.started_at,
                cleared_at=count.cleared_at,
                status=count.status,
                timeliness=rules.timeliness(count.due_at, count.cleared_at, now, tolerance),
                reason=count.reason,
            )
        )
    started = {(c.count_time_id, c.due_at) for c in counts if c.count_time_id}
    missed = missed_slots(site, days=days, started=started)
    for slot in missed:
        history.rows.append(
            HistoryRow(
                count_id=None,
                name=slot.name,
                kind=Count.Kind.SCHEDULED,
                due_at=slot.due_at,
                started_at=None,
                cleared_at=None,
                status="missed",
                timeliness="missed",
            )
        )
    history.rows.sort(key=lambda r: r.due_at, reverse=True)
    return history
