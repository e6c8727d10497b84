"""Movements: every time a person goes somewhere, inside or outside the establishment."""

from django.conf import settings
from django.db import models

from oms.core.models import PublicIdModel
from oms.custody.models.episodes import CustodyEpisode
from oms.people.models import Person


class Movement(PublicIdModel):
    """One leg of a movement, scheduled and/or actual.

    ``direction`` OUT takes the person out of the establishment (court, hospital, temporary release,
    transfer, escape, release); IN brings them back or in (admission, return, transfer received);
    INTERNAL moves them to a non-residential location and back inside the walls. A return IN points at
    the OUT it closes (``return_of``). A transfer is one row that goes scheduled -> en_route ->
    completed when the receiving site receives the person. ``batch_id`` groups rows recorded together
    in one movement window. ``during_uncleared_count`` flags movements recorded while a formal count
    at the site was not cleared (they need the count supervisor's attention).
    """

    class Kind(models.TextChoices):
        ADMISSION = "admission", "Admission"
        INTERNAL = "internal", "Internal"
        COURT = "court", "Court"
        HOSPITAL = "hospital", "Hospital"
        TEMPORARY_RELEASE = "temporary_release", "Temporary release"
        TRANSFER = "transfer", "Transfer"
        ESCAPE = "escape", "Escape or abscond"
        RELEASE = "release", "Release"
        DEATH = "death", "Death"
        RETURN = "return", "Return"

    class Direction(models.TextChoices):
        OUT = "out", "Out"
        IN = "in", "In"
        INTERNAL = "internal", "Internal"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        EN_ROUTE = "en_route", "En route"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    episode = models.ForeignKey(CustodyEpisode, on_delete=models.PROTECT, related_name="movements")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("facilities.Site", on_delete=models.PROTECT, related_name="+")  # where it is recorded
    kind = models.CharField(max_length=20, choices=Kind.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)  # actual time; null while scheduled
    from_location = models.ForeignKey(
        "facilities.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_location = models.ForeignKey(
        "facilities.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_site = models.ForeignKey(
        "facilities.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # transfers
    destination = models.CharField(max_length=200, blank=True)  # court, hospital, address outside
    escort = models.CharField(max_length=200, blank=True)  # responsible party while out
    reason = models.CharField(max_length=200, blank=True)
    return_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="returns")
    batch_id = models.UUIDField(null=True, blank=True, db_index=True)
    during_uncleared_count = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["site", "status", "scheduled_at"], name="movement_site_scheduled"),
            models.Index(fields=["site", "occurred_at"], name="movement_site_occurred"),
            models.Index(fields=["episode", "occurred_at"], name="movement_episode_occurred"),
            models.Index(fields=["to_site", "status"], name="movement_to_site_status"),
        ]
