"""The fairness report's filter form: the instrument, optionally a site and a completion date range."""

from __future__ import annotations

from django import forms

from oms.assessment.services import instruments
from oms.web.forms import DateInputField


def instrument_choices() -> list[tuple[str, str]]:
    choices = []
    for code in instruments.codes():
        try:
            title = instruments.catalogue().get(code).title
        except ValueError:  # OGRS3 and tiering are not catalogue instruments
            title = {"ogrs3": "OGRS3", instruments.TIERING_CODE: "Probation tiering"}.get(code, code)
        choices.append((code, title))
    return choices


class FairnessReportForm(forms.Form):
    instrument = forms.ChoiceField(label="Instrument", error_messages={"required": "Select the instrument"})
    site = forms.CharField(
        label="Site code (optional)",
        required=False,
        max_length=20,
        help_text="Only people at this site, for example PRA",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    completed_from = DateInputField(label="Completed on or after (optional)", required=False)
    completed_to = DateInputField(label="Completed on or before (optional)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [("", "Select an instrument"), *instrument_choices()]

    def clean_site(self):
        return self.cleaned_data["site"].strip() or None
