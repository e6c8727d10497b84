"""Incentive levels: what each level of a facility allows, and each person's reviews.

The person's level is the one their current (latest) review set. The next review falls due
(domain rule, rules.incentives): placed on basic -> within 7 days, then every 28 days while on basic;
otherwise yearly.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from oms.core.models import PublicIdModel
from oms.facilities.models import Site
from oms.people.models import Person


class IncentiveLevel(models.Model):
    facility = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="incentive_levels")
    code = models.CharField(max_length=20)  # basic, standard, enhanced, enhanced_2, ...
    name = models.CharField(max_length=100)
    rank = models.PositiveSmallIntegerField()  # ordering, lowest first; basic is the lowest
    is_basic = models.BooleanField(default=False)  # the level the 7/28-day review rule applies to
    is_default = models.BooleanField(default=False)  # the level a newly received person starts on
    spending_limit_pence = models.PositiveIntegerField(default=0)  # per week, in minor units
    visits_per_month = models.PositiveSmallIntegerField(default=0)
    privileges = models.JSONField(default=list, blank=True)  # other things it allows, as text
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facility", "code"], name="uniq_incentive_level_code"),
            models.UniqueConstraint(fields=["facility", "rank"], name="uniq_incentive_level_rank"),
        ]
        ordering = ["facility", "rank"]

    def __str__(self) -> str:
        return self.name


class IncentiveReview(PublicIdModel):
    # One current review per person: a plain move at a person merge would break it, so rehabilitation
    # moves these itself on ``people.person_merged`` (services.incentives.move_reviews_on_merge).
    MERGE_MOVED_BY_OWNER = True

    class Outcome(models.TextChoices):
        PLACED = "placed", "Placed on level"  # first level at this facility
        MAINTAINED = "maintained", "Stayed on level"
        RAISED = "raised", "Raised"
        LOWERED = "lowered", "Lowered"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="incentive_reviews")
    facility = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(IncentiveLevel, on_delete=models.PROTECT, related_name="+")
    previous_level = models.ForeignKey(
        IncentiveLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    reviewed_on = models.DateField()
    reasons = models.TextField(max_length=5000)
    # When the level was first set to basic in the current run of basic reviews (7 then 28 days).
    on_basic_since = models.DateField(null=True, blank=True)
    next_review_on = models.DateField(db_index=True)
    is_current = models.BooleanField(default=True)
    # None when OMS placed the person itself (reception or transfer recorded by the system actor).
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(is_current=True), name="uniq_current_incentive_review"
            )
        ]
        ordering = ["-reviewed_on", "-id"]
