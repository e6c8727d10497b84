"""Formal counts and observations of people on watch."""

from django.conf import settings
from django.db import models

from oms.core.models import PublicIdModel
from oms.custody.models.episodes import CustodyEpisode
from oms.people.models import Person


class CountTime(models.Model):
    """A configured formal count time at a site, in the site's local time (5 a day in US federal
    prisons, 6 in Texas: configuration, not code)."""

    site = models.ForeignKey("facilities.Site", on_delete=models.PROTECT, related_name="count_times")
    name = models.CharField(max_length=60)  # e.g. "Morning roll check"
    time_of_day = models.TimeField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["site", "time_of_day"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "time_of_day"], condition=models.Q(active=True), name="uniq_active_count_time"
            )
        ]


class Count(PublicIdModel):
    """One formal count of a whole site (scheduled at a count time, or an emergency count). Each unit in
    count gets a ``CountSession``. The count is cleared when every unit's session is cleared; until then
    movements are flagged."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        EMERGENCY = "emergency", "Emergency"

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        CLEARED = "cleared", "Cleared"

    site = models.ForeignKey("facilities.Site", on_delete=models.PROTECT, related_name="counts")
    count_time = models.ForeignKey(CountTime, on_delete=models.PROTECT, null=True, blank=True, related_name="counts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    due_at = models.DateTimeField()
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.CharField(max_length=200, blank=True)  # why an emergency count was called
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["site", "status"], name="count_site_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "count_time", "due_at"],
                condition=models.Q(kind="scheduled"),
                name="uniq_scheduled_count",
            )
        ]


class CountSession(PublicIdModel):
    """Counting one unit within a count. ``expected`` and ``expected_people`` are the roll at the moment
    the session opened, so later movements do not shift what the officers were checked against. A
    recount is a new session for the same unit (``recount_of``)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open: counting"
        MATCHED = "matched", "Matches the roll"
        DISCREPANCY = "discrepancy", "Discrepancy"
        RECOUNT = "recount", "Superseded by a recount"
        CLEARED = "cleared", "Cleared"

    count = models.ForeignKey(Count, on_delete=models.PROTECT, related_name="sessions")
    unit = models.ForeignKey("facilities.Location", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    expected = models.PositiveIntegerField()
    expected_people = models.JSONField(default=list)  # [{"person_id", "name", "system_number", "location"}]
    two_officer = models.BooleanField(default=False)
    recount_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    on_paper = models.BooleanField(default=False)  # counted on a printed sheet, entered afterwards
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    clear_note = models.CharField(max_length=500, blank=True)
    opened_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["count", "unit"], name="countsession_count_unit")]


class CountEntry(models.Model):
    """One officer's number for a session. With two-officer counting, each officer enters
    independently and neither sees the other's figure until both are in."""

    session = models.ForeignKey(CountSession, on_delete=models.PROTECT, related_name="entries")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    counted = models.PositiveIntegerField()
    counted_at = models.DateTimeField()  # when counted (a paper count is entered later)
    entered_at = models.DateTimeField()
    on_paper = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "officer"], name="uniq_count_entry_per_officer")]


class CountDiscrepancy(models.Model):
    """A named difference between the count and the roll, and how it was resolved."""

    session = models.ForeignKey(CountSession, on_delete=models.PROTECT, related_name="discrepancies")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    description = models.CharField(max_length=500)
    resolution = models.CharField(max_length=500, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )


class ObservationPlan(PublicIdModel):
    """A person on watch: checked every ``interval_minutes`` until the plan ends. ``next_due_at`` is kept
    on the row so the overdue list is one indexed range query."""

    class Reason(models.TextChoices):
        SUICIDE_SELF_HARM = "suicide_self_harm", "Suicide or self-harm risk"
        MEDICAL = "medical", "Medical"
        CONSTANT_WATCH = "constant_watch", "Constant watch"
        SEGREGATION = "segregation", "Segregation"
        OTHER = "other", "Other"

    episode = models.ForeignKey(CustodyEpisode, on_delete=models.PROTECT, related_name="observation_plans")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("facilities.Site", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    interval_minutes = models.PositiveIntegerField()
    instructions = models.CharField(max_length=500, blank=True)
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    next_due_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["episode"], condition=models.Q(ended_at__isnull=True), name="uniq_open_observation_plan"
            )
        ]


class ObservationCheck(models.Model):
    class Outcome(models.TextChoices):
        SEEN_WELL = "seen_well", "Seen, no concerns"
        CONCERN = "concern", "Seen, concern raised"
        NOT_SEEN = "not_seen", "Not seen"

    plan = models.ForeignKey(ObservationPlan, on_delete=models.PROTECT, related_name="checks")
    checked_at = models.DateTimeField()
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    note = models.CharField(max_length=500, blank=True)
    late_by_minutes = models.PositiveIntegerField(default=0)
