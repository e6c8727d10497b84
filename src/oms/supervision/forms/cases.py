"""Forms for the supervision pages. Field names match the services' arguments, so a service error
naming a field lands on that field (GOV.UK error summary). Case-level change forms carry the case
version read (hidden)."""

from __future__ import annotations

import datetime as dt

from django import forms

from oms.supervision.models import Appointment, Level, Requirement, SupervisionCase
from oms.supervision.rules.contact import MAX_REPEAT_WEEKS
from oms.web.forms import DATE_HINT, VersionField
from oms.web.forms import choice_field as choice
from oms.web.forms import date_field as date
from oms.web.forms import text_field as text


class _Allocation(forms.Form):
    """The office and officer choices, filled by the view from what the actor may choose."""

    def __init__(self, *args, offices=(), officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office_id"].choices = [("", "Not yet allocated")] + [(str(s.public_id), s.name) for s in offices]
        self.fields["officer_id"].choices = [("", "Not yet allocated")] + [
            (str(u.public_id), u.get_full_name() or u.username) for u in officers
        ]


def _office_field():
    return choice("Supervising office", [])


def _officer_field():
    return choice("Supervising officer", [])


class OpenCaseForm(_Allocation):
    kind = choice(
        "Kind of supervision", SupervisionCase.Kind.choices, required="Select the kind of supervision", radios=True
    )
    reference = text("Order or licence reference (optional)", max_length=60)
    starts_on = date("Start date", required="Enter the start date")
    ends_on = date("End date (optional)")
    office_id = _office_field()
    officer_id = _officer_field()
    notes = text("Notes (optional)", max_length=5000, rows=3)


class AllocateForm(_Allocation):
    office_id = _office_field()
    officer_id = _officer_field()
    version = VersionField()


class LevelOverrideForm(forms.Form):
    level = choice(
        "Supervision level",
        [("", "No override: use the assessed level"), *Level.choices],
    )
    reason = text("Reason", max_length=1000, rows=3, required="Enter the reason for the override")
    version = VersionField()


class CloseCaseForm(forms.Form):
    reason = text("Reason for closing the case", max_length=500, required="Enter the reason for closing the case")
    closed_on = date("Closing date (optional)", help_text="Leave empty for today. " + DATE_HINT)
    version = VersionField()


class RequirementForm(forms.Form):
    kind = choice("Requirement", Requirement.Kind.choices, required="Select the requirement")
    detail = text(
        "Wording or details",
        max_length=1000,
        rows=3,
        help_text="Required for a licence condition, an exclusion or a residence requirement",
    )
    amount = forms.IntegerField(
        label="Hours or days (unpaid work, rehabilitation activity)",
        required=False,
        min_value=1,
        max_value=1000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "invalid": "Enter a whole number",
            "min_value": "Enter 1 or more",
            "max_value": "Enter 1,000 or fewer",
        },
    )
    starts_on = date("Start date (optional)", help_text="Leave empty for the case start. " + DATE_HINT)
    ends_on = date("End date (optional)")


class EndRequirementForm(forms.Form):
    status = choice(
        "How did it end",
        [(s, Requirement.Status(s).label) for s in (Requirement.Status.COMPLETED, Requirement.Status.TERMINATED)],
        required="Select whether the requirement was completed or terminated",
        radios=True,
    )
    reason = text("Reason", max_length=500, rows=2, help_text="Required when terminated")
    ended_on = date("End date (optional)", help_text="Leave empty for today. " + DATE_HINT)


class AppointmentForm(forms.Form):
    kind = choice(
        "Kind of appointment", Appointment.Kind.choices, required="Select the kind of appointment", radios=True
    )
    on = date("Date", required="Enter the date of the appointment")
    at = forms.TimeField(
        label="Time",
        help_text="Use the 24-hour clock, for example 14:05",
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        widget=forms.TimeInput(format="%H:%M"),
        error_messages={"required": "Enter the time of the appointment", "invalid": "Time must be a time like 14:05"},
    )
    repeat = choice(
        "Repeat",
        [("none", "Once"), ("weekly", "Every week"), ("fortnightly", "Every two weeks")],
        required="Select how often",
        radios=True,
    )
    weeks = forms.IntegerField(
        label="For how many weeks",
        min_value=1,
        max_value=MAX_REPEAT_WEEKS,
        initial=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter the number of weeks",
            "invalid": "Enter a whole number of weeks",
            "min_value": "Enter 1 or more weeks",
            "max_value": f"Enter {MAX_REPEAT_WEEKS} weeks or fewer",
        },
    )
    notes = text("Notes (optional)", max_length=2000, rows=2)

    def starts_at(self) -> dt.datetime:
        """The naive local date and time: the service places it in the office's time zone."""
        return dt.datetime.combine(self.cleaned_data["on"], self.cleaned_data["at"])


class OutcomeForm(forms.Form):
    outcome = choice(
        "Outcome",
        [(o, Appointment.Outcome(o).label) for o in Appointment.Outcome.values if o != "not_recorded"],
        required="Select the outcome",
        radios=True,
    )
    notes = text("Notes (optional)", max_length=2000, rows=3)
    reason = text(
        "Reason for the change", max_length=500, rows=2, help_text="Required when changing a recorded outcome"
    )
