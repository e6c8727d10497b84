"""Forms for consent and partner referrals. Field names match the services' arguments, so a service error
naming a field lands on that field."""

from __future__ import annotations

from django import forms

from oms.diversion.models import PartnerReferral
from oms.diversion.rules import partners as rules
from oms.web.forms import VersionField, choice_field, date_field, text_field


class ConsentForm(forms.Form):
    partner_id = choice_field("Partner agency", [], required="Select the partner agency")
    purpose = text_field(
        "Purpose",
        max_length=1000,
        required="Enter the purpose the participant agreed to",
        help_text="What the information will be used for, as the participant agreed it",
        rows=3,
    )
    categories = forms.MultipleChoiceField(
        label="What the participant agreed to share",
        choices=list(rules.CATEGORIES.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text="The partner sees only these. The name is always needed for a referral.",
        error_messages={
            "required": "Select what the participant agreed to share",
            "invalid_choice": "Select what the participant agreed to share",
        },
    )
    given_on = date_field("Date consent was given", required="Enter the date consent was given")
    expires_on = date_field("Consent expires on", required="Enter the date the consent expires")

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_id"].choices = [("", "Choose a partner agency")] + [
            (str(o.public_id), o.name) for o in partners
        ]


class WithdrawConsentForm(forms.Form):
    reason = text_field("Reason", max_length=1000, required="Enter why consent was withdrawn", rows=3)


class PartnerReferralForm(forms.Form):
    consent_id = choice_field("Consent", [], required="Select the consent the referral is made under")
    service_type = choice_field(
        "Service", PartnerReferral.ServiceType.choices, required="Select the service", radios=True
    )
    purpose = text_field("Purpose of the referral", max_length=1000, required="Enter the purpose", rows=2)
    needs = text_field(
        "What the participant needs",
        max_length=2000,
        rows=3,
        help_text="Shown to the partner only if the consent covers this service's needs",
    )
    telephone = text_field(
        "Telephone the partner may call",
        max_length=40,
        help_text="Shown to the partner only if the consent covers contact details",
    )

    def __init__(self, *args, consents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent_id"].choices = [("", "Choose a consent")] + [
            (str(c.public_id), f"{c.partner.name}: {c.purpose[:60]} (until {c.expires_on:%d %b %Y})") for c in consents
        ]


class WithdrawReferralForm(forms.Form):
    version = VersionField()
    reason = text_field("Reason", max_length=1000, required="Enter why the referral is withdrawn", rows=3)


class AcceptForm(forms.Form):
    version = VersionField()
    note = text_field("Note for the coordinator", max_length=1000, rows=2)


class DeclineForm(forms.Form):
    version = VersionField()
    note = text_field("Why you are declining", max_length=1000, required="Enter why you are declining", rows=3)


class CompleteForm(forms.Form):
    version = VersionField()
    outcome_note = text_field("Outcome", max_length=2000, required="Enter the outcome", rows=4)
