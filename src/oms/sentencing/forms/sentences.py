"""Forms for sentences and adjustments. Lengths are four boxes (years, months, weeks, days) as a court
states them; the consecutive choice lists the person's other active sentences, empty = concurrent."""

from __future__ import annotations

import re

from django import forms

from oms.sentencing.forms.records import VersionField, choice, date, text, whole_number
from oms.sentencing.models import Adjustment, Sentence


class SentenceForm(forms.Form):
    kind = choice("Kind of sentence", Sentence.KIND_CHOICES, required="Select the kind of sentence")
    sentenced_on = date("Sentence date", required="Enter the sentence date")
    offence_committed_on = date("Offence date", required="Enter the offence date")
    years = whole_number("Years", maximum=99)
    months = whole_number("Months", maximum=1_200)
    weeks = whole_number("Weeks", maximum=5_200)
    days = whole_number("Days")
    fine_amount = forms.CharField(
        label="Fine amount in pounds (for a fine)",
        required=False,
        max_length=15,
        help_text="For example, 250 or 250.50",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
    )
    consecutive_to = choice("Consecutive to", [], blank="Concurrent (runs alongside the others)")
    charges = forms.MultipleChoiceField(
        label="Charges it was passed for", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, sentences=(), charges=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consecutive_to"].choices = [("", "Concurrent (runs alongside the others)"), *sentences]
        self.fields["charges"].choices = list(charges)
        if not charges:
            del self.fields["charges"]

    def clean(self):
        data = super().clean()
        for name in ("years", "months", "weeks", "days"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        amount = (data.pop("fine_amount", "") or "").strip().lstrip("£").replace(",", "")
        data["fine_amount_pence"] = None
        if amount:
            # Money is integer minor units: read pounds and pence as text, never through a float.
            match = re.fullmatch(r"(\d{1,10})(?:\.(\d{1,2}))?", amount)
            if match is None:
                self.add_error("fine_amount", "Fine amount must be an amount in pounds, like 250 or 250.50")
            else:
                data["fine_amount_pence"] = int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))
        return data


class SentenceChangeForm(SentenceForm):
    version = VersionField()


class SentenceEndForm(forms.Form):
    status = choice(
        "Why is it being taken off",
        [(Sentence.Status.QUASHED, "Quashed on appeal"), (Sentence.Status.ENTERED_IN_ERROR, "Entered in error")],
        required="Select why the sentence is being taken off",
        radios=True,
    )
    reason = text("Details", max_length=500, required="Enter the details", textarea=True)
    version = VersionField()


class AdjustmentForm(forms.Form):
    kind = choice("Kind of adjustment", Adjustment.KIND_CHOICES, required="Select the kind of adjustment")
    from_date = date("First day (optional)")
    to_date = date("Last day (optional)")
    days = whole_number("Days", minimum=1)
    sentence = choice("Given for the sentence (optional)", [], blank="All current sentences")
    source = text("Source", help_text="For example, court record or adjudication number")

    def __init__(self, *args, sentences=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].help_text = "Leave empty to count the days from the first to the last day, both included"
        self.fields["sentence"].choices = [("", "All current sentences"), *sentences]


class AdjustmentWithdrawForm(forms.Form):
    reason = text(
        "Why is it being withdrawn", max_length=500, required="Enter why it is being withdrawn", textarea=True
    )
