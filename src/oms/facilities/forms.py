"""Page forms for the estate. They only parse and bound input; the services decide the rules and
their ``RuleViolation`` errors are put back on the matching field by the views. Messages follow the
GOV.UK pattern ("Enter a code", "Select the kind of location")."""

from __future__ import annotations

from django import forms

from oms.facilities import rules
from oms.facilities.models import Location
from oms.web.forms import CsvImportForm, DateInputField


def _capacity(label: str) -> forms.IntegerField:
    message = f"{label} must be a whole number from 0 to {rules.CAPACITY_LIMIT:,}"
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=rules.CAPACITY_LIMIT,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
    )


def _choice(label: str, choices, *, message: str, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        error_messages={"required": message, "invalid_choice": message},
    )


class _AttributesForm(forms.Form):
    name = forms.CharField(
        label="Name (optional)",
        required=False,
        max_length=rules.NAME_MAX_LENGTH,
        help_text="For example, Houseblock 1 or Education block",
        error_messages={"max_length": f"Name must be {rules.NAME_MAX_LENGTH} characters or less"},
    )
    security_level = _choice(
        "Security level",
        [("", "Same as the location above")] + list(Location.SecurityLevel.choices),
        message="Select a security level from the list",
        required=False,
    )
    sex = _choice("Sex accommodated", Location.SexAccommodated.choices, message="Select male, female or any")
    accessible = forms.BooleanField(label="Accessible (for wheelchair users)", required=False)
    specialist_type = _choice(
        "Specialist type",
        list(Location.SpecialistType.choices),
        message="Select a specialist type from the list",
        required=False,
    )
    in_count = forms.BooleanField(
        label="Counted at formal counts", required=False, help_text="Units only: other locations follow their unit"
    )
    certified_capacity = _capacity("Certified capacity (CNA)")
    working_capacity = _capacity("Working capacity")
    maximum_capacity = _capacity("Maximum capacity")

    def clean(self):
        data = super().clean()
        for field in rules.CAPACITY_FIELDS:
            if field in self.fields and data.get(field) is None:
                data[field] = 0
        return data


class NewLocationForm(_AttributesForm):
    field_order = ["kind", "code"]

    def __init__(self, *args, allowed_kinds: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Location.Kind.choices)
        self.fields["kind"] = _choice(
            "Kind of location",
            [(k, labels[k]) for k in allowed_kinds],
            message="Select the kind of location",
        )
        self.fields["code"] = forms.CharField(
            label="Code",
            max_length=10,
            help_text="Letters and digits only, for example 1, A or 01. It is added to the parent's key.",
            error_messages={"required": "Enter a code", "max_length": "Code must be 10 characters or less"},
        )
        self.order_fields(["kind", "code", *_AttributesForm.base_fields])
        if "unit" not in allowed_kinds:
            del self.fields["in_count"]
        self.fields[
            "certified_capacity"
        ].help_text = (
            "Cells and non-residential places only: a unit, wing or landing adds up its cells, and a bed is one place"
        )
        if not self.is_bound:
            self.initial.setdefault("in_count", True)
            self.initial.setdefault("sex", Location.SexAccommodated.ANY)

    def clean(self):
        data = super().clean()
        if data.get("kind") != "unit":
            data.pop("in_count", None)  # only units leave the count; an unticked box elsewhere means nothing
        return data


class EditLocationForm(_AttributesForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2_000_000_000)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        if kind != "unit":
            del self.fields["in_count"]
        if not rules.carries_capacity(kind):
            for field in rules.CAPACITY_FIELDS:
                del self.fields[field]


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label="Why is it out of use?",
        max_length=200,
        help_text="For example, broken window or refurbishment",
        error_messages={
            "required": "Enter a reason for the deactivation",
            "max_length": "Reason must be 200 characters or less",
        },
    )
    expected_return_on = DateInputField(
        label="Expected back in use (optional)", required=False, help_text="For example, 27 3 2027"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2_000_000_000)


class ReactivateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2_000_000_000)


class ImportForm(CsvImportForm):
    max_bytes = rules.MAX_IMPORT_BYTES
    dry_run_label = "Check only: report problems without creating anything"
