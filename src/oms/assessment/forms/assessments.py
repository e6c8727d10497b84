"""Forms for the assessment pages: the due-list filter, starting an assessment, the answers of a draft
(built from the instrument's definition), the override and the reassessment-due reason.

The answers form only turns what was typed into the answer values the services take (numbers, ISO
dates, lists); whether an answer is allowed (an option, a range, a date order) is the services' call,
so their RuleViolation lands on the field it names and the page shows it there.
"""

from __future__ import annotations

import datetime as dt
import json

from django import forms

from oms.assessment.rules import ogrs3, tiering
from oms.assessment.services import instruments
from oms.web.forms import DateInputField

YES_NO = [("yes", "Yes"), ("no", "No")]
NOT_ANSWERED = ("", "Not answered")


def instrument_title(code: str, version: int | None = None) -> str:
    """A person-readable name of an instrument (the catalogue's title, else a fixed one)."""
    if code == ogrs3.CODE:
        return "OGRS3 reconviction predictor"
    if code == instruments.TIERING_CODE:
        return "Probation tiering"
    try:
        return instruments.catalogue().get(code, version).title
    except Exception:  # an instrument no longer shipped: its code is still a name
        return code


class DueFilterForm(forms.Form):
    within_days = forms.IntegerField(
        label="Due within (days)", min_value=0, max_value=366, initial=28, required=False, widget=forms.NumberInput
    )
    site = forms.ChoiceField(label="Site", required=False)

    def __init__(self, *args, sites: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", "All sites you can see"), *sites]


class StartForm(forms.Form):
    instrument = forms.ChoiceField(label="Instrument", widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [
            (code, f"{instrument_title(code)} (version {instruments.latest_version(code)})")
            for code in instruments.codes()
        ]


class MarkDueForm(forms.Form):
    reason = forms.CharField(
        label="Why is a reassessment due?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: a new conviction. The current assessment of this instrument becomes due today.",
    )


class OverrideForm(forms.Form):
    band = forms.ChoiceField(label="Band in force", widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason for the override",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="You are recorded as the person who approved this override.",
    )

    def __init__(self, *args, bands: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["band"].choices = [(band, band) for band in bands]


def override_bands(assessment) -> list[str]:
    """The bands an override may choose for this assessment (none for OGRS3 or an instrument that does
    not allow overrides); the service still decides."""
    code, computed = assessment.instrument_code, assessment.computed_band
    if code == ogrs3.CODE:
        return []
    if code == instruments.TIERING_CODE:
        return [tier for tier in instruments.TIERS if tier != computed]
    try:
        definition = instruments.catalogue().get(code, assessment.instrument_version)
    except Exception:
        return []
    if not definition.overrides_allowed:
        return []
    return [band.name for band in definition.bands if band.name != computed]


# ---- answers ------------------------------------------------------------------------------------


class AnswersForm(forms.Form):
    """The answers of one draft. ``answers()`` gives every question's answer for the services, None
    for a question left empty (a draft merge then removes that answer)."""

    def answers(self) -> dict:
        raise NotImplementedError

    @classmethod
    def initial_from(cls, answers: dict) -> dict:
        return dict(answers)


def _number(value):
    """A typed number as the services take it: a whole number stays an int."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


class CatalogueAnswersForm(AnswersForm):
    """A generic catalogue instrument: radios per choice item with the option labels and points, a
    number input with its range per number item."""

    def __init__(self, *args, definition, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        for item in definition.items:
            if item.kind == "choice":
                self.fields[item.code] = forms.ChoiceField(
                    label=item.label,
                    required=False,
                    widget=forms.RadioSelect,
                    choices=[
                        (o.value, f"{o.label} ({o.points:g} point{'' if o.points == 1 else 's'})") for o in item.options
                    ],
                )
            else:
                self.fields[item.code] = forms.FloatField(
                    label=item.label,
                    required=False,
                    help_text=f"A number from {item.minimum:g} to {item.maximum:g}",
                    widget=forms.NumberInput(attrs={"min": f"{item.minimum:g}", "max": f"{item.maximum:g}"}),
                )

    def answers(self) -> dict:
        given = {}
        for item in self.definition.items:
            value = self.cleaned_data.get(item.code)
            given[item.code] = (value or None) if item.kind == "choice" else _number(value)
        return given


class Ogrs3AnswersForm(AnswersForm):
    sex = forms.ChoiceField(
        label="Sex", required=False, widget=forms.RadioSelect, choices=[("male", "Male"), ("female", "Female")]
    )
    offence_category = forms.TypedChoiceField(
        label="Offence category (of the current conviction)",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[NOT_ANSWERED, *((str(i), name) for i, name in enumerate(ogrs3.OFFENCE_CATEGORIES))],
    )
    previous_sanctions = forms.IntegerField(
        label="Number of previous sanctions",
        required=False,
        help_text="Convictions, cautions, reprimands and final warnings before this conviction",
        widget=forms.NumberInput(attrs={"min": "0"}),
    )
    birth_date = DateInputField(label="Date of birth", required=False)
    conviction_date = DateInputField(label="Date of the current conviction", required=False)
    first_sanction_date = DateInputField(label="Date of the first sanction", required=False)

    def answers(self) -> dict:
        data = self.cleaned_data
        given = {
            "sex": data.get("sex") or None,
            "offence_category": data.get("offence_category"),
            "previous_sanctions": data.get("previous_sanctions"),
        }
        for name in ("birth_date", "conviction_date", "first_sanction_date"):
            given[name] = data[name].isoformat() if data.get(name) else None
        return given

    @classmethod
    def initial_from(cls, answers: dict) -> dict:
        initial = dict(answers)
        for name in ("birth_date", "conviction_date", "first_sanction_date"):
            try:
                initial[name] = dt.date.fromisoformat(answers[name])
            except (KeyError, TypeError, ValueError):
                initial.pop(name, None)
        if "offence_category" in answers:
            initial["offence_category"] = str(answers["offence_category"])
        return initial


def _json_list(form, name: str):
    text = (form.cleaned_data.get(name) or "").strip()
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        form.add_error(name, "Enter a JSON list, for example []")
        return None
    if not isinstance(value, list):
        form.add_error(name, "Enter a JSON list, for example []")
        return None
    return value


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


class TieringAnswersForm(AnswersForm):
    """Tiering: the simple inputs as fields, registrations as checkboxes, one select per need, and the
    convictions and sentences (lists of small records) as JSON text, documented in the hints."""

    sex = forms.ChoiceField(
        label="Sex", required=False, widget=forms.RadioSelect, choices=[("MALE", "Male"), ("FEMALE", "Female")]
    )
    rosh = forms.ChoiceField(
        label="Risk of serious harm (ROSH)",
        required=False,
        choices=[NOT_ANSWERED, *((level, level.replace("_", " ").capitalize()) for level in tiering.ROSH_POINTS)],
    )
    rsr_percentage = forms.FloatField(label="RSR percentage", required=False, help_text="0 to 100")
    mappa_level = forms.TypedChoiceField(
        label="MAPPA level",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[NOT_ANSWERED, ("1", "Level 1"), ("2", "Level 2"), ("3", "Level 3")],
    )
    registrations = forms.MultipleChoiceField(
        label="Registrations",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            *((code, f"{name} ({code})") for code, name in tiering.COMPLEXITY_REGISTRATIONS.items()),
            (tiering.IOM_REGISTRATION, f"Integrated Offender Management ({tiering.IOM_REGISTRATION})"),
        ],
    )
    convictions = forms.CharField(
        label="Convictions (JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=(
            'A list, one record per conviction, e.g. [{"breached": true, "previous_enforcement_activity": false}]'
        ),
    )
    parenting_responsibilities = forms.ChoiceField(
        label="Parenting responsibilities", required=False, widget=forms.RadioSelect, choices=YES_NO
    )
    impulsivity = forms.TypedChoiceField(
        label="Impulsivity (OASys 11.2)",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[NOT_ANSWERED, ("0", "0"), ("1", "1"), ("2", "2")],
    )
    temper_control = forms.TypedChoiceField(
        label="Temper control (OASys 11.4)",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[NOT_ANSWERED, ("0", "0"), ("1", "1"), ("2", "2")],
    )
    sentences = forms.CharField(
        label="Current sentences (JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=(
            'A list, e.g. [{"custodial": false, "requirements": ["UNPAID_WORK", "SUPERVISION"]}]; '
            "left empty, one custodial sentence"
        ),
    )
    assessment_completed = forms.ChoiceField(
        label="Is there a completed OASys layer 3 assessment?", required=False, widget=forms.RadioSelect, choices=YES_NO
    )
    ogrs_percentage = forms.FloatField(label="OGRS 2-year percentage", required=False, help_text="0 to 100")

    NEED_PREFIX = "need_"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        severities = [NOT_ANSWERED, *((s, s.replace("_", " ").capitalize()) for s in tiering.NEED_SEVERITY)]
        for need in tiering.NEED_WEIGHTS:
            self.fields[self.NEED_PREFIX + need] = forms.ChoiceField(
                label=f"Need: {need.replace('_', ' ').lower()}", required=False, choices=severities
            )

    def answers(self) -> dict:
        data = self.cleaned_data
        given = {
            "sex": data.get("sex") or None,
            "rosh": data.get("rosh") or None,
            "rsr_percentage": _number(data.get("rsr_percentage")),
            "mappa_level": data.get("mappa_level"),
            "registrations": list(data.get("registrations") or []) or None,
            "convictions": _json_list(self, "convictions"),
            "parenting_responsibilities": _yes_no(data.get("parenting_responsibilities")),
            "impulsivity": data.get("impulsivity"),
            "temper_control": data.get("temper_control"),
            "sentences": _json_list(self, "sentences"),
            "assessment_completed": _yes_no(data.get("assessment_completed")),
            "ogrs_percentage": _number(data.get("ogrs_percentage")),
        }
        needs = {
            need: data[self.NEED_PREFIX + need] for need in tiering.NEED_WEIGHTS if data.get(self.NEED_PREFIX + need)
        }
        given["needs"] = needs or None
        return given

    @classmethod
    def initial_from(cls, answers: dict) -> dict:
        initial = dict(answers)
        for name in ("convictions", "sentences"):
            if name in answers:
                initial[name] = json.dumps(answers[name])
        for name in ("parenting_responsibilities", "assessment_completed"):
            if isinstance(answers.get(name), bool):
                initial[name] = "yes" if answers[name] else "no"
        for name in ("mappa_level", "impulsivity", "temper_control"):
            if answers.get(name) is not None:
                initial[name] = str(answers[name])
        needs = answers.get("needs")
        if isinstance(needs, dict):
            for need, severity in needs.items():
                initial[cls.NEED_PREFIX + need] = severity
        return initial


def answers_form(assessment, data=None) -> AnswersForm:
    """The answers form for this draft's instrument and version, filled from its stored answers."""
    code = assessment.instrument_code
    if code == ogrs3.CODE:
        form_class, extra = Ogrs3AnswersForm, {}
    elif code == instruments.TIERING_CODE:
        form_class, extra = TieringAnswersForm, {}
    else:
        form_class = CatalogueAnswersForm
        extra = {"definition": instruments.catalogue().get(code, assessment.instrument_version)}
    return form_class(data, initial=form_class.initial_from(assessment.answers), prefix="answer", **extra)
