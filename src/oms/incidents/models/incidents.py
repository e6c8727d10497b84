"""Incident reports: types as versioned configuration, the report, the people involved, use of force,
addenda, correction requests and evidence attachments."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from oms.core.models import PublicIdModel
from oms.facilities.models import Location, Site
from oms.people.models import Person


class IncidentType(models.Model):
    """One version of an incident type. A new version is a new row; old versions are never changed or
    deleted, so a report stays readable against the questions it was answered with."""

    class Severity(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        CRITICAL = "critical", "Critical"

    code = models.CharField(max_length=40)  # "assault", "self_harm", "use_of_force", ...
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    # Supervisors are told at once when a report of a serious type is submitted.
    notify_immediately = models.BooleanField(default=False)
    # Questions with conditional follow-ups, validated by rules.questions:
    # [{"code", "label", "kind": "choice|multi|text|number|date|yes_no", "options": [...],
    #   "required": bool, "shown_if": {"question": code, "answers": [...]}}]
    questions = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)  # an inactive type is not offered for new reports
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="uniq_incident_type_version")]
        ordering = ["code", "-version"]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class Incident(PublicIdModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        UNDER_REVIEW = "under_review", "Under review"
        INVESTIGATION = "investigation", "Under investigation"
        CLOSED = "closed", "Closed"

    reference = models.CharField(max_length=20, unique=True)  # e.g. "IR-PRA-2026-000123", shown to staff
    incident_type = models.ForeignKey(IncidentType, on_delete=models.PROTECT, related_name="incidents")
    facility = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="incidents")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    occurred_at = models.DateTimeField()
    description = models.TextField(max_length=20000)
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    findings = models.TextField(blank=True, max_length=20000)
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_note = models.TextField(blank=True, max_length=5000)
    # The emergency this incident arose from or is reviewed with (after-action review).
    emergency = models.ForeignKey(
        "incidents.Emergency", on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )

    class Meta:
        indexes = [
            models.Index(fields=["facility", "status", "occurred_at"], name="incident_facility_status"),
            models.Index(fields=["facility", "occurred_at"], name="incident_facility_time"),
        ]

    def __str__(self) -> str:
        return self.reference


class Involvement(PublicIdModel):
    """Someone involved in an incident: a person in OMS, a member of staff, or someone named only."""

    class Role(models.TextChoices):
        PERPETRATOR = "perpetrator", "Perpetrator"
        VICTIM = "victim", "Victim"
        WITNESS = "witness", "Witness"
        STAFF = "staff", "Staff member involved"
        VISITOR = "visitor", "Visitor"
        OTHER = "other", "Other"

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="involvements")
    role = models.CharField(max_length=15, choices=Role.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200, blank=True)  # visitors and others not in OMS
    injured = models.BooleanField(default=False)
    injury_details = models.CharField(max_length=1000, blank=True)
    taken_to_hospital = models.BooleanField(default=False)
    referred_to_police = models.BooleanField(default=False)
    details = models.CharField(max_length=2000, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(staff__isnull=False) | ~Q(name=""),
                name="involvement_names_someone",
            )
        ]


class UseOfForce(models.Model):
    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="use_of_force")
    techniques = models.JSONField(default=list)  # e.g. ["guiding_hold", "ground_restraint"]
    restraints = models.JSONField(default=list, blank=True)  # e.g. ["handcuffs"]
    justification = models.TextField(max_length=5000)
    planned = models.BooleanField(default=False)
    injuries = models.CharField(max_length=2000, blank=True)
    medical_check_done = models.BooleanField(default=False)
    medical_check_at = models.DateTimeField(null=True, blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")


class Addendum(PublicIdModel):
    """Text appended to a submitted report; never changed or deleted."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField(max_length=20000)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()
    correction_request = models.ForeignKey(
        "incidents.CorrectionRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="addenda"
    )

    class Meta:
        ordering = ["written_at", "id"]


class CorrectionRequest(PublicIdModel):
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="correction_requests")
    text = models.TextField(max_length=5000)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]


class Attachment(PublicIdModel):
    """Evidence uploaded to an incident (security.md FILE-1): stored outside static paths under a
    generated name, hashed, served back only as a download."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="attachments")
    original_name = models.CharField(max_length=255)  # as uploaded, for display only
    stored_name = models.CharField(max_length=100, unique=True)  # generated; the only name on disk
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    description = models.CharField(max_length=500, blank=True)
