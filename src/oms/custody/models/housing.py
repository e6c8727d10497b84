"""Housing: who sleeps in which bed, and who must be kept apart."""

from django.conf import settings
from django.db import models

from oms.core.models import PublicIdModel
from oms.custody.models.episodes import CustodyEpisode
from oms.people.models import Person


class BedAssignment(models.Model):
    """A person in a bed from ``assigned_at`` until ``ended_at``. Two partial unique indexes make the
    last free bed safe under concurrency on SQLite and PostgreSQL: one open assignment per bed and one
    per episode. A move ends the old row and opens a new one in the same transaction. Checks that were
    overridden are kept with the authoriser's reason."""

    episode = models.ForeignKey(CustodyEpisode, on_delete=models.PROTECT, related_name="bed_assignments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("facilities.Site", on_delete=models.PROTECT, related_name="+")
    bed = models.ForeignKey("facilities.Location", on_delete=models.PROTECT, related_name="assignments")
    cell = models.ForeignKey("facilities.Location", on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField()
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.CharField(max_length=200, blank=True)
    overridden_checks = models.JSONField(default=list, blank=True)  # codes of the conflicts overridden
    override_reason = models.CharField(max_length=500, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bed"], condition=models.Q(ended_at__isnull=True), name="uniq_open_assignment_per_bed"
            ),
            models.UniqueConstraint(
                fields=["episode"], condition=models.Q(ended_at__isnull=True), name="uniq_open_assignment_per_episode"
            ),
        ]
        indexes = [models.Index(fields=["site", "ended_at"], name="bedassignment_site_open")]


class RestrictionLevel(models.TextChoices):
    """How far apart: the same cell only, or the same cell and landing, or cell, landing and wing."""

    CELL = "cell", "Cell only"
    LANDING = "landing", "Cell and landing"
    WING = "wing", "Cell, landing and wing"


class NonAssociation(PublicIdModel):
    """Two people who must be kept apart (hmpps-non-associations-api shape). Symmetric: stored once
    with ``person_a`` the lower id; each side has a role. Closed with a reason, never deleted. Checked by
    housing, movements (same escort, court holding) and, later, activities and visits."""

    class Role(models.TextChoices):
        VICTIM = "victim", "Victim"
        PERPETRATOR = "perpetrator", "Perpetrator"
        BOTH = "both", "Both victim and perpetrator"
        NOT_RELEVANT = "not_relevant", "Not relevant"
        UNKNOWN = "unknown", "Unknown"

    class Reason(models.TextChoices):
        BULLYING = "bullying", "Bullying"
        GANG_RELATED = "gang_related", "Gang related"
        ORGANISED_CRIME = "organised_crime", "Organised crime"
        LEGAL_REQUEST = "legal_request", "Police or legal request"
        THREAT = "threat", "Threat"
        VIOLENCE = "violence", "Violence"
        OTHER = "other", "Other"

    person_a = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    role_a = models.CharField(max_length=20, choices=Role.choices)
    role_b = models.CharField(max_length=20, choices=Role.choices)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    restriction_level = models.CharField(max_length=10, choices=RestrictionLevel.choices)
    comment = models.TextField()
    authorised_by = models.CharField(max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_reason = models.CharField(max_length=500, blank=True)

    # A person merge must not move these rows with a plain update (it would break the ordered pair or
    # drop the row): custody moves them itself on ``people.person_merged``.
    MERGE_MOVED_BY_OWNER = True

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="nonassociation_ordered_pair"
            ),
            models.UniqueConstraint(
                fields=["person_a", "person_b"],
                condition=models.Q(closed_at__isnull=True),
                name="uniq_open_nonassociation_pair",
            ),
        ]
        indexes = [
            models.Index(fields=["person_a", "closed_at"], name="nonassoc_a_open"),
            models.Index(fields=["person_b", "closed_at"], name="nonassoc_b_open"),
        ]


class KeepApartGroup(PublicIdModel):
    """A group whose members must be kept apart from one another (a gang, co-defendants)."""

    class Kind(models.TextChoices):
        GANG = "gang", "Gang"
        CO_DEFENDANTS = "co_defendants", "Co-defendants"
        ORGANISED_CRIME = "organised_crime", "Organised crime group"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    restriction_level = models.CharField(max_length=10, choices=RestrictionLevel.choices)
    comment = models.TextField()
    authorised_by = models.CharField(max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_reason = models.CharField(max_length=500, blank=True)


class KeepApartMember(models.Model):
    MERGE_MOVED_BY_OWNER = True  # moved by custody on ``people.person_merged`` (see NonAssociation)

    group = models.ForeignKey(KeepApartGroup, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group", "person"], condition=models.Q(removed_at__isnull=True), name="uniq_open_group_member"
            )
        ]
        indexes = [models.Index(fields=["person", "removed_at"], name="keepapart_member_open")]
