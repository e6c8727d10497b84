"""Forms for the incentive pages: a review, a facility's level, and the due-list filter."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from oms.web.forms import DateInputField


class ReviewForm(forms.Form):
    level = forms.ChoiceField(label="Level", widget=forms.RadioSelect)
    reasons = forms.CharField(
        label="Reasons",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the person has done and why the level is right. The person may see this.",
    )
    reviewed_on = DateInputField(
        label="Date of the review", required=False, help_text="Leave blank for today. For example, 27 3 2026"
    )

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(level.code, level.name) for level in levels]


class PoundsField(forms.Field):
    """An amount in pounds typed as "15.50" or "£15.50", cleaned to whole pence."""

    widget = forms.TextInput

    def to_python(self, value):
        text = str(value or "").strip().lstrip("£").replace(",", "")
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError("Spending limit must be an amount in pounds, like 15.50", code="invalid")
        if not amount.is_finite() or amount < 0 or amount.as_tuple().exponent < -2:
            raise ValidationError("Spending limit must be an amount in pounds, like 15.50", code="invalid")
        if len(text) > 12 or amount > 10_000:
            raise ValidationError("Spending limit must be £10,000 or less", code="max_value")
        return int(amount * 100)


class LevelForm(forms.Form):
    code = forms.CharField(
        label="Code", max_length=20, help_text="Lower-case letters, digits and underscores, like enhanced_2"
    )
    name = forms.CharField(label="Name", max_length=100)
    rank = forms.IntegerField(label="Rank", min_value=1, max_value=100, help_text="1 is the lowest level")
    spending_limit = PoundsField(label="Spending limit a week, in pounds")
    visits_per_month = forms.IntegerField(label="Visits a month", min_value=0, max_value=31)
    privileges = forms.CharField(
        label="Other privileges (optional)",
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line",
    )
    is_basic = forms.BooleanField(
        label="This is the basic level (reviewed within 7 days, then every 28)", required=False
    )
    is_default = forms.BooleanField(label="People received here start on this level", required=False)
    active = forms.BooleanField(label="In use", required=False, initial=True)


class DueFilterForm(forms.Form):
    within_days = forms.IntegerField(
        label="Also due within (days)", min_value=0, max_value=366, initial=0, required=False, widget=forms.NumberInput
    )
    site = forms.ChoiceField(label="Facility", required=False)

    def __init__(self, *args, sites: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", "All facilities you can see"), *sites]
