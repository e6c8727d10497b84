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
