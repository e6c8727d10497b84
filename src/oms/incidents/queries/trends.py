"""Gathers what the trends need (incidents.view_trends): incidents reported in a date range at the
sites asked for, with their unit, type and whether force was used, and the month-start population per
unit from custody's bed assignments. The arithmetic is ``rules.trends``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from oms.core.actor import Actor, Scope
from oms.core.errors import NotFound, RuleViolation
from oms.custody.models import BedAssignment
from oms.facilities.models import Location, Site
from oms.incidents.models import Incident, UseOfForce
from oms.incidents.rules import trends as rules


@dataclass
class TrendsReport:
    sites: list[Site]
    site: Site | None  # None: every site the actor reaches (national view)
    date_from: dt.date
    date_to: dt.date
    trends: rules.Trends


def sites_in_scope(actor: Actor) -> list[Site]:
    sites = Site.objects.select_related("organisation").order_by("name")
    if actor.is_national:
        return list(sites)
    if actor.scope == Scope.ORGANISATION:
        return list(sites.filter(organisation_id=actor.organisation_id))
    return list(sites.filter(pk__in=actor.site_ids))


def default_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last twelve months including this one."""
    start = today.replace(day=1)
    for _ in range(11):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    return start, today


def _site(actor: Actor, site_code: str | None) -> Site | None:
    if not site_code:
        return None
    site = Site.objects.select_related("organisation").filter(code=site_code).first()
    if site is None or not actor.can_reach_site(site.pk, site.organisation_id):
        raise NotFound("No such site.", code="incidents.trends_site_not_found")
    return site


def _top_id(path: str) -> int | None:
    parts = [p for p in (path or "").split("/") if p]
    return int(parts[0]) if parts else None


def _month_instant(month: dt.date) -> dt.datetime:
    return dt.datetime(month.year, month.month, 1, tzinfo=dt.UTC)


def incident_trends(actor: Actor, *, site_code: str | None, date_from: dt.date, date_to: dt.date) -> TrendsReport:
    """Trends for one site, or every site in scope when ``site_code`` is empty. Incidents count from
    submission on (a draft is not yet a report) by the day they occurred (UTC)."""
    actor.require("incidents.view_trends")
    problem = rules.range_problem(date_from, date_to)
    if problem:
        raise RuleViolation(problem, code="incidents.trends_range", field="date_from")
    site = _site(actor, site_code)
    sites = [site] if site else sites_in_scope(actor)
    site_ids = [s.pk for s in sites]
    several = len(sites) > 1
    months = rules.months_between(date_from, date_to)

    units = Location.objects.filter(site_id__in=site_ids, depth=0, residential=True).select_related("site")
    unit_labels = {
        str(u.pk): (f"{u.site.code} " if several else "") + (f"{u.key} – {u.name}" if u.name else u.key)
        for u in units.order_by("site__name", "key")
    }

    population: dict[tuple[dt.date, str], int] = {}
    for month in months:
        instant = _month_instant(month)
        held = (
            BedAssignment.objects.filter(site_id__in=site_ids, assigned_at__lte=instant)
            .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=instant))
            .values("bed__path")
            .annotate(n=Count("id"))
        )
        for row in held:
            key = str(_top_id(row["bed__path"]))
            population[(month, key)] = population.get((month, key), 0) + row["n"]

    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    rows = (
        Incident.objects.filter(facility_id__in=site_ids, occurred_at__gte=start, occurred_at__lt=end)
        .exclude(status=Incident.Status.DRAFT)
        .annotate(force=Exists(UseOfForce.objects.filter(incident=OuterRef("pk"))))
        .values_list("occurred_at", "location__path", "incident_type__code", "incident_type__title", "force")
    )
    facts = []
    for occurred_at, path, code, title, force in rows.iterator():
        top = _top_id(path) if path else None
        facts.append(
            rules.IncidentFact(
                rules.month_start(occurred_at.astimezone(dt.UTC).date()),
                str(top) if top is not None else rules.NOT_RECORDED,
                code,
                title,
                bool(force),
            )
        )
    trends = rules.build_trends(facts, population, unit_labels, months)
    return TrendsReport(sites=sites, site=site, date_from=date_from, date_to=date_to, trends=trends)
