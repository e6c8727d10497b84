"""Forms for the case plan pages. Field names match the services' arguments, so a service error naming
a field lands on that field. Every change form carries the plan version read (hidden)."""

from __future__ import annotations

from django import forms

from oms.rehabilitation.models import PlanAction, PlanGoal
from oms.rehabilitation.rules.plans import NEED_GOALS
from oms.web.forms import VersionField
from oms.web.forms import choice_field as choice
from oms.web.forms import date_field as date
from oms.web.forms import text_field as text

NEED_CHOICES = [("", "None: not tied to an assessed need")] + [
    (code, code.replace("_", " ").capitalize()) for code in NEED_GOALS
]


class OpenPlanForm(forms.Form):
    persons_words = text(
        "The person's own words (optional)",
        max_length=5000,
        rows=4,
        help_text="What they want to change and how, as they said it",
    )
    next_review_on = date("First review date (optional)")


class GoalForm(forms.Form):
    title = text("Goal", max_length=200, required="Enter the goal")
    description = text("Details (optional)", max_length=2000, rows=3)
    need = choice("Assessed need it addresses", NEED_CHOICES)
    version = VersionField()


class GoalChangeForm(forms.Form):
    title = text("Goal", max_length=200, required="Enter the goal")
    description = text("Details (optional)", max_length=2000, rows=3)
    version = VersionField()


class GoalCloseForm(forms.Form):
    status = choice(
        "Outcome",
        [(s, PlanGoal.Status(s).label) for s in (PlanGoal.Status.ACHIEVED, PlanGoal.Status.WITHDRAWN)],
        required="Select whether the goal was achieved or is no longer needed",
        radios=True,
    )
    reason = text("Note (optional)", max_length=500, rows=2)
    version = VersionField()


class ActionForm(forms.Form):
    description = text("Action or intervention", max_length=500, required="Enter the action")
    owner_kind = choice("Who owns it", PlanAction.OwnerKind.choices, required="Select who owns the action")
    owner_name = text("Owner's name (optional)", max_length=200)
    target_on = date("Target date (optional)")
    status = choice("Status", PlanAction.Status.choices, required="Select the status", radios=True)
    programme_id = forms.ChoiceField(label="Programme (optional)", required=False, choices=[])
    version = VersionField()

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme_id"].choices = [("", "None")] + [
            (str(p.public_id), f"{p.title} ({p.code}, {p.facility.name})") for p in programmes
        ]
        self.fields["programme_id"].error_messages["invalid_choice"] = "Select a programme from the list"


class ReviewForm(forms.Form):
    held_on = date("Date of the review", required="Enter the date of the review")
    attendees = text(
        "Who attended",
        max_length=6000,
        rows=4,
        required="Enter who attended the review",
        help_text="One per line, with their role, for example: Daniel Okafor (the person)",
    )
    summary = text("Summary", max_length=5000, rows=5, required="Enter a summary of the review")
    persons_words = text("What the person said (optional)", max_length=5000, rows=3)
    next_review_on = date("Next review date (optional)")
    version = VersionField()


class PersonsWordsForm(forms.Form):
    persons_words = text(
        "The person's own words",
        max_length=5000,
        rows=6,
        help_text="What they want to change and how, as they said it",
    )
    version = VersionField()


class ClosePlanForm(forms.Form):
    reason = text("Reason for closing the plan", max_length=500, required="Enter the reason for closing the plan")
    version = VersionField()


class VersionOnlyForm(forms.Form):
    version = VersionField()


class DueFilterForm(forms.Form):
    within_days = forms.IntegerField(
        label="Include reviews due within (days)",
        min_value=0,
        max_value=366,
        required=False,
        initial=14,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "invalid": "Days must be a whole number",
            "min_value": "Days must be 0 or more",
            "max_value": "Days must be 366 or fewer",
        },
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[("urgency", "Most overdue first"), ("due", "Due date"), ("person", "Person")],
    )
