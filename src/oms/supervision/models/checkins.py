"""Remote check-ins: a schedule on a supervision case (weekly or fortnightly from a start date, each
check-in open for a window of hours) and the check-ins it opens, which the person completes on the
participant portal (identity questions, a short survey, an optional photo) and the officer reviews.

States (``rules.checkins``): created -> submitted | expired (the window and a grace period passed)
-> reviewed (submitted only). The notices sent for a check-in are stamped on it, so the reminder job
sends each one once however often it runs.
"""

from django.conf import settings
from django.db import models

from oms.core.models import PublicIdModel
from oms.supervision.models.cases import SupervisionCase


class CheckInSchedule(PublicIdModel):
    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        FORTNIGHTLY = "fortnightly", "Fortnightly"

    case = models.ForeignKey(SupervisionCase, on_delete=models.PROTECT, related_name="check_in_schedules")
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    starts_on = models.DateField()
    window_hours = models.PositiveIntegerField(default=72)  # how long each check-in stays open
    active = models.BooleanField(default=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(active=True), name="uniq_active_checkin_schedule"
            )
        ]


class CheckIn(PublicIdModel):
    class State(models.TextChoices):
        CREATED = "created", "Waiting for the person"
        SUBMITTED = "submitted", "Submitted: to review"
        EXPIRED = "expired", "Expired: not completed"
        REVIEWED = "reviewed", "Reviewed"

    class Outcome(models.TextChoices):
        SATISFACTORY = "satisfactory", "Satisfactory"
        CONCERNS = "concerns", "Concerns"
        FOLLOW_UP = "follow_up", "Follow-up needed"

    case = models.ForeignKey(SupervisionCase, on_delete=models.PROTECT, related_name="check_ins")
    schedule = models.ForeignKey(
        CheckInSchedule, on_delete=models.PROTECT, null=True, blank=True, related_name="check_ins"
    )
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField(db_index=True)  # end of the window; expiry is this plus the grace period
    state = models.CharField(max_length=10, choices=State.choices, default=State.CREATED, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # What the person answered to the identity questions and whether it matched the person record then.
    identity_date_of_birth = models.DateField(null=True, blank=True)
    identity_postcode = models.CharField(max_length=20, blank=True)
    identity_failures = models.JSONField(default=list, blank=True)  # e.g. ["date_of_birth"]
    answers = models.JSONField(default=dict, blank=True)  # the survey: {question: choice, "message": text}
    flags = models.JSONField(default=list, blank=True)  # why the officer should look first
    flagged = models.BooleanField(default=False)  # flags is not empty: a column so the caseload can count it
    # The optional photo: checked JPEG or PNG bytes in the database, as people.PersonPhoto keeps them.
    photo = models.BinaryField(null=True, blank=True)
    photo_content_type = models.CharField(max_length=20, blank=True)
    photo_sha256 = models.CharField(max_length=64, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    review_note = models.CharField(max_length=2000, blank=True)
    # Each notice once: stamped when sent.
    opened_notice_at = models.DateTimeField(null=True, blank=True)
    reminder_at = models.DateTimeField(null=True, blank=True)
    flag_notice_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-opens_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "opens_at"], name="uniq_checkin_case_opening")]
