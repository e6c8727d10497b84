"""The person master record.

Names (the primary name and every alias) live in ``PersonName`` with normalised and phonetic keys,
so one indexed table answers prefix, sound-alike and fuzzy search with aliases included.
``FIELD_SENSITIVITY`` gives each field's class (domain-rules: people and records) and whether it
appears in a subject access request.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from oms.core.crypto import EncryptedTextField
from oms.core.models import PublicIdModel, TimestampedModel


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    INTERSEX = "intersex", "Intersex"
    NOT_KNOWN = "not_known", "Not known"


class Person(PublicIdModel, TimestampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        DECEASED = "deceased", "Deceased"
        MERGED = "merged", "Merged into another record"

    class LegalStatus(models.TextChoices):
        NONE = "none", "No current legal status"
        REMAND = "remand", "Remand"
        CONVICTED_UNSENTENCED = "convicted_unsentenced", "Convicted, unsentenced"
        SENTENCED = "sentenced", "Sentenced"
        RECALL = "recall", "Recall"
        CIVIL = "civil", "Civil prisoner"
        IMMIGRATION_DETAINEE = "immigration_detainee", "Immigration detainee"
        INDETERMINATE = "indeterminate", "Indeterminate sentence"
        COMMUNITY_ORDER = "community_order", "On a community order"
        LICENCE = "licence", "On licence"
        DIVERSION = "diversion", "In a diversion programme"
        DECEASED = "deceased", "Deceased"

    system_number = models.CharField(max_length=7, unique=True)  # e.g. A1234BC
    family_name = models.CharField(max_length=100)
    given_name = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True, db_index=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.NOT_KNOWN)
    gender_identity = models.CharField(max_length=100, blank=True)
    ethnicity = models.CharField(max_length=100, blank=True)
    nationality = models.CharField(max_length=100, blank=True)
    languages = models.JSONField(default=list, blank=True)  # ISO 639 codes, first is main
    interpreter_required = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    legal_status = models.CharField(max_length=30, choices=LegalStatus.choices, default=LegalStatus.NONE)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    version = models.PositiveIntegerField(default=1)  # optimistic concurrency for edits

    class Meta:
        ordering = ["family_name", "given_name"]

    def __str__(self) -> str:
        return f"{self.family_name.upper()}, {self.given_name} ({self.system_number})"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.middle_names, self.family_name) if p)


class PersonName(models.Model):
    """The primary name and every alias, with search keys computed by ``rules.name_keys``."""

    class Kind(models.TextChoices):
        PRIMARY = "primary", "Primary name"
        ALIAS = "alias", "Alias"
        BIRTH = "birth", "Name at birth"
        MAIDEN = "maiden", "Maiden name"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    family_name = models.CharField(max_length=100)
    given_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)  # an alias may come with another birth date
    family_norm = models.CharField(max_length=100)  # lower-case ASCII letters only
    given_norm = models.CharField(max_length=100, blank=True)
    family_phonetic = models.CharField(max_length=20)  # Double Metaphone primary key
    given_phonetic = models.CharField(max_length=20, blank=True)
    family_nysiis = models.CharField(max_length=20, blank=True)
    family_anagram = models.CharField(
        max_length=100, blank=True, db_default=""
    )  # letters sorted, for swapped-letter typos

    class Meta:
        indexes = [
            models.Index(fields=["family_norm", "given_norm"], name="personname_norm"),
            models.Index(fields=["family_phonetic", "given_phonetic"], name="personname_phonetic"),
            # Search pins both name parts in one index range: one part by spelling, sound or sorted
            # letters, the other by its sound or spelling (a typo in one part, a short other part).
            # Each index still serves lookups on its first column alone.
            models.Index(fields=["family_phonetic", "given_norm"], name="personname_family_ph_given"),
            models.Index(fields=["family_nysiis", "given_phonetic"], name="personname_nysiis_given"),
            models.Index(fields=["family_anagram", "given_phonetic"], name="personname_anagram_given"),
            models.Index(fields=["given_norm", "family_norm"], name="personname_given_family"),
            models.Index(fields=["given_phonetic", "family_norm"], name="personname_given_ph_family"),
        ]


class Identifier(models.Model):
    class Kind(models.TextChoices):
        PNC = "pnc", "Police National Computer number"
        CRO = "cro", "Criminal Records Office number"
        FBI = "fbi", "FBI number"
        STATE_ID = "state_id", "State identification number"
        PASSPORT = "passport", "Passport number"
        NATIONAL_INSURANCE = "nino", "National Insurance number"
        DRIVING_LICENCE = "driving_licence", "Driving licence number"
        HOME_OFFICE = "home_office", "Home Office reference"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.CharField(max_length=50)
    value_norm = models.CharField(max_length=50, db_index=True)  # upper-case, no spaces or punctuation
    issued_by = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "kind", "value_norm"], name="uniq_person_identifier")]


class Address(TimestampedModel):
    class Kind(models.TextChoices):
        HOME = "home", "Home"
        RELEASE = "release", "Release address"
        CURFEW = "curfew", "Curfew address"
        PREVIOUS = "previous", "Previous"
        NO_FIXED_ABODE = "nfa", "No fixed abode"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.HOME)
    line1 = models.CharField(max_length=200, blank=True)
    line2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100, blank=True)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)
    is_primary = models.BooleanField(default=False)


class Contact(TimestampedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    next_of_kin = models.BooleanField(default=False)
    emergency_contact = models.BooleanField(default=False)


class Alert(TimestampedModel, PublicIdModel):
    class Level(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    class Type(models.TextChoices):
        SELF_HARM = "self_harm", "Risk of self-harm"
        VIOLENCE = "violence", "Risk to others"
        ESCAPE = "escape", "Escape risk"
        MEDICAL = "medical", "Medical"
        VULNERABILITY = "vulnerability", "Vulnerability"
        SECURITY = "security", "Security"
        SAFEGUARDING = "safeguarding", "Safeguarding (children)"
        VISITS = "visits", "Visits restriction"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="alerts")
    type = models.CharField(max_length=20, choices=Type.choices)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.MEDIUM)
    description = models.TextField(blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    closed_reason = models.CharField(max_length=500, blank=True)


class CaseNote(PublicIdModel):
    class Type(models.TextChoices):
        GENERAL = "general", "General"
        BEHAVIOUR = "behaviour", "Behaviour"
        HEALTH = "health", "Health"
        SAFEGUARDING = "safeguarding", "Safeguarding"
        SUPERVISION = "supervision", "Supervision contact"
        RESETTLEMENT = "resettlement", "Resettlement"
        SECURITY = "security", "Security"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="case_notes")
    type = models.CharField(max_length=20, choices=Type.choices, default=Type.GENERAL)
    sensitive = models.BooleanField(default=False)
    text = EncryptedTextField()  # DP-1: narratives are encrypted at rest
    site = models.ForeignKey("facilities.Site", on_delete=models.PROTECT, null=True, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)


class PersonSiteLink(models.Model):
    """Which sites are working with a person: the basis of record scope (AZ-3).

    Custody, supervision and diversion episodes in later apps open and close these links.
    """

    class Kind(models.TextChoices):
        CUSTODY = "custody", "In custody"
        SUPERVISION = "supervision", "Under supervision"
        DIVERSION = "diversion", "In a diversion programme"
        REFERRAL = "referral", "Referred"
        RECORDS = "records", "Records held"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="site_links")
    site = models.ForeignKey("facilities.Site", on_delete=models.PROTECT, related_name="person_links")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["site", "person"], name="personsitelink_site_person")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "site", "kind"],
                condition=models.Q(ended_on__isnull=True),
                name="uniq_open_person_site_link",
            )
        ]


class Allocation(models.Model):
    """A person on a member of staff's caseload (for actors whose scope is their caseload)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="allocations")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="caseload")
    site = models.ForeignKey("facilities.Site", on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["staff", "person"], name="allocation_staff_person")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "staff"], condition=models.Q(ended_on__isnull=True), name="uniq_open_allocation"
            )
        ]


# Sensitivity class of each person field, and whether it appears in a subject access request (SAR).
# Classes: none, personal, special (special category: health, ethnicity...), criminal, official.
FIELD_SENSITIVITY: dict[str, tuple[str, bool]] = {
    "Person.system_number": ("personal", True),
    "Person.family_name": ("personal", True),
    "Person.given_name": ("personal", True),
    "Person.middle_names": ("personal", True),
    "Person.date_of_birth": ("personal", True),
    "Person.sex": ("personal", True),
    "Person.gender_identity": ("special", True),
    "Person.ethnicity": ("special", True),
    "Person.nationality": ("personal", True),
    "Person.languages": ("personal", True),
    "Person.legal_status": ("criminal", True),
    "PersonName.*": ("personal", True),
    "Identifier.*": ("criminal", True),
    "Address.*": ("personal", True),
    "Contact.*": ("personal", True),
    "Alert.*": ("official", False),
    "CaseNote.text (health)": ("special", True),
    "CaseNote.text (security)": ("official", False),
    "CaseNote.text (other)": ("personal", True),
    "PersonSiteLink.*": ("criminal", True),
    "Allocation.*": ("official", False),
    "PersonPhoto.*": ("personal", True),
}


class PersonPhoto(models.Model):
    """A photograph of the person (FILE-1): checked JPEG or PNG bytes kept in the database, never
    under a static path, served only through a permission-checked view. The newest is current."""

    class ContentType(models.TextChoices):
        JPEG = "image/jpeg", "JPEG"
        PNG = "image/png", "PNG"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="photos")
    content = models.BinaryField()
    content_type = models.CharField(max_length=20, choices=ContentType.choices)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["person", "-uploaded_at"], name="personphoto_person_newest")]


class PortalAccount(models.Model):
    """A participant's sign-in to the portal, linked to their own person record.

    The user's scope is ``Scope.SELF``: every scoped query (people.queries.records.scope_condition) then
    reaches only the person an open portal account links them to. Closing it (the order or programme ended)
    keeps the row for the audit trail; the user is disabled at the same time.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="portal_account")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="portal_accounts")
    # Where reminders go by text (the e-mail is the user's); given by the person for the portal's notices.
    phone = models.CharField(max_length=30, blank=True)
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person"], name="portal_account_person")]
