"""Discipline: offence paragraphs (versioned), charges, hearings, punishments and appeals."""

from django.conf import settings
from django.db import models

from oms.core.models import PublicIdModel
from oms.facilities.models import Location, Site
from oms.people.models import Person


class OffenceParagraph(models.Model):
    """One version of a disciplinary offence paragraph (England and Wales: Prison Rules 1999 r.51);
    a new version is a new row, old versions are never changed."""

    code = models.CharField(max_length=20)  # e.g. "1", "1(a)", "12"
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True, max_length=2000)
    effective_from = models.DateField()
    # Offences serious enough to be referred to the police / independent adjudicator by default.
    serious = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="uniq_offence_paragraph_version")]
        ordering = ["code", "-version"]

    def __str__(self) -> str:
        return f"Paragraph {self.code}: {self.title}"


class DisciplinaryCharge(PublicIdModel):
    class Status(models.TextChoices):
        AWAITING_HEARING = "awaiting_hearing", "Awaiting first hearing"
        SCHEDULED = "scheduled", "Hearing scheduled"
        ADJOURNED = "adjourned", "Adjourned"
        REFERRED_POLICE = "referred_police", "Referred to the police"
        REFERRED_INDEPENDENT = "referred_independent", "Referred to the independent adjudicator"
        PROVED = "proved", "Charge proved"
        DISMISSED = "dismissed", "Dismissed"
        NOT_PROCEEDED = "not_proceeded", "Not proceeded with"
        QUASHED = "quashed", "Quashed"

    reference = models.CharField(max_length=30, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="disciplinary_charges")
    facility = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, null=True, blank=True, related_name="charges"
    )
    paragraph = models.ForeignKey(OffenceParagraph, on_delete=models.PROTECT, related_name="+")
    offence_at = models.DateTimeField()
    particulars = models.TextField(max_length=5000)  # what the person is alleged to have done
    # When staff discovered the offence (the offence time when not given): r.53(1) counts 48 hours from it.
    discovered_at = models.DateTimeField(null=True, blank=True)
    # The exceptional circumstances, when the charge was laid more than 48 hours after discovery.
    late_reason = models.CharField(max_length=1000, blank=True)
    charged_at = models.DateTimeField()
    charged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    first_hearing_due_by = models.DateTimeField(db_index=True)  # computed by rules.deadlines
    status = models.CharField(max_length=25, choices=Status.choices, default=Status.AWAITING_HEARING)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["facility", "status"], name="charge_facility_status")]

    def __str__(self) -> str:
        return self.reference


class Hearing(PublicIdModel):
    class Plea(models.TextChoices):
        GUILTY = "guilty", "Guilty"
        NOT_GUILTY = "not_guilty", "Not guilty"
        REFUSED = "refused", "Refused to plead"
        UNFIT = "unfit", "Unfit to plead"
        NOT_ASKED = "not_asked", "Not asked"

    class Outcome(models.TextChoices):
        ADJOURNED = "adjourned", "Adjourned"
        PROVED = "proved", "Charge proved"
        DISMISSED = "dismissed", "Dismissed"
        NOT_PROCEEDED = "not_proceeded", "Not proceeded with"
        REFERRED_POLICE = "referred_police", "Referred to the police"
        REFERRED_INDEPENDENT = "referred_independent", "Referred to the independent adjudicator"

    class Adjudicator(models.TextChoices):
        GOVERNOR = "governor", "Governor"
        INDEPENDENT = "independent", "Independent adjudicator"

    charge = models.ForeignKey(DisciplinaryCharge, on_delete=models.PROTECT, related_name="hearings")
    scheduled_for = models.DateTimeField(db_index=True)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    adjudicator_kind = models.CharField(max_length=15, choices=Adjudicator.choices, default=Adjudicator.GOVERNOR)
    adjudicator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    held_at = models.DateTimeField(null=True, blank=True)
    plea = models.CharField(max_length=15, choices=Plea.choices, blank=True)
    outcome = models.CharField(max_length=25, choices=Outcome.choices, blank=True)
    adjournment_reason = models.CharField(max_length=1000, blank=True)
    notes = models.TextField(blank=True, max_length=10000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["scheduled_for", "id"]


class Punishment(PublicIdModel):
    class Kind(models.TextChoices):
        CAUTION = "caution", "Caution"
        LOSS_OF_PRIVILEGES = "loss_of_privileges", "Loss of privileges"
        CONFINEMENT_TO_CELL = "confinement_to_cell", "Confinement to cell"
        REMOVAL_FROM_ACTIVITY = "removal_from_activity", "Removal from activity or wing"
        STOPPAGE_OF_EARNINGS = "stoppage_of_earnings", "Stoppage of earnings"
        EXCLUSION_FROM_WORK = "exclusion_from_work", "Exclusion from associated work"
        DAMAGES = "damages", "Damages (reparation)"
        ADDITIONAL_DAYS = "additional_days", "Additional days"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        ACTIVATED = "activated", "Activated (was suspended)"
        EXPIRED = "expired", "Suspension ended without activation"
        QUASHED = "quashed", "Quashed"
        REDUCED = "reduced", "Reduced on appeal"

    charge = models.ForeignKey(DisciplinaryCharge, on_delete=models.PROTECT, related_name="punishments")
    hearing = models.ForeignKey(Hearing, on_delete=models.PROTECT, related_name="punishments")
    kind = models.CharField(max_length=25, choices=Kind.choices)
    days = models.PositiveIntegerField(null=True, blank=True)  # duration, or the days awarded
    amount_pence = models.PositiveIntegerField(null=True, blank=True)  # damages, stoppage of earnings
    privilege = models.CharField(max_length=200, blank=True)  # what is lost, for loss of privileges
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True, db_index=True)
    suspended_until = models.DateField(null=True, blank=True)
    activated_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # The sentencing adjustment recorded for additional days (its public id), so a quash withdraws it.
    adjustment_public_id = models.UUIDField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["id"]


class Appeal(PublicIdModel):
    class Outcome(models.TextChoices):
        PENDING = "pending", "Awaiting decision"
        UPHELD = "upheld", "Finding and punishments stand"
        QUASHED = "quashed", "Finding quashed"
        PUNISHMENT_REDUCED = "reduced", "Punishment reduced"

    charge = models.ForeignKey(DisciplinaryCharge, on_delete=models.PROTECT, related_name="appeals")
    lodged_on = models.DateField()
    grounds = models.TextField(max_length=5000)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reasons = models.TextField(blank=True, max_length=5000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


class Restoration(PublicIdModel):
    """Additional days given back (remitted) after an award, for good behaviour since: Prison Rules 1999
    r.61 and Criminal Justice Act 2003 s.257(2) ("awarded ... and not remitted"). Each restoration is a
    ``restored_days`` adjustment in sentencing; never more than the days the punishment awarded."""

    punishment = models.ForeignKey(Punishment, on_delete=models.PROTECT, related_name="restorations")
    days = models.PositiveIntegerField()
    reasons = models.TextField(max_length=5000)
    decided_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    adjustment_public_id = models.UUIDField(null=True, blank=True)
    # Set when the award itself is quashed: the restoration then has nothing to give back.
    withdrawn_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
