"""Housing and keep-apart page forms. They parse and bound input with GOV.UK error wording; the
services decide the rules and their errors are put back on the matching field by the views.

People are named by system number typed into a POSTed form, never put in a URL (DP-2)."""

from __future__ import annotations

from django import forms

from oms.custody.models import KeepApartGroup, NonAssociation


def _text(label: str, *, max_length: int, required: str = "", help_text: str = "", widget=None) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=bool(required),
        help_text=help_text,
        widget=widget,
        error_messages={"required": required, "max_length": f"{label} must be {max_length} characters or less"},
    )


def _choice(label: str, message: str, choices, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        error_messages={"required": message, "invalid_choice": message},
        **kwargs,
    )


# RestrictionLevel values, worded for the person choosing.
_LEVELS = [
    ("cell", "Cell only: never in the same cell"),
    ("landing", "Cell and landing: not on the same landing"),
    ("wing", "Cell, landing and wing: not on the same wing"),
]


class BedForm(forms.Form):
    bed = _text(
        "Bed",
        max_length=120,
        required="Enter the bed, for example A-1-1-01-1",
        help_text="The bed's location code, for example A-1-1-01-1 (unit, wing, landing, cell, bed)",
    )
    reason = _text("Reason for the move (optional)", max_length=200)
    override_reason = _text(
        "Reason for overriding the checks",
        max_length=500,
        help_text="Only a supervisor may override, and only the checks marked as overridable",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NonAssociationForm(forms.Form):
    other_system_number = _text(
        "System number of the person to keep apart from",
        max_length=20,
        required="Enter the system number of the other person",
        help_text="For example, A1234BC",
    )
    role = _choice(
        "Role of this person", "Select the role of this person", NonAssociation.Role.choices, widget=forms.RadioSelect
    )
    other_role = _choice(
        "Role of the other person",
        "Select the role of the other person",
        NonAssociation.Role.choices,
        widget=forms.RadioSelect,
    )
    reason = _choice("Reason", "Select the reason", [("", "Select a reason"), *NonAssociation.Reason.choices])
    restriction_level = _choice(
        "Where must they be kept apart", "Select where they must be kept apart", _LEVELS, widget=forms.RadioSelect
    )
    comment = _text(
        "Comment",
        max_length=4000,
        required="Enter a comment explaining the non-association",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    authorised_by = _text("Authorised by", max_length=200, required="Enter who authorised it")


class CloseForm(forms.Form):
    reason = _text(
        "Why is it being closed",
        max_length=500,
        required="Enter why it is being closed",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class GroupForm(forms.Form):
    name = _text("Name of the group", max_length=200, required="Enter a name for the group")
    kind = _choice("Kind of group", "Select the kind of group", KeepApartGroup.Kind.choices, widget=forms.RadioSelect)
    restriction_level = _choice(
        "Where must members be kept apart", "Select where they must be kept apart", _LEVELS, widget=forms.RadioSelect
    )
    comment = _text(
        "Comment",
        max_length=4000,
        required="Enter a comment explaining the group",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    authorised_by = _text("Authorised by", max_length=200, required="Enter who authorised it")


class MemberForm(forms.Form):
    system_number = _text(
        "System number of the person to add",
        max_length=20,
        required="Enter a system number",
        help_text="For example, A1234BC",
    )
