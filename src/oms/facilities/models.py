from django.db import models

from oms.core.models import PublicIdModel, TimestampedModel


class Organisation(PublicIdModel, TimestampedModel):
    class Kind(models.TextChoices):
        PRISON_SERVICE = "prison_service", "Prison service"
        PROBATION_SERVICE = "probation_service", "Probation service"
        DIVERSION_PROVIDER = "diversion_provider", "Diversion provider"
        PARTNER_AGENCY = "partner_agency", "Partner agency"
        OVERSIGHT = "oversight", "Oversight body"

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(PublicIdModel, TimestampedModel):
    class Kind(models.TextChoices):
        PRISON = "prison", "Prison"
        PROBATION_OFFICE = "probation_office", "Probation office"
        DIVERSION_PROGRAMME = "diversion_programme", "Diversion programme"
        PARTNER_OFFICE = "partner_office", "Partner agency office"
        HEADQUARTERS = "headquarters", "Headquarters"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sites")
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    time_zone = models.CharField(max_length=64, default="Europe/London")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Location(PublicIdModel, TimestampedModel):
    """A place inside a site: the residential tree unit > wing > landing > cell > bed, and the
    non-residential places people go (classroom, workshop, visits hall, healthcare, ...).

    ``key`` is the full code path within the site ("A-1-01-2"), unique per site; ``path`` is the chain of
    ancestor ids ("/12/40/97/") so a unit's whole subtree is one indexed prefix match (the roll reads
    10,000 beds this way). Capacities are held on cells: certified normal accommodation (CNA), working
    (what may be used today) and maximum (the safe ceiling for overcrowding). A bed is one place in a
    cell. Locations are deactivated with a reason, never deleted (domain-rules: estate).
    """

    class Kind(models.TextChoices):
        UNIT = "unit", "Unit or block"
        WING = "wing", "Wing"
        LANDING = "landing", "Landing"
        CELL = "cell", "Cell"
        BED = "bed", "Bed"
        CLASSROOM = "classroom", "Classroom"
        WORKSHOP = "workshop", "Workshop"
        VISITS_HALL = "visits_hall", "Visits hall"
        HEALTHCARE = "healthcare", "Healthcare"
        SEGREGATION = "segregation", "Segregation unit"
        RECEPTION = "reception", "Reception"
        COURT_CELLS = "court_cells", "Court cells"
        OTHER = "other", "Other non-residential"

    RESIDENTIAL_KINDS = ("unit", "wing", "landing", "cell", "bed")

    class SecurityLevel(models.TextChoices):
        # Ordered lowest to highest; a person may sleep at their level or higher (rules.security_fits).
        OPEN = "open", "Open"
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        MAXIMUM = "maximum", "Maximum"

    class SexAccommodated(models.TextChoices):
        MALE = "male", "Male"
        FEMALE = "female", "Female"
        ANY = "any", "Any"

    class SpecialistType(models.TextChoices):
        NONE = "", "None"
        SAFE_CELL = "safe_cell", "Safe cell (anti-ligature)"
        SEGREGATION = "segregation", "Segregation"
        MEDICAL = "medical", "Medical"
        CONSTANT_WATCH = "constant_watch", "Constant watch"
        MOTHER_AND_BABY = "mother_and_baby", "Mother and baby"
        ACCESSIBLE = "accessible", "Accessible"

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="locations")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    code = models.CharField(max_length=20)  # this level's code, e.g. "01"
    key = models.CharField(max_length=120)  # full path of codes within the site, e.g. "A-1-01-2"
    path = models.CharField(max_length=255, db_index=True, blank=True)  # "/<ancestor ids>/<own id>/"
    depth = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200, blank=True)
    residential = models.BooleanField(default=True)
    security_level = models.CharField(max_length=10, choices=SecurityLevel.choices, blank=True)  # "" = inherit
    sex = models.CharField(max_length=10, choices=SexAccommodated.choices, default=SexAccommodated.ANY)
    accessible = models.BooleanField(default=False)
    specialist_type = models.CharField(max_length=20, choices=SpecialistType.choices, blank=True, default="")
    in_count = models.BooleanField(default=True)  # units only: counted at formal counts
    certified_capacity = models.PositiveIntegerField(default=0)
    working_capacity = models.PositiveIntegerField(default=0)
    maximum_capacity = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    deactivated_reason = models.CharField(max_length=200, blank=True)
    deactivated_on = models.DateField(null=True, blank=True)
    expected_return_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["site", "key"]
        constraints = [
            models.UniqueConstraint(fields=["site", "key"], name="uniq_location_site_key"),
            models.CheckConstraint(
                condition=models.Q(working_capacity__lte=models.F("maximum_capacity")) | models.Q(maximum_capacity=0),
                name="location_working_within_maximum",
            ),
        ]
        indexes = [models.Index(fields=["site", "kind", "active"], name="location_site_kind_active")]

    def __str__(self) -> str:
        return f"{self.key}"

    def place_under(self, parent: "Location | None") -> None:
        """Set ``parent``, ``key`` and ``depth`` from the parent (``path`` needs the saved id: see
        ``set_path``)."""
        self.parent = parent
        self.key = f"{parent.key}-{self.code}" if parent else self.code
        self.depth = parent.depth + 1 if parent else 0

    def set_path(self) -> None:
        """Store the ancestor chain once the row has an id; saved by the caller."""
        prefix = self.parent.path if self.parent_id else "/"
        self.path = f"{prefix}{self.pk}/"
