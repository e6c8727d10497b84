"""Forms for violations, their responses and the sanctions matrix."""

from __future__ import annotations

from django import forms

from oms.supervision.forms.cases import DATE_HINT, choice, date, text
from oms.supervision.models import Severity, Violation
from oms.supervision.rules.sanctions import RESPONSE_LABELS, RESPONSES

RESPONSE_CHOICES = [(r, RESPONSE_LABELS[r]) for r in RESPONSES]


class ViolationForm(forms.Form):
    source = choice("Source", Violation.Source.choices, required="Select the source of the violation", radios=True)
    severity = choice("Severity", Severity.choices, required="Select the severity", radios=True)
    description = text("What happened", max_length=2000, rows=3, required="Enter what happened")
    occurred_on = date("Date (optional)", help_text="Leave empty for today. " + DATE_HINT)


class ResponseForm(forms.Form):
    response = choice("Response", [], required="Select the response", radios=True)
    reason = text("Reason for the response", max_length=2000, rows=3, required="Enter the reason for the response")
    override_reason = text(
        "Reason for going outside the matrix",
        max_length=2000,
        rows=2,
        help_text="Required when the response is not one the matrix allows",
    )

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["response"].choices = [
            (r, label if r in allowed else f"{label} (outside the matrix: override)") for r, label in RESPONSE_CHOICES
        ]


class BandForm(forms.Form):
    least = choice("Least response", RESPONSE_CHOICES, required="Select the least response")
    most = choice("Most severe response", RESPONSE_CHOICES, required="Select the most severe response")
    reason = text("Reason for the change", max_length=1000, rows=2, required="Enter the reason for the change")
