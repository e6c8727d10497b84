"""Recalls from licence: a person the supervising officer has recalled to custody, expected back at
reception. Supervision tells custody through the ``supervision.recall_issued`` event (custody may not
import supervision), so the supervision case is named by its public id as text, not a foreign key."""

from django.conf import settings
from django.db import models

from oms.core.models import PublicIdModel
from oms.custody.models.episodes import CustodyEpisode
from oms.people.models import Person


class Recall(PublicIdModel):
    """Awaited while the person is unlawfully at large; returned when reception receives them (or at once
    when they are already in custody); cancelled by custody when the recall is rescinded."""

    class Status(models.TextChoices):
        AWAITED = "awaited", "Awaited: unlawfully at large"
        RETURNED = "returned", "Returned to custody"
        CANCELLED = "cancelled", "Cancelled"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="recalls")
    # Where reception should expect the person: the establishment that released them on this licence
    # (their last custody episode); empty when they were never in custody here.
    expected_at = models.ForeignKey(
        "facilities.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="recalls_expected"
    )
    recalled_on = models.DateField()
    licence_reference = models.CharField(max_length=60, blank=True)
    supervision_case_id = models.CharField(max_length=40)  # the case's public id: one recall per case
    reason = models.CharField(max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AWAITED)
    returned_episode = models.ForeignKey(
        CustodyEpisode, on_delete=models.PROTECT, null=True, blank=True, related_name="recalls_returned"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["supervision_case_id"], name="uniq_recall_supervision_case"),
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(status="awaited"), name="uniq_awaited_recall_person"
            ),
        ]
        indexes = [models.Index(fields=["expected_at", "status"], name="recall_expected_status")]
        ordering = ["recalled_on", "id"]
