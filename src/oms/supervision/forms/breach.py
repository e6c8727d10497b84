"""Forms for warnings and breach proceedings; field names match the services' arguments."""

from __future__ import annotations

from django import forms

from oms.supervision.forms.cases import DATE_HINT, choice, date, text
from oms.supervision.models import Breach


class WarningForm(forms.Form):
    appointment_id = choice("The failure it answers (optional)", [])
    reason = text("Reason for the warning", max_length=1000, rows=3, required="Enter the reason for the warning")
    issued_on = date("Date of the warning (optional)", help_text="Leave empty for today. " + DATE_HINT)

    def __init__(self, *args, failures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appointment_id"].choices = [("", "Not tied to one appointment")] + [
            (str(a.public_id), f"{a.starts_at:%d %b %Y %H:%M}: {a.get_outcome_display()}") for a in failures
        ]


class BreachForm(forms.Form):
    reason = text("Reason for breach action", max_length=2000, rows=4, required="Enter the reason for the breach")
    initiated_on = date("Date initiated (optional)", help_text="Leave empty for today. " + DATE_HINT)


class AdvanceBreachForm(forms.Form):
    state = choice("New state", [], required="Select the new state of the breach", radios=True)
    outcome = choice(
        "Outcome (when proven)",
        [("", "Not proven"), *[(o, Breach.Outcome(o).label) for o in Breach.Outcome.values if o]],
    )
    reason = text("Reason", max_length=2000, rows=3, required="Enter the reason")
    on = date("Date (optional)", help_text="Leave empty for today. " + DATE_HINT)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2_000_000_000)

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [(s, Breach.State(s).label) for s in allowed]
