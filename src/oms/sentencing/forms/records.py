"""Forms for the legal record pages: court cases, hearings, charges and warrants. Field names match
the services' arguments, so a service error naming a field lands on that field."""

from __future__ import annotations

from django import forms

from oms.sentencing.models import Charge, CourtCase, Hearing, Warrant
from oms.web.forms import DateInputField

DATE_HINT = "For example, 27 3 2026"


def text(label: str, *, max_length: int = 200, required: str = "", help_text: str = "", textarea: bool = False):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=bool(required),
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}) if textarea else forms.TextInput,
        error_messages={
            "required": required or f"Enter the {label.lower()}",
            "max_length": f"{label} must be {max_length} characters or fewer",
        },
    )


def choice(label: str, choices, *, required: str = "", blank: str = "", radios: bool = False):
    options = [("", blank), *choices] if blank else list(choices)
    return forms.ChoiceField(
        label=label,
        choices=options,
        required=bool(required),
        widget=forms.RadioSelect if radios else forms.Select,
        error_messages={
            "required": required or f"Select the {label.lower()}",
            "invalid_choice": f"Select the {label.lower()}",
        },
    )


def date(label: str, *, required: str = "", help_text: str = DATE_HINT) -> DateInputField:
    field = DateInputField(label=label, required=False, help_text=help_text)
    if required:
        field.required = True
        field.error_messages["required"] = required
    return field


def whole_number(label: str, *, minimum: int = 0, maximum: int = 36_500, required: bool = False, initial=None):
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=maximum,
        required=required,
        initial=initial,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "invalid": f"{label} must be a whole number",
            "min_value": f"{label} must be {minimum} or more",
            "max_value": f"{label} must be {maximum:,} or fewer",
            "required": f"Enter the {label.lower()}",
        },
    )


class VersionField(forms.IntegerField):
    def __init__(self):
        super().__init__(widget=forms.HiddenInput, min_value=1, max_value=2_000_000_000)


class CourtCaseForm(forms.Form):
    case_number = text("Case number", max_length=40, required="Enter the case number")
    court_name = text("Court", max_length=200, required="Enter the court")
    opened_on = date("Date the case opened (optional)")


class CourtCaseChangeForm(CourtCaseForm):
    status = choice("Status", CourtCase.Status.choices, radios=True, required="Select the status")
    version = VersionField()


class HearingForm(forms.Form):
    kind = choice("Kind of hearing", Hearing.Kind.choices, required="Select the kind of hearing")
    hearing_on = date("Date of the hearing", required="Enter the date of the hearing")
    time = forms.TimeField(
        label="Time",
        help_text="Use the 24-hour clock, for example 10:00",
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        error_messages={"required": "Enter the time", "invalid": "Time must be a time like 10:00"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    court_name = text("Court, if not the case's court")
    outcome = choice("Outcome", Hearing.Outcome.choices, blank="Not yet heard")
    outcome_notes = text("Outcome notes", max_length=1000, textarea=True)
    next_hearing_on = date("Next hearing (optional)")


class ChargeForm(forms.Form):
    offence_code = text(
        "Offence code",
        max_length=20,
        required="Enter the offence code",
        help_text="From the offence catalogue, for example TH68001",
    )
    count_number = whole_number("Count", minimum=1, maximum=999, required=True, initial=1)
    committed_from = date("Offence committed on, or from", required="Enter the date the offence was committed")
    committed_to = date("Offence committed to (for an offence over a period)")
    plea = choice("Plea", Charge.Plea.choices, blank="Not yet entered")
    outcome = choice("Outcome", Charge.Outcome.choices, required="Select the outcome")
    outcome_on = date("Outcome date (optional)")
    particulars = text("Particulars", max_length=1000, textarea=True)


class WarrantForm(forms.Form):
    kind = choice("Kind", Warrant.Kind.choices, required="Select the kind of warrant", radios=True)
    reference = text("Reference", max_length=60, required="Enter the reference")
    issued_by = text("Issued by", max_length=200, required="Enter who issued it", help_text="The court or authority")
    issued_on = date("Date issued", required="Enter the date issued")
    court_case = choice("Court case (optional)", [], blank="None")
    notes = text("Notes", max_length=1000, textarea=True)

    def __init__(self, *args, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["court_case"].choices = [("", "None"), *cases]


class WarrantEndForm(forms.Form):
    status = choice(
        "What happened",
        [("executed", "Executed"), ("withdrawn", "Withdrawn"), ("lifted", "Lifted")],
        required="Select what happened",
        radios=True,
    )
    ended_on = date("Date", required="Enter the date")
    notes = text("Notes", max_length=1000, textarea=True)
