"""Incident and use-of-force trends per 100 people in custody by unit, type and month, under
/api/v1/incidents/trends (incidents.view_trends). The denominator is explained in
docs/incidents-trends.md: people in a bed at the start of each month, averaged over the range."""

import datetime as dt

from ninja import Field, Query, Router, Schema, Status

from oms.core import clock
from oms.incidents.queries import trends as queries
from oms.web.access import api
from oms.web.api_schemas import ERRORS

router = Router()


class IncidentTrendsParams(Schema):
    site: str | None = Field(None, max_length=20, description="a site's code; every site in scope when left out")
    date_from: dt.date | None = Field(None, description="first day (UTC); 12 months back when left out")
    date_to: dt.date | None = Field(None, description="last day, inclusive (UTC); today when left out")


class IncidentTrendsRowOut(Schema):
    key: str
    label: str
    incidents: int
    use_of_force: int
    population: float | None = Field(..., description="month-start population, or its average over the range")
    rate_per_100: float | None
    use_of_force_rate_per_100: float | None


class IncidentTrendsOut(Schema):
    site: str | None
    sites: list[str]
    date_from: dt.date
    date_to: dt.date
    denominator: str
    total: IncidentTrendsRowOut
    by_month: list[IncidentTrendsRowOut]
    by_unit: list[IncidentTrendsRowOut]
    by_type: list[IncidentTrendsRowOut]


DENOMINATOR = "people in a bed at 00:00 UTC on the 1st of each month; averaged over the months for a range"


def resolve_range(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    default_from, default_to = queries.default_range(clock.now().date())
    return date_from or default_from, date_to or default_to


def row_out(row) -> dict:
    return {
        "key": row.key,
        "label": row.label,
        "incidents": row.incidents,
        "use_of_force": row.use_of_force,
        "population": row.population,
        "rate_per_100": row.rate,
        "use_of_force_rate_per_100": row.use_of_force_rate,
    }


def report_out(report) -> dict:
    trends = report.trends
    return {
        "site": report.site.code if report.site else None,
        "sites": [s.code for s in report.sites],
        "date_from": report.date_from,
        "date_to": report.date_to,
        "denominator": DENOMINATOR,
        "total": row_out(trends.total),
        "by_month": [row_out(r) for r in trends.by_month],
        "by_unit": [row_out(r) for r in trends.by_unit],
        "by_type": [row_out(r) for r in trends.by_type],
    }


@router.get(
    "/trends",
    response={200: IncidentTrendsOut, **ERRORS},
    summary="Incidents and use of force per 100 people in custody by month, unit and type",
)
@api("incidents.view_trends")
def trends(request, params: Query[IncidentTrendsParams]):
    date_from, date_to = resolve_range(params.date_from, params.date_to)
    report = queries.incident_trends(request.actor, site_code=params.site, date_from=date_from, date_to=date_to)
    return Status(200, report_out(report))
