"""The Assessment record: answers collected under one instrument version, the result computed at
completion, the countersignature and any approved override, and when a reassessment falls due."""

from django.conf import settings
from django.db import models

from oms.core.models import PublicIdModel
from oms.people.models import Person


class Assessment(PublicIdModel):
    """Draft -> completed -> countersigned (when the instrument needs a countersignature).

    The instrument code and version are recorded so an assessment made under an older version stays
    readable and explainable after a new version ships. The computed result is stored at completion
    and never recomputed; an override keeps the computed band beside the approved one.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETED = "completed", "Completed"
        COUNTERSIGNED = "countersigned", "Countersigned"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments")
    instrument_code = models.CharField(max_length=60)
    instrument_version = models.PositiveIntegerField()
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)  # optimistic locking for answer updates

    started_at = models.DateTimeField()
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    # Stored at completion: the score, band (or tier) and the per-item explanation.
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    computed_band = models.CharField(max_length=40, blank=True)
    explanation = models.JSONField(default=dict, blank=True)
    countersign_required = models.BooleanField(default=False)

    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)

    override_band = models.CharField(max_length=40, blank=True)
    override_reason = models.CharField(max_length=1000, blank=True)
    override_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)

    # The latest completed assessment of each instrument for a person is current; a newer one
    # supersedes it, so only current assessments appear on the due list.
    is_current = models.BooleanField(default=False)
    reassessment_due_on = models.DateField(null=True, blank=True, db_index=True)
    reassessment_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["person", "instrument_code", "started_at"], name="assessment_person_instrument"),
            models.Index(fields=["is_current", "reassessment_due_on"], name="assessment_current_due"),
        ]

    @property
    def band(self) -> str:
        """The band in force: the approved override when there is one, else the computed band."""
        return self.override_band or self.computed_band

    def __str__(self) -> str:
        return f"{self.instrument_code} v{self.instrument_version} ({self.status})"
