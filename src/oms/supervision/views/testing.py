"""Pages: the drug tests due on a day (with the random selection run), ordering a test on a case, and
recording a result."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse

from oms.core import clock
from oms.supervision.forms import testing as forms
from oms.supervision.queries import cases as queries
from oms.supervision.queries import testing as testing_queries
from oms.supervision.rules.testing import SCHEDULES
from oms.supervision.services import testing as services
from oms.supervision.views.cases import case_url, done, form_page
from oms.web.access import page
from oms.web.forms import posted, service_errors_on

VIEW = "supervision.view"
MANAGE_TESTING = "supervision.manage_testing"


@page(VIEW)
def tests_due(request):
    try:
        on = dt.date.fromisoformat(request.GET.get("on", "")) if request.GET.get("on") else clock.today()
    except ValueError:
        on = clock.today()
    can_select = request.actor.has(MANAGE_TESTING)
    form = forms.SelectionForm(posted(request) if can_select else None, initial={"on": on})
    status = 200
    if request.method == "POST" and can_select:
        if form.is_valid():
            selection = service_errors_on(form, lambda: services.select_tests(request.actor, **form.cleaned_data))
            if selection:
                messages.success(
                    request, f"{len(selection.selected)} selected from {len(selection.roster)} (seed {selection.seed})"
                )
                return redirect(f"{reverse('supervision:tests_due')}?on={selection.on.isoformat()}")
        status = 422
    return render(
        request,
        "supervision/tests_due.html",
        {
            "on": on,
            "tests": testing_queries.tests_due(request.actor, on),
            "form": form,
            "can_select": can_select,
            "schedules": list(SCHEDULES.values()),
        },
        status=status,
    )


@page(MANAGE_TESTING)
def test_order(request, case_id):
    found = queries.find_case(request.actor, case_id)
    form = forms.OrderTestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        ordered = service_errors_on(
            form, lambda: services.order_test(request.actor, case_id=found.public_id, **form.cleaned_data)
        )
        if ordered:
            return done(request, found, "Test ordered")
    return form_page(
        request, form, person=found.person, title="Order a drug test", button="Order", back=case_url(found)
    )


@page(MANAGE_TESTING)
def test_result(request, test_id):
    test = testing_queries.find_test(request.actor, test_id)
    form = forms.ResultForm(posted(request))
    if request.method == "POST" and form.is_valid():
        saved = service_errors_on(
            form, lambda: services.record_result(request.actor, test_id=test.public_id, **form.values())
        )
        if saved:
            text = "Result recorded" + (": a violation was recorded" if saved.violation_id else "")
            return done(request, test.case, text)
    return form_page(
        request,
        form,
        person=test.case.person,
        title="Record the test result",
        lead=f"{test.get_reason_display()}, due {test.due_on:%d %B %Y}",
        button="Save result",
        back=case_url(test.case),
    )


urlpatterns = [
    path("tests/", tests_due, name="tests_due"),
    path("tests/<str:test_id>/result/", test_result, name="test_result"),
    path("cases/<str:case_id>/tests/new/", test_order, name="test_order"),
]
