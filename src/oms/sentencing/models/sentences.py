"""Sentences and the adjustments that change time to serve."""

from django.conf import settings
from django.db import models

from oms.core.models import PublicIdModel, TimestampedModel
from oms.people.models import Person
from oms.sentencing.models.legal import Charge, CourtCase
from oms.sentencing.rules.types import AdjustmentKind, SentenceKind


class Sentence(PublicIdModel, TimestampedModel):
    """One sentence imposed by a court. ``consecutive_to`` names the sentence this one follows; empty
    means concurrent. A sentence is never deleted once a calculation has used it: it is quashed (kept,
    left out of calculations) so earlier calculations stay explainable."""

    # The engine's kinds (rules.types.SentenceKind) are the only kinds a sentence can have.
    KIND_CHOICES = [(k.value, k.value.replace("_", " ").capitalize()) for k in SentenceKind]

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        QUASHED = "quashed", "Quashed on appeal"
        ENTERED_IN_ERROR = "error", "Entered in error"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sentences")
    court_case = models.ForeignKey(CourtCase, on_delete=models.PROTECT, related_name="sentences")
    charges = models.ManyToManyField(Charge, blank=True, related_name="sentences")
    line_number = models.PositiveSmallIntegerField(default=1)  # order within the case, as the court gave it
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    sentenced_on = models.DateField()
    offence_committed_on = models.DateField()
    years = models.PositiveSmallIntegerField(default=0)
    months = models.PositiveSmallIntegerField(default=0)
    weeks = models.PositiveSmallIntegerField(default=0)
    days = models.PositiveIntegerField(default=0)
    consecutive_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="followed_by"
    )
    fine_amount_pence = models.PositiveBigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    status_reason = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["person", "status"], name="sentence_person_status")]

    def length_text(self) -> str:
        parts = [(self.years, "year"), (self.months, "month"), (self.weeks, "week"), (self.days, "day")]
        return ", ".join(f"{n} {u}{'' if n == 1 else 's'}" for n, u in parts if n) or "no length"


class Adjustment(PublicIdModel, TimestampedModel):
    """Remand, tagged bail, unlawfully at large, additional days, restored days, US credits. Withdrawn
    rather than deleted, so every calculation that used it stays explainable."""

    KIND_CHOICES = [(k.value, k.value.replace("_", " ").capitalize()) for k in AdjustmentKind]

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        WITHDRAWN = "withdrawn", "Withdrawn"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sentence_adjustments")
    kind = models.CharField(max_length=30, choices=KIND_CHOICES)
    days = models.PositiveIntegerField()
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)
    # The sentence it was given for (remand counts towards the sentences of that case); the engine uses
    # that sentence's date as "applies to sentences from". Empty = all current sentences.
    sentence = models.ForeignKey(Sentence, on_delete=models.PROTECT, null=True, blank=True, related_name="adjustments")
    source = models.CharField(max_length=200, blank=True)  # e.g. "Adjudication MDI-2026-0042", "Court record"
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    status_reason = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["person", "status"], name="adjustment_person_status")]
