"""Audit pages for auditors: search and standard reports (AUD-6).

Permission audit.view and a recent step-up re-authentication (AUTH-6). Each page view is itself
audited by the query it runs; if that record cannot be written the page answers 503 with no rows.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from oms.audit import queries
from oms.audit.forms import AuditSearchForm, PeriodForm
from oms.web.access import page
from oms.web.step_up import step_up_required

EVENT_HEAD = ["When", "User", "Action", "Outcome", "Record", "Person", "Channel", "Request id"]


def _when(event) -> str:
    return timezone.localtime(event.occurred_at).strftime("%d %b %Y %H:%M:%S")


def _event_row(event) -> list:
    record = f"{event.object_type} {event.object_id}".strip() if event.object_type else ""
    return [
        _when(event),
        event.actor_username,
        event.action,
        event.get_outcome_display(),
        record or "–",
        event.subject_person_id or "–",
        event.channel,
        event.request_id or "–",
    ]


@page("audit.view")
@step_up_required
def search(request):
    form = AuditSearchForm(request.GET or None)
    context = {"form": form, "head": EVENT_HEAD, "rows": [], "page": None, "total": None}
    if form.is_bound and not form.is_valid():
        return render(request, "audit/search.html", context, status=200)
    filters = form.filters() if form.is_bound else {}
    number = (form.cleaned_data.get("page") if form.is_bound else None) or 1
    result = queries.search_events(request.actor, **filters, page=number, page_size=queries.PAGE_SIZE)
    # A Django Page over the known total lets the shared GOV.UK pagination partial render the links.
    paginator = Paginator(range(result.total), result.page_size, allow_empty_first_page=True)
    context.update(
        rows=[_event_row(event) for event in result.events],
        page=Page(result.events, result.number, paginator),
        total=result.total,
    )
    return render(request, "audit/search.html", context)


REPORT_VIEWS = {
    "lockouts": (queries.lockout_report, EVENT_HEAD),
    "denials": (queries.denial_report, EVENT_HEAD),
    "high-volume-readers": (queries.high_volume_readers, ["User", "Person-record reads", "Different people"]),
}


@page("audit.view")
@step_up_required
def report(request, name: str):
    if name not in REPORT_VIEWS:
        raise Http404()
    run_report, head = REPORT_VIEWS[name]
    form = PeriodForm(request.GET or None)
    rows = []
    ran = False
    if not form.is_bound or form.is_valid():
        since, until = form.period() if form.is_bound else (None, None)
        found = run_report(request.actor, since=since, until=until)
        ran = True
        if name == "high-volume-readers":
            rows = [
                [reader.username, {"text": reader.reads, "numeric": True}, {"text": reader.people, "numeric": True}]
                for reader in found
            ]
        else:
            rows = [_event_row(event) for event in found]
    context = {
        "form": form,
        "name": name,
        "title": queries.REPORTS[name.replace("-", "_")],
        "head": head,
        "rows": rows,
        "ran": ran,
        "reports": _report_links(),
    }
    return render(request, "audit/report.html", context)


def _report_links() -> list[dict]:
    return [{"slug": slug, "title": queries.REPORTS[slug.replace("-", "_")]} for slug in REPORT_VIEWS]
