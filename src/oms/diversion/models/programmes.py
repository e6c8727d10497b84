"""Diversion programmes, referrals, participations (the agreement), requirements and their progress.

A programme is run at a site of kind ``diversion_programme``. A referral (from police or a prosecutor)
brings a person to a programme and opens one participation, which carries the state
(referred -> eligible | ineligible -> agreement_signed -> active -> completed | terminated). The agreement
lists requirements chosen from a fixed menu, each with a due date. Progress is recorded as hours entries
(counted once verified by a coordinator other than the one who logged them), class attendance and ledger
entries (integer minor units; the balance of a requirement or of the programme fee is charges minus
payments and waivers). Rows of progress are never changed after being written, except the verification
of hours.
"""

from django.conf import settings
from django.db import models

from oms.core.models import PublicIdModel
from oms.people.models import Person


class Programme(PublicIdModel):
    site = models.ForeignKey("facilities.Site", on_delete=models.PROTECT, related_name="diversion_programmes")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    # Checked by ``rules.eligibility.check_criteria`` when saved: {"min_age": 18, "max_prior_convictions": 0, ...}
    eligibility = models.JSONField(default=dict)
    full_fee_minor = models.PositiveIntegerField(default=0)  # before the sliding scale, in minor units
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="uniq_diversion_programme_name")]

    def __str__(self) -> str:
        return self.name


class Referral(PublicIdModel):
    """Who referred the person, for what, when. Never changed; its state is its participation's."""

    class ReferrerKind(models.TextChoices):
        POLICE = "police", "Police"
        PROSECUTOR = "prosecutor", "Prosecutor"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="diversion_referrals")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="referrals")
    referrer_kind = models.CharField(max_length=12, choices=ReferrerKind.choices)
    referrer_name = models.CharField(max_length=200)
    referrer_reference = models.CharField(max_length=60, blank=True)  # the police or prosecution case number
    offence_summary = models.CharField(max_length=2000)
    offence_category = models.CharField(max_length=40, blank=True)
    referred_on = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )


class Participation(PublicIdModel):
    """A person's course through a programme from referral to outcome, with the agreement's terms."""

    class State(models.TextChoices):
        REFERRED = "referred", "Referred"
        ELIGIBLE = "eligible", "Assessed eligible"
        INELIGIBLE = "ineligible", "Assessed ineligible"
        AGREEMENT_SIGNED = "agreement_signed", "Agreement signed"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        TERMINATED = "terminated", "Terminated"

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="participation")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="diversion_participations")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="participations")
    state = models.CharField(max_length=20, choices=State.choices, default=State.REFERRED)
    version = models.PositiveIntegerField(default=1)
    # Assessment: the facts given and each criterion's result with its explanation.
    eligibility_facts = models.JSONField(default=dict)
    eligibility_results = models.JSONField(default=list)
    assessed_at = models.DateTimeField(null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Agreement.
    agreement_signed_on = models.DateField(null=True, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    household_income_minor = models.PositiveBigIntegerField(null=True, blank=True)  # a year, minor units
    household_size = models.PositiveSmallIntegerField(null=True, blank=True)
    fee_band = models.CharField(max_length=40, blank=True)
    fee_minor = models.PositiveIntegerField(default=0)  # the assessed fee, before any waiver
    fee_waived = models.BooleanField(default=False)
    # Outcome.
    outcome_on = models.DateField(null=True, blank=True)
    outcome_reason = models.CharField(max_length=1000, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["programme", "state"], name="diversion_participation_state")]


class Requirement(PublicIdModel):
    class Kind(models.TextChoices):
        COMMUNITY_SERVICE = "community_service", "Community service (hours)"
        CLASSES = "classes", "Classes (sessions)"
        COUNSELLING = "counselling", "Counselling (sessions)"
        RESTITUTION = "restitution", "Restitution (amount)"
        DRUG_TESTS = "drug_tests", "Drug tests (tests)"
        CHECK_INS = "check_ins", "Check-ins"
        NO_NEW_ARREST = "no_new_arrest", "No new arrest"

    participation = models.ForeignKey(Participation, on_delete=models.PROTECT, related_name="requirements")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    detail = models.CharField(max_length=1000, blank=True)
    # Hours (community service), minor units (restitution), sessions or tests; null for no new arrest.
    target = models.PositiveBigIntegerField(null=True, blank=True)
    due_on = models.DateField()
    # Restitution payment plan: an instalment every so many days from the first instalment date.
    instalment_minor = models.PositiveBigIntegerField(null=True, blank=True)
    instalment_every_days = models.PositiveSmallIntegerField(null=True, blank=True)
    first_instalment_on = models.DateField(null=True, blank=True)
    breached_on = models.DateField(null=True, blank=True)  # no new arrest: the date of the new arrest
    breach_note = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["due_on", "id"]


class HoursEntry(PublicIdModel):
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="hours_entries")
    worked_on = models.DateField()
    minutes = models.PositiveIntegerField()
    description = models.CharField(max_length=500, blank=True)
    # Logged in the portal by the participant: where the work was done and who supervised it, so the
    # coordinator can check with the placement before verifying.
    place = models.CharField(max_length=200, blank=True)
    supervisor_name = models.CharField(max_length=200, blank=True)
    logged_at = models.DateTimeField()
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["worked_on", "id"]


class LedgerEntry(PublicIdModel):
    """One movement on the participant's account: against a requirement (restitution) or, with no
    requirement, the programme fee. Amounts are positive integer minor units; the kind gives the sign."""

    class Kind(models.TextChoices):
        CHARGE = "charge", "Charge"
        PAYMENT = "payment", "Payment"
        WAIVER = "waiver", "Waiver"

    participation = models.ForeignKey(Participation, on_delete=models.PROTECT, related_name="ledger")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount_minor = models.PositiveBigIntegerField()
    on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="diversion_ledger_positive")]


class ClassAttendance(PublicIdModel):
    """A session of a class, counselling, a drug test or a check-in, and whether it was kept."""

    class Outcome(models.TextChoices):
        ATTENDED = "attended", "Attended"
        EXCUSED = "excused", "Absent: excused"
        MISSED = "missed", "Absent: not excused"

    class TestResult(models.TextChoices):
        NONE = "", "Not a test"
        NEGATIVE = "negative", "Negative"
        POSITIVE = "positive", "Positive"

    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="attendances")
    on = models.DateField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    test_result = models.CharField(max_length=10, choices=TestResult.choices, blank=True, default="")
    note = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["on", "id"]


class NoticeSent(models.Model):
    """A reminder or missed-obligation follow-up already sent, so the daily job sends each once."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder before the due date"
        MISSED = "missed", "Follow-up on a missed obligation"

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_on = models.DateField()  # the due date (or instalment date) the notice was about
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["requirement", "kind", "due_on"], name="uniq_diversion_notice")]
