"""Referrals to social-service partners under the participant's recorded consent.

A ``PartnerConsent`` records that a participant agreed to share named categories of information with one
partner organisation (kind ``partner_agency``) for a purpose, from a date until an expiry date, unless
withdrawn (with a reason). A ``PartnerReferral`` sends the participant to that partner for housing,
treatment or employment under one consent; the partner's users accept or decline it and later record
the outcome. Every time a partner user reads a referral, a ``Disclosure`` row lists the personal fields
shown (never their values), written in the same transaction as the audit event. Consents and
disclosures are never deleted.
"""

from django.conf import settings
from django.db import models

from oms.core.models import PublicIdModel
from oms.diversion.models.programmes import Participation


class PartnerConsent(PublicIdModel):
    participation = models.ForeignKey(Participation, on_delete=models.PROTECT, related_name="partner_consents")
    partner = models.ForeignKey("facilities.Organisation", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=1000)
    categories = models.JSONField(default=list)  # checked by rules.partners.check_categories
    given_on = models.DateField()
    expires_on = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=1000, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-given_on", "-id"]


class PartnerReferral(PublicIdModel):
    class ServiceType(models.TextChoices):
        HOUSING = "housing", "Housing"
        TREATMENT = "treatment", "Treatment"
        EMPLOYMENT = "employment", "Employment"

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    participation = models.ForeignKey(Participation, on_delete=models.PROTECT, related_name="partner_referrals")
    partner = models.ForeignKey("facilities.Organisation", on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(PartnerConsent, on_delete=models.PROTECT, related_name="referrals")
    service_type = models.CharField(max_length=12, choices=ServiceType.choices)
    purpose = models.CharField(max_length=1000)
    # What the participant needs from the service; disclosed only under the matching needs category.
    needs = models.CharField(max_length=2000, blank=True)
    # A number the participant gave for the partner to call; disclosed only under contact details.
    telephone = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    version = models.PositiveIntegerField(default=1)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)
    response_note = models.CharField(max_length=1000, blank=True)  # why declined, or a note on acceptance
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome_note = models.CharField(max_length=2000, blank=True)  # the partner's outcome
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=1000, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["partner", "status"], name="diversion_partner_ref_status")]


class Disclosure(models.Model):
    """One partner read: who saw which personal fields of which participant, when, under which referral
    and consent, through which channel. Field names only, never values (AUD-2)."""

    referral = models.ForeignKey(PartnerReferral, on_delete=models.PROTECT, related_name="disclosures")
    consent = models.ForeignKey(PartnerConsent, on_delete=models.PROTECT, related_name="disclosures")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey("facilities.Organisation", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    fields = models.JSONField(default=list)
    channel = models.CharField(max_length=10)  # web (page) or api
    disclosed_at = models.DateTimeField()

    class Meta:
        ordering = ["-disclosed_at", "-id"]
