"""Drug and alcohol testing: a random selection run (its date, seed, roster and the cases selected,
kept so anyone can recompute it) and the tests with their results."""

from django.conf import settings
from django.db import models

from oms.core.models import PublicIdModel
from oms.supervision.models.cases import SupervisionCase
from oms.supervision.models.sanctions import Violation


class TestSelection(PublicIdModel):
    __test__ = False  # not a pytest test class

    on = models.DateField()
    seed = models.BigIntegerField()
    roster = models.JSONField(default=list)  # [[case public id, level], ...] as drawn
    selected = models.JSONField(default=list)  # case public ids
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-id"]


class DrugTest(PublicIdModel):
    class Reason(models.TextChoices):
        RANDOM = "random", "Random selection"
        OFFICER = "officer", "Officer request"

    class Result(models.TextChoices):
        PENDING = "pending", "Not yet recorded"
        NEGATIVE = "negative", "Negative"
        POSITIVE = "positive", "Positive"
        REFUSED = "refused", "Refused"
        DILUTE = "dilute", "Dilute sample"
        MISSED = "missed", "Missed"

    case = models.ForeignKey(SupervisionCase, on_delete=models.PROTECT, related_name="drug_tests")
    selection = models.ForeignKey(TestSelection, on_delete=models.PROTECT, null=True, blank=True, related_name="tests")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    due_on = models.DateField(db_index=True)
    result = models.CharField(max_length=10, choices=Result.choices, default=Result.PENDING)
    substances = models.JSONField(default=list, blank=True)
    notes = models.CharField(max_length=2000, blank=True)
    violation = models.OneToOneField(
        Violation, on_delete=models.PROTECT, null=True, blank=True, related_name="drug_test"
    )
    created_at = models.DateTimeField()
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-due_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "due_on"], name="uniq_supervision_test_day")]
