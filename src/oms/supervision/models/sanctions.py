"""Graduated sanctions: the matrix in force (one band of allowed responses per severity and level,
editable by a holder of supervision.manage_sanctions, seeded with ``rules.sanctions.DEFAULT_MATRIX``)
and the violations recorded on a case with the response chosen."""

from django.conf import settings
from django.db import models

from oms.core.models import PublicIdModel
from oms.supervision.models.cases import Appointment, Level, SupervisionCase
from oms.supervision.rules.sanctions import RESPONSE_LABELS, RESPONSES

RESPONSE_CHOICES = [(r, RESPONSE_LABELS[r]) for r in RESPONSES]


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class SanctionBand(models.Model):
    severity = models.CharField(max_length=10, choices=Severity.choices)
    level = models.CharField(max_length=10, choices=Level.choices)
    least = models.CharField(max_length=20, choices=RESPONSE_CHOICES)
    most = models.CharField(max_length=20, choices=RESPONSE_CHOICES)
    reason = models.CharField(max_length=1000, blank=True)  # why it was last changed
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["severity", "level"], name="uniq_sanction_band")]


class Violation(PublicIdModel):
    class Source(models.TextChoices):
        APPOINTMENT_FAILURE = "appointment_failure", "Failure at an appointment"
        DRUG_TEST = "drug_test", "Drug or alcohol test"
        MONITORING_ALERT = "monitoring_alert", "Electronic monitoring alert"
        NEW_OFFENCE = "new_offence", "New offence"
        OTHER = "other", "Other"

    case = models.ForeignKey(SupervisionCase, on_delete=models.PROTECT, related_name="violations")
    source = models.CharField(max_length=20, choices=Source.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    occurred_on = models.DateField()
    description = models.CharField(max_length=2000)
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="violations"
    )
    level_at_record = models.CharField(max_length=10, choices=Level.choices)  # the level the matrix is read at
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    response = models.CharField(max_length=20, choices=RESPONSE_CHOICES, blank=True)  # empty: awaiting
    response_reason = models.CharField(max_length=2000, blank=True)
    allowed_at_response = models.JSONField(default=list, blank=True)  # the band in force when responded
    override_reason = models.CharField(max_length=2000, blank=True)  # set when outside the band
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["case", "response"], name="supervision_violation_awaiting")]

    @property
    def awaiting_response(self) -> bool:
        return not self.response
