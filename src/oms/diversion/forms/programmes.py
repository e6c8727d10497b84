"""The programme set-up form: the site, name and full fee, and the eligibility criteria as fields. The
view turns the criteria into the dictionary ``services.programmes.create_programme`` checks."""

from __future__ import annotations

from django import forms

from oms.diversion.forms.participations import MoneyField, whole
from oms.diversion.models import Referral
from oms.web.forms import choice_field, text_field

CRITERIA = ("min_age", "max_age", "max_prior_convictions", "excluded_offence_categories", "allow_pending_charges")


class ProgrammeForm(forms.Form):
    site_id = choice_field("Site", [], required="Select the site where the programme runs")
    name = text_field("Programme name", max_length=200, required="Enter the programme name")
    description = text_field("Description", max_length=5000, rows=4)
    full_fee_minor = MoneyField(
        label="Full fee",
        required=False,
        help_text="Before the sliding scale; for example, 200.00. Leave empty for no fee",
    )
    min_age = whole("Minimum age", low=10, high=120, help_text="Age on the date of referral; leave empty for none")
    max_age = whole("Maximum age", low=10, high=120)
    max_prior_convictions = whole("Most prior convictions allowed", low=0, high=100)
    excluded_offence_categories = text_field(
        "Excluded offence categories", max_length=1000, help_text="Separated by commas, for example: violence, sexual"
    )
    allow_pending_charges = choice_field(
        "People with other charges pending",
        [("", "No rule"), ("yes", "Allowed"), ("no", "Not eligible")],
    )
    referrer_kinds = forms.MultipleChoiceField(
        label="Referrals accepted from",
        choices=Referral.ReferrerKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave both unticked to accept either",
        error_messages={"invalid_choice": "Select police, prosecutor or both"},
    )

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site_id"].choices = [("", "Choose a site")] + [(str(s.public_id), s.name) for s in sites]

    def values(self) -> dict:
        """The service's arguments, criteria left out when not given."""
        data = self.cleaned_data
        criteria = {name: data[name] for name in ("min_age", "max_age", "max_prior_convictions")}
        categories = [c.strip() for c in (data["excluded_offence_categories"] or "").split(",") if c.strip()]
        criteria["excluded_offence_categories"] = categories or None
        criteria["allow_pending_charges"] = {"yes": True, "no": False}.get(data["allow_pending_charges"])
        criteria["referrer_kinds"] = list(data["referrer_kinds"]) or None
        return {
            "site_id": data["site_id"],
            "name": data["name"],
            "description": data["description"],
            "full_fee_minor": data["full_fee_minor"] or 0,
            "eligibility": {k: v for k, v in criteria.items() if v is not None},
        }
