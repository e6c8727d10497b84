"""Case plans: one per person, shared by custody and community staff.

A plan holds goals (usually derived from the needs a criminogenic-needs assessment found), each with
actions and interventions, and reviews. Every change bumps ``version`` (optimistic locking) and saves
a ``CasePlanVersion`` snapshot, so the plan's history can be read back as it stood at any version.
"""

from django.conf import settings
from django.db import models

from oms.core.models import PublicIdModel
from oms.people.models import Person


class CasePlan(PublicIdModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="case_plan")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField(default=1)
    # The person's own words about what they want to change and how (recorded as said).
    persons_words = models.TextField(blank=True, max_length=5000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # the responsible case manager or probation officer
    next_review_on = models.DateField(null=True, blank=True, db_index=True)
    # The needs assessment the goals were last derived from (kept so a newer one can be offered).
    needs_assessment = models.ForeignKey(
        "assessment.Assessment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    # Null when the system wrote it (demo data, an operator's command): the audit event names the actor.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField()
    closed_reason = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"Case plan of {self.person} (v{self.version})"


class CasePlanVersion(models.Model):
    """The whole plan as it stood after one change: never updated or deleted."""

    plan = models.ForeignKey(CasePlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()  # goals, actions, reviews, persons_words, next_review_on
    change = models.CharField(max_length=200)  # what changed, for the history list
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # null when the system made the change (see CasePlan.created_by)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="uniq_case_plan_version")]
        ordering = ["-number"]


class PlanGoal(PublicIdModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACHIEVED = "achieved", "Achieved"
        WITHDRAWN = "withdrawn", "No longer needed"

    plan = models.ForeignKey(CasePlan, on_delete=models.PROTECT, related_name="goals")
    # The need domain the goal addresses (an item code of the needs instrument), blank for others.
    need = models.CharField(max_length=60, blank=True)
    need_level = models.CharField(max_length=20, blank=True)  # "standard" or "severe" when derived
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["position", "id"]


class PlanAction(PublicIdModel):
    """An action or intervention toward a goal: who owns it and by when."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    class OwnerKind(models.TextChoices):
        PERSON = "person", "The person"
        CASE_MANAGER = "case_manager", "Case manager"
        PROBATION = "probation", "Probation officer"
        PROGRAMMES = "programmes", "Programmes team"
        HEALTH = "health", "Healthcare"
        PARTNER = "partner", "Partner agency"
        OTHER = "other", "Other"

    goal = models.ForeignKey(PlanGoal, on_delete=models.PROTECT, related_name="actions")
    description = models.CharField(max_length=500)
    owner_kind = models.CharField(max_length=20, choices=OwnerKind.choices, default=OwnerKind.CASE_MANAGER)
    owner_name = models.CharField(max_length=200, blank=True)  # a named owner where there is one
    target_on = models.DateField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    # An intervention: the programme this action refers the person to, when it does.
    programme = models.ForeignKey(
        "rehabilitation.Programme", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["target_on", "id"]


class PlanReview(PublicIdModel):
    plan = models.ForeignKey(CasePlan, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    attendees = models.JSONField(default=list)  # names and roles, e.g. ["Daniel Okafor (the person)", ...]
    summary = models.TextField(max_length=5000)
    persons_words = models.TextField(blank=True, max_length=5000)
    next_review_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # null when the system recorded it (see CasePlan.created_by)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "-id"]
