"""Forms of the participant portal and of the coordinator's message page. Field names match the
services' arguments, except hours, typed as hours and quarter hours ("2.5") and handed over as minutes."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from oms.diversion.models import PortalCheckIn
from oms.web.forms import choice_field, date_field, text_field


class HoursField(forms.DecimalField):
    """Hours worked, in quarter hours (0.25 to 24), cleaned to whole minutes."""

    def __init__(self, label: str):
        super().__init__(
            label=label,
            min_value=Decimal("0.25"),
            max_value=Decimal(24),
            max_digits=4,
            decimal_places=2,
            help_text="For example, 3 or 2.5",
            error_messages={
                "required": f"Enter the {label.lower()}",
                "invalid": f"Enter the {label.lower()} as a number, like 3 or 2.5",
                "min_value": f"{label} must be at least 0.25",
                "max_value": f"{label} must be 24 or fewer",
                "max_digits": f"Enter the {label.lower()} as a number, like 3 or 2.5",
                "max_decimal_places": f"Enter the {label.lower()} in quarter hours, like 2.25",
            },
        )

    def clean(self, value):
        value = super().clean(value)
        if value is None:
            return None
        if (value * 4) % 1:
            raise forms.ValidationError(f"Enter the {self.label.lower()} in quarter hours, like 2.25")
        return int(value * 60)


class PortalHoursForm(forms.Form):
    worked_on = date_field("Date worked", required="Enter the date you worked")
    minutes = HoursField("Hours worked")
    place = text_field(
        "Place of work", max_length=200, required="Enter where you worked", help_text="The placement's name"
    )
    supervisor_name = text_field(
        "Supervisor's name", max_length=200, required="Enter the name of the person who supervised you"
    )
    description = text_field("What you did", max_length=500, rows=3)


class CheckInForm(forms.Form):
    wellbeing = choice_field(
        "How are you doing?", PortalCheckIn.Wellbeing.choices, required="Select how you are doing", radios=True
    )
    wants_contact = forms.BooleanField(label="Please ask my coordinator to contact me", required=False)
    note = text_field("Anything you want your coordinator to know", max_length=1000, rows=3)


class MessageForm(forms.Form):
    subject = text_field("Subject", max_length=200, required="Enter a subject")
    body = text_field("Message", max_length=5000, required="Enter the message", rows=6)
