"""The shared GOV.UK pieces: the date input field, field partials with error wiring, the error
summary, permission-aware navigation, and pages that need no inline script or style (CSP)."""

import datetime as dt
import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import Client

from oms.core.actor import Actor
from oms.web.forms import DateInputField
from oms.web.navigation import navigation_for
from tests.factories import login_verified
from tests.web.routes import has_parameters, walk


class ExampleForm(forms.Form):
    name = forms.CharField(label="Family name", max_length=20, help_text="As on their documents")
    born = DateInputField(label="Date of birth", required=False)
    level = forms.ChoiceField(label="Level", choices=[("low", "Low"), ("high", "High")], widget=forms.RadioSelect)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)


def _bound(**data) -> ExampleForm:
    form = ExampleForm(data)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("27", "3", "1985", dt.date(1985, 3, 27)),
        (" 1", "01", "2000", dt.date(2000, 1, 1)),
        ("", "", "", None),
    ],
)
def test_the_date_input_reads_day_month_and_year(day, month, year, expected):
    form = _bound(name="Okafor", level="low", born_day=day, born_month=month, born_year=year)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["born"] == expected


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("27", "", "1985", "Date of birth must include a month"),
        ("", "", "1985", "Date of birth must include a day and month"),
        ("31", "2", "1991", "Date of birth must be a real date"),
        ("1", "1", "85", "Date of birth must be a real date"),
        ("x", "1", "1985", "Date of birth must be a real date"),
        ("1", "1", "1850", "Date of birth must be between 1900 and 2100"),
    ],
)
def test_the_date_input_explains_what_is_wrong(day, month, year, message):
    form = _bound(name="Okafor", level="low", born_day=day, born_month=month, born_year=year)
    assert form.errors["born"] == [message]


def test_a_field_with_an_error_is_wired_for_screen_readers():
    form = _bound(name="", level="low")
    html = render_to_string("web/components/field.html", {"field": form["name"]})
    assert "govuk-form-group--error" in html
    assert 'for="id_name"' in html
    assert 'id="id_name-hint"' in html and 'id="id_name-error"' in html
    assert re.search(r'<input[^>]*aria-describedby="id_name-hint id_name-error"', html)
    assert re.search(r'<input[^>]*class="govuk-input govuk-input--error"', html)
    assert 'maxlength="20"' in html  # the widget's own attributes are kept


def test_the_date_input_keeps_what_was_typed_and_the_summary_links_to_the_first_box():
    form = _bound(name="Okafor", level="low", born_day="31", born_month="2", born_year="1991")
    html = render_to_string("web/components/field.html", {"field": form["born"]})
    assert 'role="group"' in html and "govuk-date-input" in html
    assert 'id="id_born_day"' in html and 'name="born_day"' in html and 'value="31"' in html
    assert 'value="1991"' in html
    summary = render_to_string("web/components/error_summary.html", {"form": form})
    assert 'href="#id_born_day"' in summary
    assert 'data-module="govuk-error-summary"' in summary


def test_radios_and_textareas_render_as_govuk_components():
    form = _bound(name="Okafor", level="high")
    radios = render_to_string("web/components/field.html", {"field": form["level"]})
    assert "<fieldset" in radios and "govuk-radios__input" in radios
    assert re.search(r'value="high" checked', radios)
    invalid = _bound(name="Okafor", level="")
    summary = render_to_string("web/components/error_summary.html", {"form": invalid})
    assert 'href="#id_level_0"' in summary and 'id="id_level_0"' in render_to_string(
        "web/components/field.html", {"field": invalid["level"]}
    )
    textarea = render_to_string("web/components/field.html", {"field": form["notes"]})
    assert "govuk-textarea" in textarea


def test_user_input_is_escaped_in_components():
    form = _bound(name="<script>alert(1)</script>", level="low")
    html = render_to_string("web/components/field.html", {"field": form["name"]})
    assert "<script>" not in html


def test_navigation_shows_only_sections_the_actor_may_open():
    records_officer = Actor(user_id=1, username="r", permissions=frozenset({"people.view"}))
    labels = [item["label"] for item in navigation_for(records_officer, "/")]
    assert "Home" in labels
    assert "Audit" not in labels and "Users" not in labels
    assert navigation_for(None, "/") == []


def test_only_the_most_specific_section_is_current():
    adjudicator = Actor(user_id=1, username="a", permissions=frozenset({"incidents.view", "incidents.adjudicate"}))
    items = navigation_for(adjudicator, "/incidents/adjudications/charges/x/")
    current = [item["label"] for item in items if item["current"]]
    assert current == ["Adjudications"]
    assert [i["label"] for i in navigation_for(adjudicator, "/incidents/reports/x/") if i["current"]] == ["Incidents"]


def test_pages_need_no_inline_script_or_style(administrator):
    """CSP default-src 'self' blocks inline code: every page must work without it."""
    client = login_verified(Client(), administrator)
    pages = 0
    for route in walk():
        if route.methods or has_parameters(route) or route.route.startswith("api/"):
            continue
        response = client.get("/" + route.route)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), f"inline <script> on /{route.route}"
        assert not re.search(r"\sstyle=", html), f"style attribute on /{route.route}"
        assert not re.search(r"\son[a-z]+=", html), f"inline event handler on /{route.route}"
        assert "<style" not in html, f"<style> element on /{route.route}"
        pages += 1
    assert pages >= 2
