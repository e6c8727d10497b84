"""What the participant portal adds: check-ins made by the participant and messages from the coordinator.

Hours the participant logs are ordinary ``HoursEntry`` rows (with where and who supervised), awaiting
verification by a coordinator exactly like hours logged by staff.
"""

from django.conf import settings
from django.db import models

from oms.core.models import PublicIdModel
from oms.diversion.models.programmes import ClassAttendance, Participation


class PortalCheckIn(PublicIdModel):
    """A participant's own check-in: they are still engaged, and how they are doing.

    One a day per participation (a constraint), so repeated clicks cannot pad a check-ins requirement.
    When the participation has a check-ins requirement the check-in is also recorded as an attended
    session of it (``attendance``).
    """

    class Wellbeing(models.TextChoices):
        WELL = "well", "Doing well"
        OKAY = "okay", "Getting by"
        STRUGGLING = "struggling", "Struggling"

    participation = models.ForeignKey(Participation, on_delete=models.PROTECT, related_name="portal_check_ins")
    on = models.DateField()
    wellbeing = models.CharField(max_length=12, choices=Wellbeing.choices)
    wants_contact = models.BooleanField(default=False)  # "please contact me": flagged to the coordinator
    note = models.CharField(max_length=1000, blank=True)
    attendance = models.OneToOneField(
        ClassAttendance, on_delete=models.PROTECT, null=True, blank=True, related_name="portal_check_in"
    )
    checked_in_at = models.DateTimeField()
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [models.UniqueConstraint(fields=["participation", "on"], name="uniq_diversion_portal_check_in")]


class CoordinatorMessage(PublicIdModel):
    """A message from a coordinator to the participant, read in the portal. Never edited."""

    participation = models.ForeignKey(Participation, on_delete=models.PROTECT, related_name="messages")
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=5000)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["participation", "read_at"], name="diversion_message_unread")]
