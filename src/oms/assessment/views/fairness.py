"""The fairness report page: score distribution and band rates by sex, ethnicity and age group, one
GOV.UK table per breakdown, and the same report as a CSV download (assessment.view_reports)."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from oms.assessment.forms.fairness import FairnessReportForm
from oms.assessment.queries import fairness as queries
from oms.assessment.rules.fairness import BREAKDOWNS, report_table_rows
from oms.core.errors import RuleViolation
from oms.people.models import Sex
from oms.web.access import page

VIEW_REPORTS = queries.VIEW_REPORTS
BREAKDOWN_TITLES = {"sex": "By sex", "ethnicity": "By ethnicity", "age_group": "By age group at completion"}
SEX_LABELS = dict(Sex.choices)


def _report_for(request, form):
    """The report for a valid filter, else None (errors go on the form)."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return queries.fairness_report(
            request.actor,
            instrument=data["instrument"],
            site_code=data["site"],
            completed_from=data["completed_from"],
            completed_to=data["completed_to"],
        )
    except RuleViolation as error:
        form.add_error(error.field if error.field in form.fields else None, error.detail)
        return None


def _percent(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def _tables(report) -> list[dict]:
    tables = []
    for breakdown in BREAKDOWNS:
        groups = report.breakdowns.get(breakdown, ())
        bands = list(report.bands) + sorted({b for g in groups for b in g.band_counts} - set(report.bands))
        # Only bands somebody holds get a column: an instrument with many bands (tiers) stays readable.
        bands = [b for b in bands if any(g.band_counts.get(b) for g in groups)]
        rows = []
        for g in groups:
            label = SEX_LABELS.get(g.group, g.group) if breakdown == "sex" else g.group
            if g.suppressed:
                rows.append([label, {"text": "Fewer than 10 (suppressed)"}, *[{"text": "-"} for _ in bands]])
                continue
            rows.append(
                [
                    label,
                    {"text": str(g.count), "numeric": True},
                    *[{"text": f"{_percent(g.band_rates[b])} ({g.band_counts[b]})", "numeric": True} for b in bands],
                ]
            )
        tables.append({"caption": BREAKDOWN_TITLES[breakdown], "head": ["Group", "People", *bands], "rows": rows})
    return tables


@page(VIEW_REPORTS)
def fairness(request):
    form = FairnessReportForm(request.GET or None)
    report = _report_for(request, form) if request.GET else None
    context = {"form": form, "report": report, "tables": _tables(report) if report and not report.suppressed else []}
    if report is not None and report.distribution is not None:
        context["bins"] = [
            [b.label, {"text": "Fewer than 10" if b.suppressed else str(b.count), "numeric": True}]
            for b in report.distribution.bins
        ]
        context["bins_head"] = ["Score", "Assessments"]
    if report is not None:
        context["csv_query"] = request.GET.urlencode()
    return render(request, "assessment/fairness/report.html", context, status=422 if form.errors else 200)


@page(VIEW_REPORTS)
def fairness_csv(request):
    form = FairnessReportForm(request.GET or None)
    report = _report_for(request, form)
    if report is None:
        return render(request, "assessment/fairness/report.html", {"form": form}, status=422)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(report_table_rows(report))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fairness-{report.instrument}.csv"'
    return response


urlpatterns = [
    path("fairness/", fairness, name="fairness"),
    path("fairness/report.csv", fairness_csv, name="fairness_csv"),
]
