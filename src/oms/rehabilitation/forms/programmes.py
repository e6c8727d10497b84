"""Programme page forms. They parse and bound input with GOV.UK error wording and turn it into the
shapes the services take (a timetable typed one slot a line, eligibility from boxes and lists); the
services decide the rules and their errors are put back on the matching field by the views.

People are named by system number typed into a POSTed form, never put in a URL (DP-2)."""

from __future__ import annotations

import re

from django import forms

from oms.rehabilitation.models import Allocation, Programme, Referral
from oms.rehabilitation.rules import eligibility as eligibility_rules
from oms.rehabilitation.rules import timetable as timetable_rules
from oms.rehabilitation.services.allocations import REMOVAL_REASONS
from oms.web.forms import DateInputField

_SLOT = re.compile(r"^\s*([A-Za-z]+)\s+(\d{1,2}:\d{2})\s*(?:-|to)\s*(\d{1,2}:\d{2})\s*$", re.ASCII)
_DAYS = {name.lower()[:3]: index for index, name in enumerate(timetable_rules.WEEKDAYS)}


def _text(label: str, *, max_length: int, required: str = "", help_text: str = "", widget=None) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=bool(required),
        help_text=help_text,
        widget=widget,
        error_messages={"required": required, "max_length": f"{label} must be {max_length} characters or less"},
    )


def _number(label: str, *, low: int, high: int, required: str = "", help_text: str = "") -> forms.IntegerField:
    message = f"{label} must be a whole number from {low} to {high}"
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        required=bool(required),
        help_text=help_text,
        error_messages={"required": required, "invalid": message, "min_value": message, "max_value": message},
    )


def _boxes(label: str, choices, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": f"Select only the {label.lower()} listed"},
    )


def parse_timetable_text(text: str) -> list[dict]:
    """``Monday 09:00-11:30`` a line (day names may be shortened) into slot dicts; ValidationError on a
    line it cannot read. The service checks times and overlaps."""
    slots = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        found = _SLOT.match(line)
        day = _DAYS.get(found.group(1).lower()[:3]) if found else None
        if found is None or day is None:
            raise forms.ValidationError(f"Line {number}: write a day and times, for example Monday 09:00-11:30")
        start, end = (t.zfill(5) for t in found.group(2, 3))
        slots.append({"weekday": day, "start": start, "end": end})
    return slots


def _words(text: str) -> list[str]:
    return [w.strip() for w in (text or "").split(",") if w.strip()]


class ProgrammeForm(forms.Form):
    """Add or change a programme. ``facility`` and ``code`` only when adding."""

    facility = forms.ChoiceField(label="Facility", error_messages={"required": "Select the facility"})
    code = _text(
        "Code", max_length=30, required="Enter a short code", help_text="Unique at the facility, e.g. TSP-1 or KITCHEN"
    )
    title = _text("Title", max_length=200, required="Enter the title")
    kind = forms.ChoiceField(
        label="Kind",
        choices=[("", "Select the kind"), *Programme.Kind.choices],
        error_messages={"required": "Select the kind of programme", "invalid_choice": "Select the kind of programme"},
    )
    description = _text("Description (optional)", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    capacity = _number("Capacity", low=1, high=10_000, required="Enter the number of places")
    location = _text("Location (optional)", max_length=120, help_text="The location key at the facility, e.g. EDU-1")
    timetable = _text(
        "Weekly timetable",
        max_length=3000,
        help_text="One slot a line, for example Monday 09:00-11:30",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    starts_on = DateInputField(label="Runs from (optional)", required=False)
    ends_on = DateInputField(label="Runs until (optional)", required=False)
    sessions_required = _number("Sessions needed to complete (optional)", low=1, high=1000)
    qualification = _text("Qualification earned (optional)", max_length=200)
    earns_time_credits = forms.BooleanField(label="Counts toward time credits (First Step Act)", required=False)
    addresses_needs = _boxes("Needs it addresses", [])
    risk_instrument = forms.ChoiceField(
        label="Risk instrument", choices=[("ogrs3", "OGRS3"), ("tiering", "Tiering")], required=False
    )
    risk_bands = _text(
        "Risk bands that may join (optional)",
        max_length=300,
        help_text="Separated by commas, e.g. medium, high, very high (OGRS3) or B1, B2 (tiering)",
    )
    needs = _boxes("Eligible with a need in", [], help_text="At least one of these at the level below")
    needs_level = forms.ChoiceField(
        label="Need level", choices=[("standard", "Standard or severe"), ("severe", "Severe only")], required=False
    )
    min_days_to_serve = _number("Fewest days left to serve (optional)", low=0, high=eligibility_rules.MAX_DAYS)
    max_days_to_serve = _number("Most days left to serve (optional)", low=0, high=eligibility_rules.MAX_DAYS)
    sexes = _boxes("Sexes", [(s, s.replace("_", " ").capitalize()) for s in eligibility_rules.SEXES[:3]])
    security_levels = _boxes("Security levels", [(s, s.capitalize()) for s in eligibility_rules.SECURITY_LEVELS])

    def __init__(self, *args, facilities=(), needs=(), adding: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].choices = [("", "Select the facility"), *facilities]
        need_choices = [(n, n.replace("_", " ").capitalize()) for n in needs]
        self.fields["needs"].choices = need_choices
        self.fields["addresses_needs"].choices = need_choices
        if not adding:
            del self.fields["facility"]
            del self.fields["code"]

    def clean_timetable(self):
        return parse_timetable_text(self.cleaned_data.get("timetable", ""))

    def eligibility(self) -> dict:
        data = self.cleaned_data
        rules: dict = {}
        if _words(data.get("risk_bands")):
            rules["risk_bands"] = _words(data["risk_bands"])
            rules["risk_instrument"] = data.get("risk_instrument") or "ogrs3"
        if data.get("needs"):
            rules["needs"] = data["needs"]
            rules["needs_level"] = data.get("needs_level") or "standard"
        for key in ("min_days_to_serve", "max_days_to_serve"):
            if data.get(key) is not None:
                rules[key] = data[key]
        for key in ("sexes", "security_levels"):
            if data.get(key):
                rules[key] = data[key]
        return rules

    def values(self) -> dict:
        """What the service takes, from the cleaned data."""
        data = self.cleaned_data
        values = {
            name: data.get(name)
            for name in (
                "title",
                "kind",
                "description",
                "capacity",
                "location",
                "timetable",
                "starts_on",
                "ends_on",
                "sessions_required",
                "qualification",
                "earns_time_credits",
                "addresses_needs",
            )
        }
        values["eligibility"] = self.eligibility()
        if "facility" in self.fields:
            values["facility"] = data.get("facility")
            values["code"] = data.get("code")
        return values

    @staticmethod
    def initial_from(programme: Programme) -> dict:
        rules = programme.eligibility or {}
        return {
            "title": programme.title,
            "kind": programme.kind,
            "description": programme.description,
            "capacity": programme.capacity,
            "location": programme.location.key if programme.location_id else "",
            "timetable": "\n".join(s.label for s in timetable_rules.parse_timetable(programme.timetable)),
            "starts_on": programme.starts_on,
            "ends_on": programme.ends_on,
            "sessions_required": programme.sessions_required,
            "qualification": programme.qualification,
            "earns_time_credits": programme.earns_time_credits,
            "addresses_needs": programme.addresses_needs or [],
            "risk_instrument": rules.get("risk_instrument", "ogrs3"),
            "risk_bands": ", ".join(rules.get("risk_bands", [])),
            "needs": rules.get("needs", []),
            "needs_level": rules.get("needs_level", "standard"),
            "min_days_to_serve": rules.get("min_days_to_serve"),
            "max_days_to_serve": rules.get("max_days_to_serve"),
            "sexes": rules.get("sexes", []),
            "security_levels": rules.get("security_levels", []),
        }


# Service error fields ("timetable[0].start", "eligibility.sexes") back onto the form's fields.
def form_field_for(error_field: str | None) -> str | None:
    if not error_field:
        return None
    if error_field.startswith("timetable"):
        return "timetable"
    if error_field.startswith("eligibility."):
        name = error_field.split(".", 1)[1]
        return "risk_bands" if name == "risk_instrument" else name
    return {"person_id": "system_number", "programme_id": "programme"}.get(error_field, error_field)


class CatalogueFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "All kinds"), *Programme.Kind.choices])
    facility = forms.ChoiceField(label="Facility", required=False)

    def __init__(self, *args, facilities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].choices = [("", "All facilities"), *facilities]


class RetireForm(forms.Form):
    reason = _text("Why is it being retired?", max_length=500, required="Enter why the programme is being retired")


class ReferForm(forms.Form):
    programme = forms.ChoiceField(
        label="Programme", error_messages={"required": "Select the programme", "invalid_choice": "Select the programme"}
    )
    reason = _text(
        "Reason for the referral",
        max_length=1000,
        required="Enter the reason for the referral",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    priority = forms.TypedChoiceField(
        label="Priority",
        coerce=int,
        choices=Referral.Priority.choices,
        initial=Referral.Priority.NORMAL,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the priority", "invalid_choice": "Select the priority"},
    )

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", "Select the programme"), *programmes]


class ReasonForm(forms.Form):
    """A decision on a referral or a change to a place, with its reason."""

    reason = _text("Reason", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, required: str = "", label: str = "Reason", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = label
        field.required = bool(required)
        field.error_messages = {**field.error_messages, "required": required}


class AllocateForm(forms.Form):
    system_number = _text(
        "System number of the person",
        max_length=20,
        required="Enter the system number of the person to allocate",
    )
    starts_on = DateInputField(label="Starts on (optional)", required=False, help_text="Today when left empty")
    override_reason = _text(
        "Reason for overriding the checks (optional)",
        max_length=1000,
        help_text="Eligibility and timetable clashes may be overridden; a non-association or a full programme never",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, from_referral: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if from_referral:
            del self.fields["system_number"]


class RemoveAllocationForm(forms.Form):
    end_reason = forms.ChoiceField(
        label="Why does the place end?",
        choices=[(r, Allocation.EndReason(r).label) for r in REMOVAL_REASONS],
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the place ends", "invalid_choice": "Select why the place ends"},
    )
    detail = _text("Details", max_length=1000, help_text="Needed when the reason is Other")
