"""Reads of incentive levels and reviews, scoped by the actor: a facility out of reach and a person out
of scope are not found, exactly like missing ones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.custody.models import CustodyEpisode
from oms.custody.queries.episodes import site_in_reach
from oms.facilities.models import Site
from oms.people.models import Person
from oms.people.queries.records import find_person, scope_condition, sites_in_reach
from oms.rehabilitation.models import IncentiveLevel, IncentiveReview
from oms.rehabilitation.rules import incentives as rules

VIEW = "rehabilitation.view"


def facilities_in_reach(actor: Actor) -> list[Site]:
    """Active facilities the actor works at (for the facility choice on the levels and due pages)."""
    actor.require(VIEW)
    return sites_in_reach(actor)


def levels_of(actor: Actor, site_id, *, include_retired: bool = True) -> tuple[Site, list[IncentiveLevel]]:
    """A facility's levels, lowest rank first (rehabilitation.view; facility in reach, else NotFound)."""
    site = site_in_reach(actor, site_id, permission=VIEW)
    levels = IncentiveLevel.objects.filter(facility=site)
    if not include_retired:
        levels = levels.filter(active=True)
    return site, list(levels.order_by("rank"))


@dataclass(frozen=True)
class PersonIncentives:
    person: Person
    current: IncentiveReview | None
    history: list[IncentiveReview]
    custody_site: Site | None  # where the person is held now, when the actor reaches it
    levels: list[IncentiveLevel]  # the active levels of that facility (the review form's choices)
    days_overdue: int | None  # positive when the next review is overdue


def incentives_of(actor: Actor, person_id) -> PersonIncentives:
    """A person's current level, review history (newest first) and the levels a review may choose
    (rehabilitation.view; person in scope, else NotFound). Audited ``rehabilitation.incentives_viewed``."""
    actor.require(VIEW)
    person = find_person(actor, person_id)
    history = list(
        IncentiveReview.objects.filter(person=person)
        .select_related("level", "previous_level", "facility", "reviewed_by")
        .order_by("-reviewed_on", "-id")
    )
    current = next((r for r in history if r.is_current), None)
    episode = (
        CustodyEpisode.objects.select_related("site").filter(person=person, status=CustodyEpisode.Status.ACTIVE).first()
    )
    site = None
    levels: list[IncentiveLevel] = []
    if episode is not None and actor.can_reach_site(episode.site_id, episode.site.organisation_id):
        site = episode.site
        levels = list(IncentiveLevel.objects.filter(facility=site, active=True).order_by("rank"))
    overdue = None
    if current is not None:
        overdue = rules.days_overdue(due_on=current.next_review_on, today=clock.today())
    record_event(
        actor,
        "rehabilitation.incentives_viewed",
        object_type="person",
        object_id=person.public_id,
        subject_person_id=person.pk,
    )
    return PersonIncentives(person, current, history, site, levels, overdue)


def current_review_of(actor: Actor, person: Person) -> IncentiveReview | None:
    """The current review of a person already read in scope (for the profile panel; no audit)."""
    actor.require(VIEW)
    return IncentiveReview.objects.select_related("level", "facility").filter(person=person, is_current=True).first()


@dataclass(frozen=True)
class DueReview:
    review: IncentiveReview
    days_overdue: int  # 0 = due today; negative = days until due

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0

    @property
    def days_until(self) -> int:
        return -self.days_overdue


def reviews_due(
    actor: Actor,
    *,
    site_code: str | None = None,
    within_days: int = 0,
    on: dt.date | None = None,
    limit: int = 500,
) -> list[DueReview]:
    """Current reviews of people in custody that are overdue or due within ``within_days``, most overdue
    first, for the people in the actor's scope (a caseload actor sees their caseload), optionally at one
    facility (its code). Only reviews at the facility where the person is held now count: a level left
    behind at an earlier facility is not due there (rehabilitation.view)."""
    actor.require(VIEW)
    today = on or clock.today()
    horizon = today + dt.timedelta(days=within_days)
    held_here = CustodyEpisode.objects.filter(
        person_id=OuterRef("person_id"), site_id=OuterRef("facility_id"), status=CustodyEpisode.Status.ACTIVE
    )
    found = IncentiveReview.objects.filter(is_current=True, next_review_on__lte=horizon).filter(Exists(held_here))
    condition = scope_condition(actor, "person_id")
    if condition is not None:
        found = found.filter(condition)
    if not actor.is_national:
        reachable = [s.pk for s in sites_in_reach(actor)]
        found = found.filter(facility_id__in=reachable)
    if site_code:
        found = found.filter(facility__code=site_code)
    found = found.select_related("person", "level", "facility").order_by("next_review_on", "id")[:limit]
    return [DueReview(r, rules.days_overdue(due_on=r.next_review_on, today=today)) for r in found]


def levels_summary(level: IncentiveLevel) -> str:
    """What a level allows, in one line: "£15.50 a week to spend, 3 visits a month"."""
    pounds, pence = divmod(level.spending_limit_pence, 100)
    visits = "1 visit" if level.visits_per_month == 1 else f"{level.visits_per_month} visits"
    return f"£{pounds}.{pence:02d} a week to spend, {visits} a month"


def days_overdue(review: IncentiveReview) -> int:
    """Days the review's next review is past due today (0 when due today, negative before)."""
    return rules.days_overdue(due_on=review.next_review_on, today=clock.today())
