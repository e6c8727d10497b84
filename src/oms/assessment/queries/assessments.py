"""Reads of assessments: one record, a person's list, and the reassessment due/overdue list.

Every read goes through the people scope filter, so an assessment of a person the actor cannot see
is not found, exactly like a missing one.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from oms.assessment.models import Assessment
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.core.ids import parse_public_id
from oms.people.models import PersonSiteLink
from oms.people.queries.records import find_person, scope_condition


def assessments_in_scope(actor: Actor) -> QuerySet[Assessment]:
    condition = scope_condition(actor, "person_id")
    assessments = Assessment.objects.select_related("person")
    return assessments if condition is None else assessments.filter(condition)


def find_assessment(actor: Actor, public_id, *, for_update: bool = False) -> Assessment:
    """The assessment in scope with this public id (no permission check: for services)."""
    wanted = parse_public_id(public_id, code="assessment.not_found")
    assessments = assessments_in_scope(actor)
    if for_update:
        assessments = assessments.select_for_update(of=("self",))
    found = assessments.filter(public_id=wanted).first()
    if found is None:
        raise NotFound(code="assessment.not_found")
    return found


def get_assessment(actor: Actor, public_id) -> Assessment:
    actor.require("assessment.view")
    return find_assessment(actor, public_id)


def assessments_of(actor: Actor, person_id, *, instrument: str | None = None) -> list[Assessment]:
    """A person's assessments, newest first (assessment.view; person in scope, else NotFound)."""
    actor.require("assessment.view")
    person = find_person(actor, person_id)
    found = Assessment.objects.filter(person=person).select_related("person")
    if instrument:
        found = found.filter(instrument_code=instrument)
    return list(found.order_by("-started_at", "-id"))


@dataclass(frozen=True)
class DueAssessment:
    assessment: Assessment
    overdue: bool
    days: int  # days until due; negative when overdue


def due_assessments(
    actor: Actor, *, within_days: int = 28, site_code: str | None = None, on: dt.date | None = None, limit: int = 500
) -> list[DueAssessment]:
    """Current assessments due for reassessment within ``within_days`` or already overdue, soonest
    first, for the people in the actor's scope (a caseload actor sees their caseload), optionally of
    one site."""
    actor.require("assessment.view")
    today = on or clock.today()
    horizon = today + dt.timedelta(days=within_days)
    found = assessments_in_scope(actor).filter(is_current=True, reassessment_due_on__lte=horizon)
    if site_code:
        open_at_site = PersonSiteLink.objects.filter(person_id=OuterRef("person_id"), site__code=site_code).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=today)
        )
        found = found.filter(Exists(open_at_site))
    found = found.order_by("reassessment_due_on", "id")[:limit]
    return [DueAssessment(a, a.reassessment_due_on < today, (a.reassessment_due_on - today).days) for a in found]
