"""Supervision cases with their requirements, appointments and dated entries.

A person may have several cases over time (a probation order, later a licence) but only one open case
of each kind. The case's supervision level is read from the person's latest tier or risk assessment
(``queries.cases.assessed_level``) unless an override, with its reason and who made it, is in force.
"""

from django.conf import settings
from django.db import models

from oms.core.models import PublicIdModel
from oms.people.models import Person


class Level(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


class SupervisionCase(PublicIdModel):
    class Kind(models.TextChoices):
        PROBATION = "probation", "Probation order"
        LICENCE = "licence", "Licence after release"
        PRETRIAL = "pretrial", "Pretrial supervision"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="supervision_cases")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reference = models.CharField(max_length=60, blank=True)  # the order or licence reference
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)  # empty when not known (a licence with no calculation)
    office = models.ForeignKey(
        "facilities.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="supervision_cases"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="supervision_cases"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.CharField(max_length=500, blank=True)
    # The override of the assessed level: all four set together, or all empty.
    level_override = models.CharField(max_length=10, choices=Level.choices, blank=True)
    level_override_reason = models.CharField(max_length=1000, blank=True)
    level_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    level_overridden_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=5000)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    # Null when the system opened it (the release subscriber runs under the releasing officer, who is named
    # in the audit event; demo data and operator commands have no user).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"], condition=models.Q(status="open"), name="uniq_open_supervision_case_kind"
            )
        ]
        indexes = [models.Index(fields=["officer", "status"], name="supervision_case_officer")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.person}"


class Requirement(PublicIdModel):
    class Kind(models.TextChoices):
        UNPAID_WORK = "unpaid_work", "Unpaid work (hours)"
        REHABILITATION_ACTIVITY = "rehabilitation_activity", "Rehabilitation activity (days)"
        CURFEW = "curfew", "Curfew"
        EXCLUSION = "exclusion", "Exclusion"
        RESIDENCE = "residence", "Residence"
        DRUG_TREATMENT = "drug_treatment", "Drug treatment"
        ALCOHOL_TREATMENT = "alcohol_treatment", "Alcohol treatment"
        PROGRAMME = "programme", "Accredited programme"
        LICENCE_CONDITION = "licence_condition", "Licence condition"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        TERMINATED = "terminated", "Terminated"

    case = models.ForeignKey(SupervisionCase, on_delete=models.PROTECT, related_name="requirements")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    detail = models.CharField(max_length=1000, blank=True)  # the condition's words, the exclusion area...
    amount = models.PositiveIntegerField(null=True, blank=True)  # hours of unpaid work, days of activity
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    ended_on = models.DateField(null=True, blank=True)
    ended_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_on", "id"]


class Appointment(PublicIdModel):
    class Kind(models.TextChoices):
        OFFICE = "office", "Office visit"
        PHONE = "phone", "Phone call"
        VIDEO = "video", "Video call"
        HOME_VISIT = "home_visit", "Home visit"

    class Outcome(models.TextChoices):
        NOT_RECORDED = "not_recorded", "Not yet recorded"
        ATTENDED = "attended", "Attended"
        FAILED_ACCEPTABLE = "failed_acceptable", "Failed to attend: acceptable"
        FAILED_UNACCEPTABLE = "failed_unacceptable", "Failed to attend: unacceptable"
        UNACCEPTABLE_BEHAVIOUR = "unacceptable_behaviour", "Attended: unacceptable behaviour"

    case = models.ForeignKey(SupervisionCase, on_delete=models.PROTECT, related_name="appointments")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    starts_at = models.DateTimeField(db_index=True)
    # Fixed at booking from the kind and the setting then in force, so a later change of setting does not
    # rewrite past compliance.
    counts_toward_compliance = models.BooleanField()
    outcome = models.CharField(max_length=30, choices=Outcome.choices, default=Outcome.NOT_RECORDED)
    notes = models.TextField(blank=True, max_length=2000)
    series = models.UUIDField(null=True, blank=True)  # shared by the appointments of one repeat booking
    booked_at = models.DateTimeField()
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]


class CaseEntry(PublicIdModel):
    """A dated entry on the case: the hand-over on release, or a note. Never changed."""

    class Kind(models.TextChoices):
        HANDOVER = "handover", "Hand-over"
        NOTE = "note", "Note"

    case = models.ForeignKey(SupervisionCase, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField(max_length=5000)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
