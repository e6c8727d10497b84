"""Forms for the release-date pages: a manual calculation, an override and its withdrawal, and a
facility's profile."""

from __future__ import annotations

from django import forms

from oms.sentencing.queries.calculations import DATE_TITLES
from oms.web.forms import DateInputField


class CalculateForm(forms.Form):
    reason = forms.CharField(label="Why are you asking for a calculation? (optional)", max_length=500, required=False)


class OverrideForm(forms.Form):
    date_type = forms.ChoiceField(label="Date to override")
    date = DateInputField(label="Overriding date")
    reason = forms.CharField(
        label="Reason",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="You are recorded as the person who authorised this override.",
    )

    def __init__(self, *args, date_types: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_type"].choices = [(t, f"{DATE_TITLES.get(t, t)} ({t})") for t in date_types]


class WithdrawOverrideForm(forms.Form):
    reason = forms.CharField(label="Reason for withdrawing", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class SiteProfileForm(forms.Form):
    profile = forms.ChoiceField(label="Release-date profile")

    def __init__(self, *args, profiles: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = profiles
