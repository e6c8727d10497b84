"""Reception and release page forms. They parse and bound input with GOV.UK error wording; the
services decide the rules and their errors are put back on the matching field by the views."""

from __future__ import annotations

import re

from django import forms

from oms.custody.models import CashEntry, IntakeScreening, LawfulAuthority
from oms.custody.services.release import RELEASE_REASONS
from oms.facilities.models import Location
from oms.people.models import Person, Sex
from oms.web.forms import DateInputField

_MONEY = re.compile(r"^(-?)£?(\d{1,9})(?:\.(\d{1,2}))?$")


def _text(label: str, *, max_length: int, required: str = "", help_text: str = "", widget=None) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=bool(required),
        help_text=help_text,
        widget=widget,
        error_messages={"required": required, "max_length": f"{label} must be {max_length} characters or less"},
    )


def _choice(label: str, message: str, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, error_messages={"required": message, "invalid_choice": message}, **kwargs)


def parse_money(value: str, *, label: str, allow_negative: bool = False) -> int:
    """Pounds and pence as typed ("12.50", "£3", "-1.20") to integer minor units."""
    match = _MONEY.match((value or "").strip().replace(",", ""))
    if not match or (match.group(1) and not allow_negative):
        raise forms.ValidationError(f"{label} must be an amount of money, like 12.50", code="invalid_money")
    sign, pounds, pence = match.groups()
    minor = int(pounds) * 100 + int((pence or "0").ljust(2, "0"))
    return -minor if sign else minor


_LEGAL_STATUSES = [c for c in Person.LegalStatus.choices if c[0] not in ("none", "deceased")]
_RISK = IntakeScreening.Risk.choices


class ReceptionForm(forms.Form):
    """Reception in one page: find the person (search, pick) or enter new details; then the booking,
    the legal basis and what came in with them."""

    site = _choice("Establishment", "Select the establishment receiving the person")
    q = _text(
        "Find the person",
        max_length=200,
        help_text="Name, system number or identifier. Leave empty and enter details below for a new person.",
    )
    person_id = forms.ChoiceField(label="Person", required=False, widget=forms.RadioSelect)
    held_elsewhere_id = forms.ChoiceField(
        label="Records held outside your access that match these details",
        required=False,
        widget=forms.RadioSelect,
        help_text="Pick one only if it is the person in front of you: receiving them links the record to this "
        "establishment. Looking at these records and picking one are recorded in the audit trail.",
    )
    family_name = _text("Family name", max_length=100)
    given_name = _text("Given name", max_length=100)
    date_of_birth = DateInputField(label="Date of birth", required=False, help_text="For example, 27 3 1985")
    sex = _choice("Sex", "Select the person's sex", choices=Sex.choices, initial=Sex.NOT_KNOWN, required=False)
    duplicate_override_reason = _text(
        "Reason for creating a new record anyway",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only when possible matches are shown and none of them is this person.",
    )
    booking_number = _text("Booking number", max_length=20, help_text="Leave empty to generate the next number.")
    legal_status = _choice("Legal status", "Select the legal status", choices=[("", "Select")] + _LEGAL_STATUSES)
    received_from = _text("Received from", max_length=200, help_text="Court, police station or establishment.")
    security_level = _choice(
        "Provisional security level",
        "Select a security level",
        required=False,
        choices=[("", "Not yet classified")] + Location.SecurityLevel.choices,
    )
    release_due_on = DateInputField(label="Release date, if known", required=False)
    authority_kind = _choice(
        "Warrant or order",
        "Select the kind of warrant or order",
        required=False,
        choices=[("", "None seen or received")] + LawfulAuthority.Kind.choices,
    )
    authority_reference = _text("Reference", max_length=60)
    authority_issued_by = _text("Issued by", max_length=200)
    authority_issued_on = DateInputField(label="Date issued", required=False)
    authority_expires_on = DateInputField(
        label="Expires on", required=False, help_text="A remand warrant runs to the next hearing."
    )
    authority_document_seen = forms.BooleanField(label="The document was seen", required=False)
    property = _text(
        "Property taken in",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One item per line. Add a seal number after a # (for example: Wallet #S12345).",
    )
    cash = _text("Cash received", max_length=15, help_text="In pounds, for example 23.50")

    def __init__(self, *args, sites=(), people=(), held_elsewhere=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_elsewhere_id"].choices = list(held_elsewhere)
        self.fields["site"].choices = [(str(s.public_id), s.name) for s in sites]
        if len(sites) == 1:
            self.fields["site"].initial = str(sites[0].public_id)
        self.fields["person_id"].choices = [(str(p.public_id), label) for p, label in people]

    def clean_cash(self):
        value = self.cleaned_data["cash"]
        return parse_money(value, label="Cash received") if value.strip() else 0

    def clean_property(self):
        items = []
        for line in self.cleaned_data["property"].splitlines():
            description, _, seal = line.partition("#")
            if description.strip():
                items.append((description.strip()[:200], seal.strip()[:40]))
        if len(items) > 200:
            raise forms.ValidationError("Enter up to 200 items", code="too_many")
        return items


class AuthorityForm(forms.Form):
    kind = _choice("Kind", "Select the kind of warrant or order", choices=LawfulAuthority.Kind.choices)
    reference = _text("Reference", max_length=60, required="Enter the reference")
    issued_by = _text("Issued by", max_length=200)
    issued_on = DateInputField(label="Date issued", required=False)
    expires_on = DateInputField(label="Expires on", required=False)
    document_seen = forms.BooleanField(label="The document was seen", required=False)


class EndAuthorityForm(forms.Form):
    reason = _text(
        "Why it ends", max_length=500, required="Enter why the authority ends", widget=forms.Textarea(attrs={"rows": 3})
    )


class PropertyForm(forms.Form):
    description = _text("Item", max_length=200, required="Describe the item")
    quantity = forms.IntegerField(
        label="Quantity",
        initial=1,
        min_value=1,
        max_value=10_000,
        error_messages={
            k: "Quantity must be between 1 and 10,000" for k in ("required", "invalid", "min_value", "max_value")
        },
    )
    seal_number = _text("Seal number", max_length=40)
    in_possession = forms.BooleanField(label="Kept by the person (not stored)", required=False)


class ClosePropertyForm(forms.Form):
    outcome = _choice(
        "What happened to it",
        "Select returned or disposed of",
        choices=[("returned", "Returned to the person"), ("disposed", "Disposed of")],
        widget=forms.RadioSelect,
    )
    reason = _text("How and why (needed for disposal)", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class CashForm(forms.Form):
    kind = _choice(
        "Kind", "Select intake, return or adjustment", choices=CashEntry.Kind.choices, widget=forms.RadioSelect
    )
    amount = _text(
        "Amount",
        max_length=15,
        required="Enter the amount",
        help_text="In pounds, for example 10.00. An adjustment may be negative.",
    )
    note = _text("Note", max_length=200, help_text="Needed for an adjustment: say why.")

    def clean(self):
        data = super().clean()
        if "amount" in data:
            try:
                data["amount_minor"] = parse_money(
                    data["amount"], label="Amount", allow_negative=data.get("kind") == CashEntry.Kind.ADJUSTMENT
                )
            except forms.ValidationError as error:
                self.add_error("amount", error)
        return data


class ScreeningForm(forms.Form):
    health_concerns = forms.BooleanField(label="Health concerns reported", required=False)
    health_notes = _text("Health notes", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    takes_medication = forms.BooleanField(label="Takes medication", required=False)
    suicide_self_harm_risk = _choice("Suicide or self-harm risk", "Select the suicide or self-harm risk", choices=_RISK)
    suicide_self_harm_notes = _text(
        "Suicide and self-harm notes", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    victimisation_risk = _choice("Risk of being victimised", "Select the risk of being victimised", choices=_RISK)
    aggression_risk = _choice("Risk of aggression to others", "Select the risk of aggression", choices=_RISK)
    cell_sharing = _choice(
        "Cell sharing",
        "Select the cell-sharing decision",
        choices=IntakeScreening.CellSharing.choices,
        widget=forms.RadioSelect,
    )
    needs_accessible_cell = forms.BooleanField(label="Needs an accessible cell", required=False)

    def __init__(self, *args, show_health: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_health:
            # Those who may not read the notes do not see or overwrite them: the service keeps them.
            del self.fields["health_notes"]
            del self.fields["suicide_self_harm_notes"]


class ReleaseForm(forms.Form):
    reason = _choice(
        "Reason for release", "Select the reason for release", choices=[("", "Select")] + list(RELEASE_REASONS.items())
    )
    court_order_reference = _text(
        "Court order reference", max_length=60, help_text="For an immediate release ordered by a court."
    )
    override_reason = _text(
        "Override reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Supervisors only: why release despite the failed property, cash or notification checks.",
    )
