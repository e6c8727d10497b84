"""Forms for drug and alcohol testing."""

from __future__ import annotations

from django import forms

from oms.supervision.forms.cases import DATE_HINT, choice, date, text
from oms.supervision.models import DrugTest


class SelectionForm(forms.Form):
    on = date("Date of the tests", required="Enter the date of the tests")
    seed = forms.IntegerField(
        label="Seed (optional)",
        required=False,
        min_value=0,
        max_value=2**62 - 1,
        help_text="Leave empty for a new random seed. The same seed and roster always select the same people.",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": "Enter a whole number", "min_value": "Enter 0 or more", "max_value": "Too large"},
    )


class OrderTestForm(forms.Form):
    due_on = date("Date (optional)", help_text="Leave empty for today. " + DATE_HINT)
    notes = text("Notes (optional)", max_length=2000, rows=2)


class ResultForm(forms.Form):
    result = choice(
        "Result",
        [(r, DrugTest.Result(r).label) for r in DrugTest.Result.values if r != "pending"],
        required="Select the result",
        radios=True,
    )
    substances = text("Substances found", max_length=600, help_text="Required when positive; separate them with commas")
    notes = text("Notes (optional)", max_length=2000, rows=2)

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["substances"] = [s.strip() for s in data["substances"].split(",") if s.strip()]
        return data
