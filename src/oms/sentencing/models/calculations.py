"""Stored release-date calculations, manual overrides and the profile chosen per facility."""

from django.conf import settings
from django.db import models

from oms.core.models import PublicIdModel
from oms.people.models import Person


class Calculation(PublicIdModel):
    """One run of the engine for a person: the inputs it saw, the profile version, the dates and their
    explanation, why it ran and who asked. Calculations are never changed; the newest is ``is_latest``."""

    # Only one calculation per person may be the latest, so a person merge cannot move these with a
    # plain update: sentencing moves them itself on ``people.person_merged`` and recalculates.
    MERGE_MOVED_BY_OWNER = True

    class Reason(models.TextChoices):
        NEW_SENTENCE = "new_sentence", "New sentence"
        SENTENCE_CHANGED = "sentence_changed", "Sentence changed"
        ADJUSTMENT = "adjustment", "Adjustment"
        ADDITIONAL_DAYS = "additional_days", "Award of additional days"
        MANUAL = "manual", "Manual request"
        PROFILE_CHANGED = "profile_changed", "Release-date profile changed"
        BULK = "bulk", "Bulk recalculation"
        BIRTH_DATE_CORRECTED = "birth_date", "Date of birth corrected"
        RECORDS_MERGED = "merged", "Person records merged"
        TIME_CREDITS = "time_credits", "Programme time credits"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="release_calculations")
    profile_code = models.CharField(max_length=60)
    profile_version = models.CharField(max_length=20)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    reason_detail = models.CharField(max_length=500, blank=True)
    inputs = models.JSONField()  # the request as the engine saw it (JSON form)
    inputs_hash = models.CharField(max_length=64)
    result = models.JSONField()  # CalculationResult.as_dict(): dates, steps, warnings
    release_date = models.DateField(null=True, blank=True, db_index=True)
    release_date_type = models.CharField(max_length=10, blank=True)
    changes = models.JSONField(default=list, blank=True)  # [{"type", "before", "after"}] against the previous
    previous = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    is_latest = models.BooleanField(default=True)
    calculated_at = models.DateTimeField()
    calculated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # empty = the system (an automatic or bulk recalculation)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(is_latest=True), name="uniq_latest_release_calculation"
            )
        ]
        indexes = [models.Index(fields=["person", "calculated_at"], name="calculation_person_at")]


class DateOverride(PublicIdModel):
    """A manual override of one date type for a person, kept apart from calculated dates. It stays in
    force across recalculations until withdrawn; pages show it next to the calculated date and flag
    when the calculated date has moved since the override was made."""

    MERGE_MOVED_BY_OWNER = True  # one active override per date type: moved by sentencing on a merge

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        WITHDRAWN = "withdrawn", "Withdrawn"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="release_date_overrides")
    calculation = models.ForeignKey(Calculation, on_delete=models.PROTECT, related_name="overrides")
    date_type = models.CharField(max_length=10)
    overridden_date = models.DateField()
    calculated_date = models.DateField(null=True, blank=True)  # what the calculation said at the time
    reason = models.CharField(max_length=1000)
    authorised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    authorised_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "date_type"], condition=models.Q(status="active"), name="uniq_active_date_override"
            )
        ]


class SiteProfile(models.Model):
    """The release-date profile a facility uses; sites without one use settings.OMS_RELEASE_PROFILE."""

    site = models.OneToOneField("facilities.Site", on_delete=models.CASCADE, related_name="release_profile")
    profile_code = models.CharField(max_length=60)
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    chosen_at = models.DateTimeField(auto_now=True)
