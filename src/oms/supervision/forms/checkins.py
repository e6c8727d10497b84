"""Forms for remote check-ins: the officer's schedule and review, the participant's check-in."""

from __future__ import annotations

from django import forms

from oms.people.rules import PHOTO_MAX_BYTES
from oms.supervision.models import CheckIn, CheckInSchedule
from oms.supervision.rules import checkins as rules
from oms.web.forms import VersionField
from oms.web.forms import choice_field as choice
from oms.web.forms import date_field as date
from oms.web.forms import text_field as text


class ScheduleForm(forms.Form):
    frequency = choice("How often", CheckInSchedule.Frequency.choices, required="Select how often", radios=True)
    starts_on = date("First check-in", required="Enter the date of the first check-in")
    window_hours = forms.IntegerField(
        label="Hours each check-in stays open",
        initial=72,
        min_value=rules.MIN_WINDOW_HOURS,
        max_value=rules.MAX_WINDOW_HOURS,
        help_text="From midnight of the day it opens. A late check-in is still taken for 24 hours after.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter how many hours each check-in stays open",
            "invalid": "Enter a whole number of hours",
            "min_value": "Enter at least 1 hour",
            "max_value": "Enter at most 168 hours (a week)",
        },
    )


class ReviewForm(forms.Form):
    outcome = choice("Outcome", CheckIn.Outcome.choices, required="Select the outcome", radios=True)
    note = text("Note", max_length=2000, rows=3, help_text="Required for concerns or follow-up")
    version = VersionField()


class CheckInForm(forms.Form):
    """The participant's check-in: identity questions, the survey, an optional photo."""

    date_of_birth = date("Your date of birth", required="Enter your date of birth")
    postcode = text("The postcode where you live", max_length=20, required="Enter your postcode")
    message = text("Anything you want to tell your officer (optional)", max_length=rules.MESSAGE_LIMIT, rows=4)
    photo = forms.FileField(
        label="A photo of yourself (optional)",
        required=False,
        help_text="A JPEG or PNG, smaller than 2 MB",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        survey = {
            key: choice(question, choices, required=f"Select an answer: {question.lower()}", radios=True)
            for key, (question, choices) in rules.SURVEY.items()
        }
        # The survey after the identity questions, before the message.
        ordered = {}
        for name, field in self.fields.items():
            if name == "message":
                ordered.update(survey)
            ordered[name] = field
        self.fields = ordered

    def values(self) -> dict:
        data = self.cleaned_data
        photo = data.get("photo")
        return {
            "date_of_birth": data["date_of_birth"],
            "postcode": data["postcode"],
            "answers": {key: data[key] for key in rules.SURVEY},
            "message": data["message"],
            "photo_name": photo.name if photo else "",
            "photo_content": photo.read(PHOTO_MAX_BYTES + 1) if photo else None,
        }
