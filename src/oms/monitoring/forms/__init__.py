"""Forms for the monitoring pages. Field names match the services' arguments, so a service error naming a
field lands on that field (GOV.UK error summary)."""

from __future__ import annotations

from django import forms

from oms.monitoring.models import Alert, Device


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("", "Select the outcome"), *[(v, label) for v, label in Alert.Outcome.choices if v]],
        error_messages={"required": "Select the outcome", "invalid_choice": "Select the outcome"},
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Notes must be 2,000 characters or fewer"},
    )


class DeviceForm(forms.Form):
    serial = forms.CharField(
        label="Serial number",
        max_length=40,
        error_messages={"required": "Enter the serial number", "max_length": "At most 40 characters"},
    )
    kind = forms.ChoiceField(
        label="Kind of device",
        choices=[("", "Select the kind"), *Device.Kind.choices],
        error_messages={"required": "Select the kind of device", "invalid_choice": "Select the kind of device"},
    )
