"""Pages: incident and use-of-force trends per 100 people in custody by month, unit and type
(incidents.view_trends), drawn as inline SVG bars with the table under each chart, and a CSV."""

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from oms.core import clock
from oms.core.errors import RuleViolation
from oms.incidents.api.trends import DENOMINATOR, resolve_range
from oms.incidents.forms.trends import TrendsFilterForm
from oms.incidents.queries import trends as queries
from oms.incidents.rules import trends as rules
from oms.web.access import page

CHART_WIDTH = 400
BAND = 24
LABEL_WIDTH = 220


def _filter(request):
    """The filter form and the report it asks for (None when the form has errors)."""
    sites = queries.sites_in_scope(request.actor)
    bound = any(key.startswith(("site", "date_")) for key in request.GET)
    form = TrendsFilterForm(request.GET if bound else None, sites=sites)
    if bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if bound else {}
    site_code = data.get("site") or (sites[0].code if len(sites) == 1 else None)
    date_from, date_to = resolve_range(data.get("date_from"), data.get("date_to"))
    try:
        report = queries.incident_trends(request.actor, site_code=site_code, date_from=date_from, date_to=date_to)
    except RuleViolation as error:
        form.add_error("date_from" if bound else None, error.detail)
        return form, None
    if not bound:
        form = TrendsFilterForm(
            initial={"site": site_code or "", "date_from": date_from, "date_to": date_to}, sites=sites
        )
    return form, report


def _chart(title, rows, value, unit_text):
    values = [(row.label, getattr(row, value)) for row in rows]
    return {
        "title": title,
        "rows": rows,
        "unit_text": unit_text,
        "bars": rules.bars(values, chart_width=CHART_WIDTH, band=BAND),
        "height": max(BAND, BAND * len(values)),
        "label_width": LABEL_WIDTH,
        "width": LABEL_WIDTH + CHART_WIDTH + 60,
    }


@page("incidents.view_trends")
def trends(request):
    form, report = _filter(request)
    charts = []
    if report is not None:
        t = report.trends
        charts = [
            _chart("Incidents per 100 people in custody, by month", t.by_month, "rate", "per 100"),
            _chart("Use of force per 100 people in custody, by month", t.by_month, "use_of_force_rate", "per 100"),
            _chart("Incidents per 100 people in custody, by unit", t.by_unit, "rate", "per 100"),
            _chart("Incidents by type", t.by_type, "incidents", "incidents"),
        ]
    context = {
        "form": form,
        "report": report,
        "charts": charts,
        "denominator": DENOMINATOR,
        "query": request.GET.urlencode(),
        "today": clock.now().date(),
    }
    return render(request, "incidents/trends/trends.html", context, status=422 if form.errors else 200)


@page("incidents.view_trends")
def trends_csv(request):
    form, report = _filter(request)
    if report is None:
        return render(
            request,
            "incidents/trends/trends.html",
            {"form": form, "report": None, "charts": [], "denominator": DENOMINATOR},
            status=422,
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = report.site.code if report.site else "all"
    response["Content-Disposition"] = (
        f'attachment; filename="incident-trends-{name}-{report.date_from}-{report.date_to}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        ["breakdown", "key", "label", "incidents", "use_of_force", "population", "rate_per_100", "use_of_force_per_100"]
    )
    t = report.trends
    for breakdown, rows in (("month", t.by_month), ("unit", t.by_unit), ("type", t.by_type), ("total", [t.total])):
        for row in rows:
            writer.writerow(
                [
                    breakdown,
                    row.key,
                    _csv_safe(row.label),
                    row.incidents,
                    row.use_of_force,
                    "" if row.population is None else row.population,
                    "" if row.rate is None else row.rate,
                    "" if row.use_of_force_rate is None else row.use_of_force_rate,
                ]
            )
    return response


def _csv_safe(text: str) -> str:
    """A label a spreadsheet would run as a formula is written as text (CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


urlpatterns = [
    path("trends/", trends, name="trends"),
    path("trends.csv", trends_csv, name="trends_csv"),
]
