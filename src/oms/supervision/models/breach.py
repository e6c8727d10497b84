"""Warnings and breach proceedings on a supervision case.

A warning answers a failure to comply (optionally naming the appointment). A breach moves through its
legal states (``rules.breach.TRANSITIONS``); each move is a ``BreachStep`` with who, when and why, never
changed. A proven breach records what it led to; revocation or recall closes the case.
"""

from django.conf import settings
from django.db import models

from oms.core.models import PublicIdModel
from oms.supervision.models.cases import Appointment, SupervisionCase


class ComplianceWarning(PublicIdModel):
    case = models.ForeignKey(SupervisionCase, on_delete=models.PROTECT, related_name="warnings")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="warnings"
    )
    issued_on = models.DateField()
    reason = models.CharField(max_length=1000)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-issued_on", "-id"]


class Breach(PublicIdModel):
    class State(models.TextChoices):
        INITIATED = "initiated", "Initiated"
        SUMMONS = "summons", "Summons issued"
        WARRANT = "warrant", "Warrant issued"
        PROVEN = "proven", "Proven"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Outcome(models.TextChoices):
        NONE = "", "None yet"
        CONTINUED = "continued", "Order or licence continued"
        VARIED = "varied", "Order or licence varied"
        REVOKED = "revoked", "Order revoked"
        RECALLED = "recalled", "Recalled to custody"

    case = models.ForeignKey(SupervisionCase, on_delete=models.PROTECT, related_name="breaches")
    state = models.CharField(max_length=12, choices=State.choices, default=State.INITIATED)
    reason = models.CharField(max_length=2000)
    initiated_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-initiated_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(state__in=["initiated", "summons", "warrant"]),
                name="uniq_open_supervision_breach",
            )
        ]

    @property
    def is_open(self) -> bool:
        return self.state not in (self.State.PROVEN, self.State.WITHDRAWN)


class BreachStep(models.Model):
    """One move of a breach (the first has no ``from_state``). Never changed."""

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="steps")
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, choices=Breach.State.choices)
    on = models.DateField()
    reason = models.CharField(max_length=2000)
    outcome = models.CharField(max_length=12, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "id"]
