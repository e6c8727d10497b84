"""Programmes, education and work: the catalogue, referrals and waiting lists, allocations, dated
sessions with attendance, progress notes and qualifications.

A ``Programme`` is one course or work assignment delivered at one facility: its kind, eligibility
rules (data checked by ``rules.eligibility``), capacity, where it runs and its weekly timetable. A
``Referral`` puts a person on its waiting list; approving and allocating it makes an ``Allocation``
(a place). A ``ProgrammeSession`` is one dated occurrence of the timetable; each allocated person's
mark for it is an ``Attendance``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from oms.core.models import PublicIdModel
from oms.facilities.models import Location, Site
from oms.people.models import Person


class Programme(PublicIdModel):
    class Kind(models.TextChoices):
        EDUCATION = "education", "Education"
        VOCATIONAL = "vocational", "Vocational training"
        SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
        ANGER_MANAGEMENT = "anger_management", "Anger management"
        DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
        COGNITIVE_BEHAVIOURAL = "cognitive_behavioural", "Cognitive-behavioural"
        COUNSELLING = "counselling", "Counselling"
        WORK = "work", "Work assignment"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"

    facility = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="programmes")
    code = models.CharField(max_length=30)  # unique per facility, e.g. "TSP-1", "KITCHEN"
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    description = models.TextField(blank=True, max_length=5000)
    # Eligibility rules as data, checked by rules.eligibility: risk_bands, needs, min_days_to_serve,
    # max_days_to_serve, sexes, security_levels (each optional; an empty rule set admits everyone).
    eligibility = models.JSONField(default=dict, blank=True)
    # The need domains (needs-instrument item codes) it addresses: used to suggest it for plan goals.
    addresses_needs = models.JSONField(default=list, blank=True)
    capacity = models.PositiveIntegerField()
    location = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Weekly timetable: [{"weekday": 0-6 (Monday 0), "start": "09:00", "end": "11:30"}, ...].
    timetable = models.JSONField(default=list, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    sessions_required = models.PositiveIntegerField(null=True, blank=True)  # for completion, if fixed
    # Evidence-based recidivism-reduction programming or productive activity (US First Step Act):
    # attended days count toward the time credits the sentencing profile awards.
    earns_time_credits = models.BooleanField(default=False)
    qualification = models.CharField(max_length=200, blank=True)  # the certificate completion earns
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["facility", "code"], name="uniq_programme_facility_code")]
        indexes = [models.Index(fields=["facility", "status", "kind"], name="programme_facility_status")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Referral(PublicIdModel):
    """A person on a programme's waiting list."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        ALLOCATED = "allocated", "Allocated"
        REMOVED = "removed", "Removed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN_STATUSES = (Status.PENDING, Status.APPROVED)

    class Priority(models.IntegerChoices):
        URGENT = 1, "Urgent"
        HIGH = 2, "High"
        NORMAL = 3, "Normal"
        LOW = 4, "Low"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="programme_referrals")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    reason = models.CharField(max_length=1000)
    # The plan action it came from, when it was made from the case plan.
    plan_action = models.ForeignKey(
        "rehabilitation.PlanAction", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=1000, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            # One open referral of a person to a programme at a time.
            models.UniqueConstraint(
                fields=["person", "programme"],
                condition=Q(status__in=["pending", "approved"]),
                name="uniq_open_referral_person_programme",
            )
        ]
        indexes = [models.Index(fields=["programme", "status", "priority", "referred_at"], name="referral_waiting")]


class Allocation(PublicIdModel):
    """A place on a programme. Ended as completed, not completed (with a reason) or removed."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        COMPLETED = "completed", "Completed"
        NOT_COMPLETED = "not_completed", "Not completed"
        REMOVED = "removed", "Removed"

    LIVE_STATUSES = (Status.ACTIVE, Status.SUSPENDED)

    class EndReason(models.TextChoices):
        COMPLETED = "completed", "Completed"
        RELEASED = "released", "Released or transferred"
        WITHDREW = "withdrew", "Withdrew"
        BEHAVIOUR = "behaviour", "Removed for behaviour"
        ATTENDANCE = "attendance", "Poor attendance"
        HEALTH = "health", "Health"
        SECURITY = "security", "Security"
        PROGRAMME_ENDED = "programme_ended", "Programme ended"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="programme_allocations")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="allocations")
    referral = models.OneToOneField(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="allocation"
    )
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.ACTIVE)
    starts_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    end_detail = models.CharField(max_length=1000, blank=True)
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    allocated_at = models.DateTimeField()
    # Checks the allocator overrode (a timetable clash they accepted), with the reason; never a
    # non-association, which cannot be overridden here.
    overrides = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "programme"],
                condition=Q(status__in=["active", "suspended"]),
                name="uniq_live_allocation_person_programme",
            )
        ]
        indexes = [models.Index(fields=["programme", "status"], name="allocation_programme_status")]


class ProgrammeSession(PublicIdModel):
    """One dated occurrence of a programme's timetable, where attendance is marked."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="sessions")
    on = models.DateField()
    start = models.TimeField()
    end = models.TimeField()
    location = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "on", "start"], name="uniq_programme_session_start")
        ]
        indexes = [models.Index(fields=["on", "programme"], name="programme_session_day")]


class Attendance(models.Model):
    class Outcome(models.TextChoices):
        ATTENDED = "attended", "Attended"
        SICK = "sick", "Sick"
        REFUSED = "refused", "Refused"
        NOT_REQUIRED = "not_required", "Not required"
        REST_DAY = "rest_day", "Rest day"
        CLASH = "clash", "Clash with another activity"
        SUSPENDED = "suspended", "Suspended"
        CANCELLED = "cancelled", "Session cancelled"

    # Outcomes that count against the person's attendance rate (the others are excused).
    COUNTED = (Outcome.ATTENDED, Outcome.REFUSED)

    session = models.ForeignKey(ProgrammeSession, on_delete=models.PROTECT, related_name="attendance")
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="attendance")
    outcome = models.CharField(max_length=15, choices=Outcome.choices)
    note = models.CharField(max_length=500, blank=True)
    # Null when the system recorded it (demo data, an operator command).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "allocation"], name="uniq_attendance_mark")]


class ProgressNote(PublicIdModel):
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="progress_notes")
    text = models.TextField(max_length=5000)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["-written_at", "-id"]


class Qualification(PublicIdModel):
    """A qualification or certificate a person earned (on a programme here, or recorded from elsewhere)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="qualifications")
    title = models.CharField(max_length=200)
    awarding_body = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=50, blank=True)  # e.g. "Entry 3", "Level 2"
    achieved_on = models.DateField()
    certificate_number = models.CharField(max_length=100, blank=True)
    allocation = models.ForeignKey(
        Allocation, on_delete=models.PROTECT, null=True, blank=True, related_name="qualifications"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-achieved_on", "-id"]
