"""Forms for the offence catalogue pages: search, and the CSV import (upload or paste)."""

from __future__ import annotations

from django import forms

from oms.sentencing.rules import records as rules

_LIMIT_MB = rules.MAX_IMPORT_BYTES // 1_000_000


class OffenceSearchForm(forms.Form):
    q = forms.CharField(label="Code, title or category", required=False, max_length=100)
    include_inactive = forms.BooleanField(label="Include codes no longer in use", required=False)


class OffenceImportForm(forms.Form):
    file = forms.FileField(label="Upload a CSV file", required=False)
    csv_text = forms.CharField(
        label="Or paste the CSV here",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        max_length=rules.MAX_IMPORT_BYTES,
        error_messages={"max_length": f"The text is too long: the limit is {_LIMIT_MB} MB"},
    )
    dry_run = forms.BooleanField(
        label="Check only: report problems without changing anything", required=False, initial=True
    )

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if self.too_large:
            self.add_error("file", f"The file is too large: the limit is {_LIMIT_MB} MB")
        elif upload is not None:
            if not upload.name.lower().endswith((".csv", ".txt")):
                self.add_error("file", "The selected file must be a CSV file")
            else:
                try:
                    data["text"] = rules.decode_csv_bytes(upload.read())
                except ValueError as error:
                    self.add_error("file", str(error))
        elif (data.get("csv_text") or "").strip():
            data["text"] = data["csv_text"]
        elif not self.errors:
            self.add_error("file", "Upload a CSV file or paste the CSV text")
        return data


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
