"""Forms for the diversion pages. Field names match the services' arguments, so a service error naming a
field lands on that field. Money is typed in pounds/dollars and pence/cents ("45.50") and handed to the
services as integer minor units."""

from __future__ import annotations

import re

from django import forms

from oms.diversion.models import ClassAttendance, LedgerEntry, Referral, Requirement
from oms.web.forms import VersionField
from oms.web.forms import date_field as date

MONEY = re.compile(r"^\d{1,10}(\.\d{1,2})?$")


def text(label: str, *, max_length: int, required: str = "", help_text: str = "", rows: int = 0):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=bool(required),
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput,
        error_messages={"required": required or f"Enter the {label.lower()}"},
    )


def choice(label: str, choices, *, required: str = "", radios: bool = True):
    return forms.ChoiceField(
        label=label,
        choices=list(choices),
        required=bool(required),
        widget=forms.RadioSelect if radios else forms.Select,
        error_messages={
            "required": required or f"Select the {label.lower()}",
            "invalid_choice": f"Select the {label.lower()}",
        },
    )


def whole(label: str, *, low: int, high: int, required: str = "", help_text: str = ""):
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        required=bool(required),
        help_text=help_text,
        error_messages={
            "required": required or f"Enter the {label.lower()}",
            "invalid": f"{label} must be a whole number",
            "min_value": f"{label} must be {low:,} or more",
            "max_value": f"{label} must be {high:,} or less",
        },
    )


class MoneyField(forms.CharField):
    """An amount like 45.50, cleaned to integer minor units (4550)."""

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        value = value.replace(",", "").strip()
        if not MONEY.match(value):
            raise forms.ValidationError(f"Enter the {self.label.lower()} as an amount, like 45.50")
        units, _, cents = value.partition(".")
        return int(units) * 100 + int((cents + "00")[:2])


class ReferralForm(forms.Form):
    system_number = text(
        "Person's system number",
        max_length=7,
        required="Enter the person's system number",
        help_text="For example, A1234BC",
    )
    programme_id = choice("Programme", [], required="Select the programme", radios=False)
    referrer_kind = choice("Referred by", Referral.ReferrerKind.choices, required="Select who referred the person")
    referrer_name = text("Referrer's name or office", max_length=200, required="Enter the referrer's name or office")
    referrer_reference = text("Police or prosecution reference", max_length=60)
    offence_summary = text("Offence", max_length=2000, required="Enter a summary of the offence", rows=3)
    offence_category = text("Offence category", max_length=40, help_text="For example, theft, damage, drugs")
    referred_on = date("Date of referral", required="Enter the date of the referral")

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme_id"].choices = [("", "Choose a programme")] + [
            (str(p.public_id), f"{p.name} ({p.site.name})") for p in programmes
        ]


class AssessmentForm(forms.Form):
    version = VersionField()
    prior_convictions = whole("Number of prior convictions", low=0, high=1000)
    pending_charges = choice(
        "Other charges pending?",
        [("no", "No"), ("yes", "Yes"), ("unknown", "Not known")],
        required="Say whether other charges are pending",
    )
    offence_category = text("Offence category", max_length=40, help_text="Leave as referred unless it was wrong")

    def clean_pending_charges(self):
        return {"yes": True, "no": False}.get(self.cleaned_data["pending_charges"])


MENU = [(k, label) for k, label in Requirement.Kind.choices]


class AgreementForm(forms.Form):
    """The agreement: for each kind in the menu, a target and a due date (leave both empty to leave the
    kind out), plus the restitution plan and the household facts for the fee."""

    version = VersionField()
    signed_on = date("Date signed", required="Enter the date the agreement was signed")
    household_income = MoneyField(
        label="Household income a year", required=True, error_messages={"required": "Enter the household income a year"}
    )
    household_size = whole(
        "People in the household", low=1, high=30, required="Enter the number of people in the household"
    )
    means_tested_benefit = forms.BooleanField(label="Receives a means-tested benefit (fee waived)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in MENU:
            if kind == "restitution":
                self.fields["restitution_target"] = MoneyField(label="Restitution amount", required=False)
            elif kind != "no_new_arrest":
                self.fields[f"{kind}_target"] = whole(label, low=1, high=2_000)
            self.fields[f"{kind}_due_on"] = date(f"{label.split(' (')[0]}: due by")
            self.fields[f"{kind}_detail"] = text(f"{label.split(' (')[0]}: detail", max_length=1000)
            if kind == "restitution":
                self.fields["restitution_instalment"] = MoneyField(label="Restitution instalment", required=False)
                self.fields["restitution_every_days"] = whole("Instalment every (days)", low=1, high=366)
                self.fields["restitution_first_on"] = date("First instalment due")

    def requirements(self) -> list[dict]:
        data, chosen = self.cleaned_data, []
        for kind, _ in MENU:
            due_on = data.get(f"{kind}_due_on")
            target = data.get(f"{kind}_target")
            if due_on is None and target in (None, ""):
                continue
            item = {"kind": kind, "target": target, "due_on": due_on, "detail": data.get(f"{kind}_detail", "")}
            if kind == "restitution" and data.get("restitution_instalment"):
                item |= {
                    "instalment_minor": data.get("restitution_instalment"),
                    "instalment_every_days": data.get("restitution_every_days"),
                    "first_instalment_on": data.get("restitution_first_on"),
                }
            chosen.append(item)
        return chosen


class VersionForm(forms.Form):
    version = VersionField()


class OutcomeForm(forms.Form):
    version = VersionField()
    reason = text("Reason", max_length=1000, rows=3)


class TerminateForm(OutcomeForm):
    reason = text("Reason for termination", max_length=1000, rows=3, required="Enter the reason for termination")


class HoursForm(forms.Form):
    worked_on = date("Date worked", required="Enter the date worked")
    minutes = whole(
        "Minutes worked",
        low=1,
        high=1440,
        required="Enter the minutes worked",
        help_text="For example, 180 for 3 hours",
    )
    description = text("What was done", max_length=500)


class LedgerForm(forms.Form):
    kind = choice("Entry", LedgerEntry.Kind.choices, required="Select payment, charge or waiver")
    amount_minor = MoneyField(label="Amount", required=True, error_messages={"required": "Enter the amount"})
    requirement_id = choice("Account", [], radios=False)
    on = date("Date", required="Enter the date")
    note = text("Note (the reason, for a waiver)", max_length=500)

    def __init__(self, *args, restitution=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement_id"].choices = [("", "Programme fee")] + [
            (str(r.public_id), f"Restitution: {r.detail or 'ordered'}") for r in restitution
        ]


class AttendanceForm(forms.Form):
    on = date("Date", required="Enter the date")
    outcome = choice("Outcome", ClassAttendance.Outcome.choices, required="Select the outcome")
    test_result = choice(
        "Drug test result", [("", "Not a drug test"), ("negative", "Negative"), ("positive", "Positive")]
    )
    note = text("Note", max_length=500)


class NewArrestForm(forms.Form):
    arrested_on = date("Date of arrest", required="Enter the date of the arrest")
    note = text("What happened", max_length=1000, rows=3, required="Enter what happened")
