"""Reception and release: the custody episode and what is taken in with the person."""

from django.conf import settings
from django.db import models

from oms.core.crypto import EncryptedTextField
from oms.core.models import PublicIdModel, TimestampedModel
from oms.people.models import Person


class CustodyEpisode(PublicIdModel, TimestampedModel):
    """One spell in custody from reception to release. A transfer moves the episode to the receiving
    site; release (or death, or a transfer out of the estate) closes it.

    ``in_out`` is where the person is relative to the establishment: IN (inside, housed or not), OUT
    (at court, hospital, on temporary release, escaped: see the open out movement), TRANSFER (sent to
    another site and not yet received). ``in_reception`` is true from reception until first housed.
    """

    class InOut(models.TextChoices):
        IN = "in", "In"
        OUT = "out", "Out"
        TRANSFER = "transfer", "Transfer (en route)"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RELEASED = "released", "Released"
        DIED = "died", "Died in custody"
        # Closed without a recorded release: the person was received at another site before this one
        # recorded the transfer (reception records reality and closes the stale episode), or left the estate.
        TRANSFERRED = "transfer", "Transferred out"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="custody_episodes")
    site = models.ForeignKey("facilities.Site", on_delete=models.PROTECT, related_name="custody_episodes")
    booking_number = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    in_out = models.CharField(max_length=10, choices=InOut.choices, default=InOut.IN)
    in_reception = models.BooleanField(default=True)
    legal_status = models.CharField(max_length=30, choices=Person.LegalStatus.choices)
    # Provisional security classification set at reception (the assessment app refines it later);
    # "" = not yet classified. Values are facilities Location.SecurityLevel.
    security_level = models.CharField(max_length=10, blank=True)
    # Where the person physically is when not in their cell: a non-residential location inside, or a
    # free-text place outside (court, hospital) with the open out movement holding the detail.
    current_location = models.ForeignKey(
        "facilities.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField()
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    received_from = models.CharField(max_length=200, blank=True)  # court, police station, other prison
    reception_warnings = models.JSONField(default=list, blank=True)  # [{"code", "detail"}] recorded, not refused
    release_due_on = models.DateField(null=True, blank=True)  # from sentencing when present
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    release_reason = models.CharField(max_length=40, blank=True)
    release_override_reason = models.CharField(max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(status="active"), name="uniq_active_custody_episode"
            )
        ]
        indexes = [models.Index(fields=["site", "status", "in_out"], name="episode_site_status")]

    def __str__(self) -> str:
        return self.booking_number


class LawfulAuthority(TimestampedModel):
    """The warrant or order that makes the detention lawful, with its expiry (a remand warrant runs
    to the next hearing). Expiring authorities appear on the daily action plan."""

    class Kind(models.TextChoices):
        REMAND_WARRANT = "remand_warrant", "Remand warrant"
        COMMITTAL_WARRANT = "committal_warrant", "Warrant of commitment (sentence)"
        COURT_ORDER = "court_order", "Court order"
        RECALL = "recall", "Recall notice"
        IMMIGRATION = "immigration", "Immigration detention authority"
        CIVIL = "civil", "Civil committal"
        # Holds for another authority: while one is open the person must not be released (handed over instead).
        DETAINER = "detainer", "Detainer (hold for another authority)"
        OUTSTANDING_WARRANT = "outstanding_warrant", "Outstanding warrant (another case)"
        OTHER = "other", "Other"

    episode = models.ForeignKey(CustodyEpisode, on_delete=models.CASCADE, related_name="authorities")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    reference = models.CharField(max_length=60)
    issued_by = models.CharField(max_length=200, blank=True)  # court or authority
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True, db_index=True)
    document_seen = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    ended_on = models.DateField(null=True, blank=True)  # superseded or discharged


class PropertyItem(TimestampedModel):
    """A sealed bag or item taken into storage at reception, returned or disposed of at release."""

    class Status(models.TextChoices):
        STORED = "stored", "Stored"
        IN_POSSESSION = "in_possession", "In possession"
        RETURNED = "returned", "Returned"
        DISPOSED = "disposed", "Disposed of"

    episode = models.ForeignKey(CustodyEpisode, on_delete=models.CASCADE, related_name="property_items")
    description = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField(default=1)
    seal_number = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.STORED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)  # returned or disposed
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )


class CashEntry(models.Model):
    """Money held for the person, in integer minor units (pence). Intake adds, return subtracts; the
    balance is the sum, and release requires it to be zero (all cash returned)."""

    class Kind(models.TextChoices):
        INTAKE = "intake", "Received at intake"
        RETURN = "return", "Returned to the person"
        ADJUSTMENT = "adjustment", "Adjustment"

    episode = models.ForeignKey(CustodyEpisode, on_delete=models.CASCADE, related_name="cash_entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount_minor = models.BigIntegerField()  # signed: intake positive, return negative
    currency = models.CharField(max_length=3, default="GBP")
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)


class IntakeScreening(TimestampedModel):
    """First-night screening at reception. Health detail is special-category data: encrypted at rest
    and shown only to roles that may read health notes. The cell-sharing risk decides whether the
    person may share a cell (housing reads it)."""

    class Risk(models.TextChoices):
        NONE = "none", "None identified"
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    class CellSharing(models.TextChoices):
        STANDARD = "standard", "Standard: may share"
        SHARE_WITH_CARE = "share_with_care", "May share with care"
        SINGLE_CELL = "single_cell", "Single cell only"
        NOT_ASSESSED = "not_assessed", "Not yet assessed"

    episode = models.OneToOneField(CustodyEpisode, on_delete=models.CASCADE, related_name="screening")
    health_concerns = models.BooleanField(default=False)
    health_notes = EncryptedTextField(blank=True)
    takes_medication = models.BooleanField(default=False)
    suicide_self_harm_risk = models.CharField(max_length=10, choices=Risk.choices, default=Risk.NONE)
    suicide_self_harm_notes = EncryptedTextField(blank=True)
    victimisation_risk = models.CharField(max_length=10, choices=Risk.choices, default=Risk.NONE)
    aggression_risk = models.CharField(max_length=10, choices=Risk.choices, default=Risk.NONE)
    cell_sharing = models.CharField(max_length=20, choices=CellSharing.choices, default=CellSharing.NOT_ASSESSED)
    needs_accessible_cell = models.BooleanField(default=False)
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    screened_at = models.DateTimeField()
