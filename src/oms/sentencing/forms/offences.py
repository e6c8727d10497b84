"""Forms for the offence catalogue pages: search, and the CSV import (upload or paste)."""

from __future__ import annotations

from django import forms

from oms.sentencing.rules import records as rules
from oms.web.forms import CsvImportForm


class OffenceSearchForm(forms.Form):
    q = forms.CharField(label="Code, title or category", required=False, max_length=100)
    include_inactive = forms.BooleanField(label="Include codes no longer in use", required=False)


class OffenceImportForm(CsvImportForm):
    max_bytes = rules.MAX_IMPORT_BYTES


class OffenceForm(forms.Form):
    """One catalogue entry. The code is given once, when the entry is added."""

    code = forms.CharField(
        label="Code",
        max_length=rules.CODE_MAX_LENGTH,
        help_text="Letters, digits, - . and _, for example TH68001",
        error_messages={"required": "Enter the code"},
    )
    title = forms.CharField(label="Title", max_length=300, error_messages={"required": "Enter the title"})
    category = forms.CharField(label="Category", max_length=100, required=False)
    severity = forms.IntegerField(
        label="Severity",
        min_value=1,
        max_value=10,
        initial=1,
        help_text="1 (least serious) to 10",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
        error_messages={
            "required": "Enter the severity",
            "invalid": "Severity must be a whole number from 1 to 10",
            "min_value": "Severity must be a whole number from 1 to 10",
            "max_value": "Severity must be a whole number from 1 to 10",
        },
    )
    flags = forms.MultipleChoiceField(
        label="Flags",
        required=False,
        choices=[(flag, flag.replace("_", " ").capitalize()) for flag in rules.OFFENCE_FLAGS],
        widget=forms.CheckboxSelectMultiple,
    )
    active = forms.BooleanField(label="In use (new charges may use this code)", required=False, initial=True)

    def __init__(self, *args, existing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if existing:
            del self.fields["code"]
