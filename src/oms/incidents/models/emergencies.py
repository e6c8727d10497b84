"""Emergency response: the declared emergency, its timeline, authorised movement exceptions, and the
emergency roll marked by several staff at once."""

from django.conf import settings
from django.db import models

from oms.core.models import PublicIdModel
from oms.facilities.models import Location, Site
from oms.people.models import Person


class Emergency(PublicIdModel):
    class Kind(models.TextChoices):
        LOCKDOWN = "lockdown", "Lockdown"
        EVACUATION = "evacuation", "Evacuation"
        ESCAPE = "escape", "Escape"
        MEDICAL = "medical", "Medical emergency"
        FIRE = "fire", "Fire"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        STOOD_DOWN = "stood_down", "Stood down"

    facility = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="emergencies")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Scope: the whole facility when empty, else these locations and everything under them.
    locations = models.ManyToManyField(Location, blank=True, related_name="+")
    instructions = models.TextField(max_length=5000)
    blocks_movements = models.BooleanField(default=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField()
    stood_down_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stood_down_at = models.DateTimeField(null=True, blank=True)
    after_action_review = models.TextField(blank=True, max_length=20000)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["facility", "status"], name="emergency_facility_status")]


class EmergencyAction(models.Model):
    """One line of the emergency's timeline (declared, instructions changed, roll started, exception
    authorised, person missing/found, stood down, or a free-text log entry)."""

    emergency = models.ForeignKey(Emergency, on_delete=models.PROTECT, related_name="actions")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=30)
    text = models.CharField(max_length=2000)

    class Meta:
        ordering = ["at", "id"]


class MovementException(models.Model):
    """A movement allowed during an emergency that blocks movements (a hospital escort, say)."""

    emergency = models.ForeignKey(Emergency, on_delete=models.PROTECT, related_name="exceptions")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=1000)
    authorised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    authorised_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class EmergencyRoll(PublicIdModel):
    emergency = models.ForeignKey(Emergency, on_delete=models.PROTECT, related_name="rolls")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    expected = models.PositiveIntegerField(default=0)


class RollEntry(models.Model):
    """One person who should be somewhere: unaccounted until marked. Each mark bumps ``version`` so two
    staff marking the same person cannot overwrite each other unseen."""

    class Status(models.TextChoices):
        UNACCOUNTED = "unaccounted", "Not yet accounted for"
        ACCOUNTED = "accounted", "Accounted for"
        MISSING = "missing", "Missing"

    roll = models.ForeignKey(EmergencyRoll, on_delete=models.PROTECT, related_name="entries")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    expected_location = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    expected_where = models.CharField(max_length=200)  # e.g. "A-1-01-2" or "Out: hospital", frozen at start
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UNACCOUNTED)
    found_at_text = models.CharField(max_length=200, blank=True)  # where they were found, when elsewhere
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["roll", "person"], name="uniq_roll_entry_person")]
        indexes = [models.Index(fields=["roll", "status"], name="roll_entry_status")]
