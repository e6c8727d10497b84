"""The legal record: the offence catalogue, court cases with their hearings and charges, and warrants
and detainers."""

from django.conf import settings
from django.db import models

from oms.core.models import PublicIdModel, TimestampedModel
from oms.people.models import Person


class Offence(TimestampedModel):
    """One entry of the offence catalogue (importable from CSV). Entries are never deleted: a charge
    keeps pointing at the offence as it was catalogued; withdrawn codes are made inactive."""

    FLAGS = ("violent", "sexual", "drug", "domestic_abuse", "weapon", "terrorism", "motoring", "acquisitive")

    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=300)
    category = models.CharField(max_length=100, blank=True)
    severity = models.PositiveSmallIntegerField(default=1)  # 1 (least) to 10 (most serious)
    flags = models.JSONField(default=list, blank=True)  # a subset of FLAGS
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class CourtCase(PublicIdModel, TimestampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="court_cases")
    case_number = models.CharField(max_length=40)
    court_name = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    opened_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["court_name", "case_number"], name="uniq_court_case_number"),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} ({self.court_name})"


class Hearing(PublicIdModel, TimestampedModel):
    class Kind(models.TextChoices):
        FIRST_APPEARANCE = "first_appearance", "First appearance"
        PLEA = "plea", "Plea"
        TRIAL = "trial", "Trial"
        SENTENCE = "sentence", "Sentence"
        APPEAL = "appeal", "Appeal"
        OTHER = "other", "Other"

    class Outcome(models.TextChoices):
        REMANDED = "remanded", "Remanded in custody"
        BAILED = "bailed", "Bailed"
        CONVICTED = "convicted", "Convicted"
        SENTENCED = "sentenced", "Sentenced"
        ACQUITTED = "acquitted", "Acquitted"
        DISMISSED = "dismissed", "Dismissed"
        ADJOURNED = "adjourned", "Adjourned"

    court_case = models.ForeignKey(CourtCase, on_delete=models.CASCADE, related_name="hearings")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    hearing_at = models.DateTimeField()
    court_name = models.CharField(max_length=200, blank=True)  # when not the case's court
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)  # "" = not yet heard
    outcome_notes = models.CharField(max_length=1000, blank=True)
    next_hearing_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["hearing_at"], name="hearing_at")]


class Charge(PublicIdModel, TimestampedModel):
    class Plea(models.TextChoices):
        GUILTY = "guilty", "Guilty"
        NOT_GUILTY = "not_guilty", "Not guilty"
        NO_PLEA = "no_plea", "No plea entered"

    class Outcome(models.TextChoices):
        PENDING = "pending", "Pending"
        CONVICTED = "convicted", "Convicted"
        ACQUITTED = "acquitted", "Acquitted"
        DISMISSED = "dismissed", "Dismissed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    court_case = models.ForeignKey(CourtCase, on_delete=models.CASCADE, related_name="charges")
    offence = models.ForeignKey(Offence, on_delete=models.PROTECT, related_name="charges")
    count_number = models.PositiveSmallIntegerField(default=1)
    committed_from = models.DateField()
    committed_to = models.DateField(null=True, blank=True)  # offences over a period
    plea = models.CharField(max_length=20, choices=Plea.choices, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField(null=True, blank=True)
    particulars = models.CharField(max_length=1000, blank=True)


class Warrant(PublicIdModel, TimestampedModel):
    """A warrant or detainer on the person's legal record. An active detainer or outstanding warrant
    must be dealt with before release (custody's release checks read them)."""

    class Kind(models.TextChoices):
        ARREST = "arrest", "Arrest warrant"
        REMAND = "remand", "Remand warrant"
        COMMITMENT = "commitment", "Warrant of commitment"
        DETAINER = "detainer", "Detainer (hold for another authority)"
        IMMIGRATION = "immigration", "Immigration detainer"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        EXECUTED = "executed", "Executed"
        WITHDRAWN = "withdrawn", "Withdrawn"
        LIFTED = "lifted", "Lifted"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="warrants")
    court_case = models.ForeignKey(CourtCase, on_delete=models.PROTECT, null=True, blank=True, related_name="warrants")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reference = models.CharField(max_length=60)
    issued_by = models.CharField(max_length=200)  # court or authority
    issued_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    ended_on = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=1000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
