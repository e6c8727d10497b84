"""The daily action plan of one site: what must happen today, and who is held without a current basis.

"Anyone held past their release date" is a real, litigated failure of jails when court outcomes do not
reach them (domain-rules), so it comes first. The release date is sentencing's key release date (the
latest calculation with an active override applied, read in the same query through
``oms.sentencing.queries.calculations.key_release_date_expression``) when the person has one, so a
calculation made before reception or an override made a minute ago counts; otherwise the release date
recorded on the episode; otherwise the latest expiry of the open lawful authorities. A person with
neither a release date nor any open authority is listed too (held with no recorded basis at all).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Max, Q
from django.db.models.functions import Coalesce

from oms.core import clock
from oms.core.actor import Actor
from oms.custody.models import CustodyEpisode, LawfulAuthority, Movement, ObservationPlan, Recall
from oms.custody.queries.episodes import site_in_reach
from oms.custody.rules import reception as rules
from oms.facilities.models import Site
from oms.sentencing.queries.calculations import key_release_date_expression, key_release_type_expression


@dataclass(frozen=True)
class HeldPast:
    episode: CustodyEpisode
    since: dt.date | None  # the release date or authority expiry passed; None = no basis recorded
    basis: str  # "release_date", "authority_expired" or "no_authority"
    days_over: int
    release_date_type: str = ""  # e.g. "CRD" when the date comes from a sentence calculation


@dataclass
class ActionPlan:
    site: Site
    day: dt.date
    held_past_release: list[HeldPast] = field(default_factory=list)
    releases_due: list[CustodyEpisode] = field(default_factory=list)
    court_appearances: list[Movement] = field(default_factory=list)
    transfers_out: list[Movement] = field(default_factory=list)
    transfers_in: list[Movement] = field(default_factory=list)
    authorities_expiring: list[LawfulAuthority] = field(default_factory=list)
    on_watch: list[ObservationPlan] = field(default_factory=list)
    # Recalled from licence and expected back here, longest at large first (custody.services.recalls).
    recalls_awaited: list[Recall] = field(default_factory=list)
    generated_at: dt.datetime | None = None


def _local_day_bounds(site: Site, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The site's calendar day as an aware [start, end) range: scheduled times are instants, the plan
    is the local day the staff work."""
    try:
        zone = ZoneInfo(site.time_zone)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=1)).astimezone(dt.UTC)


def _held_past_release(active, day: dt.date) -> list[HeldPast]:
    held: list[HeldPast] = []
    for episode in active.filter(due_on__lt=day):
        over = (day - episode.due_on).days
        held.append(HeldPast(episode, episode.due_on, "release_date", over, episode.due_type or ""))
    open_authority = Q(authorities__ended_on__isnull=True)
    undated = active.filter(due_on__isnull=True).annotate(
        open_authorities=Count("authorities", filter=open_authority),
        open_without_expiry=Count("authorities", filter=open_authority & Q(authorities__expires_on__isnull=True)),
        latest_expiry=Max("authorities__expires_on", filter=open_authority),
    )
    for episode in undated.filter(Q(open_authorities=0) | Q(open_without_expiry=0, latest_expiry__lt=day)):
        if episode.open_authorities == 0:
            held.append(HeldPast(episode, None, "no_authority", (day - episode.received_at.date()).days))
            continue
        since = rules.held_past_release(today=day, release_due_on=None, latest_authority_expiry=episode.latest_expiry)
        if since is not None:
            held.append(HeldPast(episode, since, "authority_expired", (day - since).days))
    return sorted(held, key=lambda h: (-h.days_over, h.episode.booking_number))


def action_plan(actor: Actor, site_id, day: dt.date | None = None) -> ActionPlan:
    """The site's plan for ``day`` (default today): held past release first, then releases due, court
    appearances, transfers out and expected in, authorities expiring today or tomorrow, people on
    watch with their next check due, and people recalled from licence expected back here (custody.view,
    site in reach; a read, not audited)."""
    site = site_in_reach(actor, site_id)
    day = day or clock.today()
    start, end = _local_day_bounds(site, day)
    active = (
        CustodyEpisode.objects.select_related("person")
        .filter(site=site, status=CustodyEpisode.Status.ACTIVE)
        .annotate(
            due_on=Coalesce(key_release_date_expression("person_id"), F("release_due_on")),
            due_type=key_release_type_expression("person_id"),
        )
    )
    scheduled_today = Q(scheduled_at__gte=start, scheduled_at__lt=end)
    # Movements still scheduled for someone released or moved on meanwhile are not today's work.
    movements = (
        Movement.objects.select_related("episode__person", "to_site", "site")
        .filter(episode__status=CustodyEpisode.Status.ACTIVE)
        .order_by("scheduled_at", "pk")
    )
    return ActionPlan(
        site=site,
        day=day,
        held_past_release=_held_past_release(active, day),
        releases_due=list(active.filter(due_on=day).order_by("booking_number")),
        court_appearances=list(
            movements.filter(scheduled_today, site=site, kind=Movement.Kind.COURT, status=Movement.Status.SCHEDULED)
        ),
        transfers_out=list(
            movements.filter(
                scheduled_today,
                site=site,
                kind=Movement.Kind.TRANSFER,
                status__in=[Movement.Status.SCHEDULED, Movement.Status.EN_ROUTE],
            )
        ),
        transfers_in=list(
            movements.filter(
                scheduled_today,
                to_site=site,
                kind=Movement.Kind.TRANSFER,
                status__in=[Movement.Status.SCHEDULED, Movement.Status.EN_ROUTE],
            )
        ),
        authorities_expiring=list(
            LawfulAuthority.objects.select_related("episode", "episode__person")
            .filter(
                episode__site=site,
                episode__status=CustodyEpisode.Status.ACTIVE,
                ended_on__isnull=True,
                expires_on__gte=day,
                expires_on__lte=day + dt.timedelta(days=1),
            )
            .order_by("expires_on", "episode__booking_number")
        ),
        on_watch=list(
            ObservationPlan.objects.select_related("episode__person")
            .filter(site=site, ended_at__isnull=True, episode__status=CustodyEpisode.Status.ACTIVE)
            .order_by("next_due_at")
        ),
        recalls_awaited=list(
            Recall.objects.select_related("person")
            .filter(expected_at=site, status=Recall.Status.AWAITED, recalled_on__lte=day)
            .order_by("recalled_on", "id")
        ),
        generated_at=clock.now(),
    )
