"""Page forms for incident reports. They parse and bound input; the services decide the rules, and their
errors are put back on the matching field by the views. The type's questions become fields named
``q_<code>``; every follow-up is shown and the server decides on save which ones apply (a hidden
follow-up's answer is dropped), so the form works without JavaScript."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms

from oms.incidents.models import Involvement
from oms.incidents.services import reports as services
from oms.web.forms import DateInputField

TIME_HELP = "Use the 24-hour clock, for example 14:05"


def _time(label: str, message: str, *, required: bool = True) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        help_text=TIME_HELP,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        widget=forms.TimeInput(format="%H:%M"),
        error_messages={"required": message, "invalid": f"{label} must be a time like 14:05"},
    )


def option_label(option: str) -> str:
    """How an option code ("life_threatening") reads on forms and pages ("Life threatening")."""
    return option.replace("_", " ").capitalize()


def answer_text(question: dict, value) -> str:
    """An answer as the page shows it: option codes as their labels, a list joined, anything else as is."""
    if question["kind"] in ("yes_no", "choice", "multi"):
        values = value if isinstance(value, list) else [value]
        return ", ".join(option_label(str(v)) for v in values)
    return str(value)


def question_field(question: dict, labels: dict[str, str]) -> forms.Field:
    label = question["label"]
    hint = ""
    if condition := question.get("shown_if"):
        answers = " or ".join(a.replace("_", " ") for a in condition["answers"])
        hint = f"Only if the answer to '{labels.get(condition['question'], condition['question'])}' is {answers}"
    kind = question["kind"]
    common = {"label": label, "required": False, "help_text": hint}
    if kind == "yes_no":
        return forms.ChoiceField(choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect, **common)
    if kind == "choice":
        choices = [(o, option_label(o)) for o in question["options"]]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == "multi":
        choices = [(o, option_label(o)) for o in question["options"]]
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if kind == "number":
        return forms.FloatField(
            error_messages={"invalid": f"'{label}' must be a number"},
            widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
            **common,
        )
    if kind == "date":
        return DateInputField(**common)
    return forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), **common)


class IncidentReportForm(forms.Form):
    facility = forms.ChoiceField(label="Facility", error_messages={"required": "Select the facility"})
    location = forms.CharField(
        label="Location (optional)",
        required=False,
        max_length=120,
        help_text="The location's key, for example A-1-01",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    occurred_on = DateInputField(label="Date it happened", error_messages={"required": "Enter the date it happened"})
    occurred_time = _time("Time it happened", "Enter the time it happened")
    description = forms.CharField(
        label="What happened",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Describe what happened"},
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, incident_type, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.incident_type = incident_type
        self.fields["facility"].choices = [(str(s.public_id), s.name) for s in facilities]
        if len(facilities) == 1:
            self.fields["facility"].initial = str(facilities[0].public_id)
        labels = {q["code"]: q["label"] for q in incident_type.questions}
        for question in incident_type.questions:
            self.fields[f"q_{question['code']}"] = question_field(question, labels)

    def answers(self) -> dict:
        """The answers in the shape the services take (dates as ISO text, whole numbers as int)."""
        answers = {}
        for question in self.incident_type.questions:
            value = self.cleaned_data.get(f"q_{question['code']}")
            if value is None or value in ("", []):
                continue
            if question["kind"] == "date":
                value = value.isoformat()
            elif question["kind"] == "number" and float(value).is_integer():
                value = int(value)
            answers[question["code"]] = value
        return answers


def initial_from(incident) -> dict:
    """A draft's values as the form's initial data."""
    local = incident.occurred_at.astimezone(zoneinfo.ZoneInfo(incident.facility.time_zone))
    initial = {
        "facility": str(incident.facility.public_id),
        "location": incident.location.key if incident.location else "",
        "occurred_on": local.date(),
        "occurred_time": local.time().replace(second=0, microsecond=0),
        "description": incident.description,
        "version": incident.version,
    }
    for question in incident.incident_type.questions:
        if question["code"] in incident.answers:
            value = incident.answers[question["code"]]
            if question["kind"] == "date":
                value = dt.date.fromisoformat(value)
            initial[f"q_{question['code']}"] = value
    return initial


class InvolvementForm(forms.Form):
    role = forms.ChoiceField(
        label="How were they involved?",
        choices=Involvement.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they were involved"},
    )
    system_number = forms.CharField(
        label="System number of a person in custody",
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    staff_username = forms.CharField(label="Or a member of staff's username", required=False, max_length=150)
    name = forms.CharField(label="Or their name (a visitor or someone not in OMS)", required=False, max_length=200)
    injured = forms.BooleanField(label="Injured", required=False)
    injury_details = forms.CharField(label="Injury details", required=False, max_length=1000)
    taken_to_hospital = forms.BooleanField(label="Taken to hospital", required=False)
    referred_to_police = forms.BooleanField(label="Referred to the police", required=False)
    details = forms.CharField(
        label="Anything else", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class UseOfForceForm(forms.Form):
    techniques = forms.MultipleChoiceField(
        label="Techniques used",
        choices=[(t, option_label(t)) for t in services.TECHNIQUES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the techniques used"},
    )
    restraints = forms.MultipleChoiceField(
        label="Restraints used",
        required=False,
        choices=[(r, option_label(r)) for r in services.RESTRAINTS],
        widget=forms.CheckboxSelectMultiple,
    )
    justification = forms.CharField(
        label="Why was force necessary?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say why force was necessary"},
    )
    planned = forms.BooleanField(label="The use of force was planned", required=False)
    injuries = forms.CharField(label="Injuries", required=False, max_length=2000)
    medical_check_done = forms.BooleanField(label="A medical check was done", required=False)


class TextForm(forms.Form):
    text = forms.CharField(
        label="Text",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the text"},
    )
