"""Reading diversion records, always scoped by the actor: a programme (and so its participations) is
reachable when its site is (out of scope answers like a missing record). Reads of one participant's
record or compliance report are audited (``diversion.participation_viewed``): it holds criminal-offence
data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor, Scope
from oms.core.errors import NotFound
from oms.core.ids import parse_public_id
from oms.diversion.models import ClassAttendance, HoursEntry, LedgerEntry, Participation, Programme, Requirement
from oms.diversion.rules import progress as rules
from oms.diversion.rules.progress import format_minor

VIEW = "diversion.view"


def _site_filter(actor: Actor, prefix: str) -> Q:
    if actor.is_national:
        return Q()
    if actor.scope == Scope.ORGANISATION:
        return Q(**{f"{prefix}site__organisation_id": actor.organisation_id})
    return Q(**{f"{prefix}site_id__in": sorted(actor.site_ids)})


def programmes_in_scope(actor: Actor):
    return Programme.objects.select_related("site").filter(_site_filter(actor, ""))


def participations_in_scope(actor: Actor):
    return Participation.objects.select_related("person", "programme__site", "referral").filter(
        _site_filter(actor, "programme__")
    )


def list_programmes(actor: Actor, *, include_inactive: bool = False) -> list[Programme]:
    actor.require(VIEW)
    found = programmes_in_scope(actor)
    if not include_inactive:
        found = found.filter(active=True)
    return list(found.order_by("name", "id"))


def find_programme(actor: Actor, programme_id, *, for_update: bool = False) -> Programme:
    wanted = parse_public_id(programme_id, code="diversion.programme_not_found")
    found = programmes_in_scope(actor)
    if for_update:
        found = found.select_for_update(of=("self",))
    programme = found.filter(public_id=wanted).first()
    if programme is None:
        raise NotFound("No such programme", code="diversion.programme_not_found")
    return programme


def find_participation(actor: Actor, participation_id, *, for_update: bool = False) -> Participation:
    wanted = parse_public_id(participation_id, code="diversion.participation_not_found")
    found = participations_in_scope(actor)
    if for_update:
        found = found.select_for_update(of=("self",))
    participation = found.filter(public_id=wanted).first()
    if participation is None:
        raise NotFound("No such participation", code="diversion.participation_not_found")
    return participation


def find_requirement(actor: Actor, requirement_id) -> Requirement:
    wanted = parse_public_id(requirement_id, code="diversion.requirement_not_found")
    requirement = (
        Requirement.objects.select_related("participation__programme__site", "participation__person")
        .filter(_site_filter(actor, "participation__programme__"), public_id=wanted)
        .first()
    )
    if requirement is None:
        raise NotFound("No such requirement", code="diversion.requirement_not_found")
    return requirement


def find_hours_entry(actor: Actor, entry_id, *, for_update: bool = False) -> HoursEntry:
    wanted = parse_public_id(entry_id, code="diversion.hours_entry_not_found")
    found = HoursEntry.objects.select_related(
        "requirement__participation__programme__site", "requirement__participation__person"
    ).filter(_site_filter(actor, "requirement__participation__programme__"), public_id=wanted)
    if for_update:
        found = found.select_for_update(of=("self",))
    entry = found.first()
    if entry is None:
        raise NotFound("No such hours entry", code="diversion.hours_entry_not_found")
    return entry


def list_participations(actor: Actor, *, programme_id=None, state: str | None = None, person_id=None):
    actor.require(VIEW)
    found = participations_in_scope(actor)
    if programme_id:
        found = found.filter(programme=find_programme(actor, programme_id))
    if state:
        found = found.filter(state=state)
    if person_id:
        found = found.filter(person__public_id=parse_public_id(person_id, code="people.not_found"))
    return list(found.order_by("-created_at", "-id")[:500])


# --- one participant's progress -------------------------------------------------------------------


def requirement_label(requirement: Requirement) -> str:
    label = requirement.get_kind_display().split(" (")[0]
    if requirement.kind == Requirement.Kind.COMMUNITY_SERVICE:
        label += f": {requirement.target} hours"
    elif requirement.kind == Requirement.Kind.RESTITUTION:
        label += f": {format_minor(requirement.target or 0)}"
    elif requirement.target:
        label += f": {requirement.target}"
    if requirement.detail:
        label += f" ({requirement.detail})"
    return label


@dataclass
class RequirementProgress:
    requirement: Requirement
    label: str
    facts: rules.RequirementFacts
    status: rules.RequirementStatus
    hours_entries: list[HoursEntry]
    attendances: list[ClassAttendance]
    ledger: list[LedgerEntry]
    balance_minor: int | None


@dataclass
class ParticipationDetail:
    participation: Participation
    requirements: list[RequirementProgress]
    summary: rules.ProgressSummary
    ledger: list[LedgerEntry]
    fee_balance_minor: int
    today: dt.date


def _facts(requirement: Requirement, hours, attendances, ledger, label: str) -> rules.RequirementFacts:
    kind = requirement.kind
    done = pending = 0
    if kind == Requirement.Kind.COMMUNITY_SERVICE:
        verified = sum(e.minutes for e in hours if e.verified_at is not None)
        done = verified // 60  # whole hours verified count toward the target
        pending = sum(e.minutes for e in hours if e.verified_at is None) // 60
    elif kind == Requirement.Kind.RESTITUTION:
        done = sum(e.amount_minor for e in ledger if e.kind != LedgerEntry.Kind.CHARGE)
    elif kind != Requirement.Kind.NO_NEW_ARREST:
        done = sum(1 for a in attendances if a.outcome == ClassAttendance.Outcome.ATTENDED)
    return rules.RequirementFacts(
        kind=kind,
        due_on=requirement.due_on,
        target=requirement.target,
        done=done,
        pending=pending,
        instalment_minor=requirement.instalment_minor,
        instalment_every_days=requirement.instalment_every_days,
        first_instalment_on=requirement.first_instalment_on,
        breached_on=requirement.breached_on,
        label=label,
    )


def detail_of(participation: Participation, *, today: dt.date | None = None) -> ParticipationDetail:
    """The participation with each requirement's progress and status, the ledger and the summary."""
    today = today or clock.today()
    requirements = list(participation.requirements.all())
    hours = list(
        HoursEntry.objects.filter(requirement__participation=participation).select_related("logged_by", "verified_by")
    )
    attendances = list(
        ClassAttendance.objects.filter(requirement__participation=participation).select_related("recorded_by")
    )
    ledger = list(participation.ledger.select_related("requirement", "recorded_by").order_by("on", "id"))
    items = []
    for requirement in requirements:
        mine_hours = [e for e in hours if e.requirement_id == requirement.pk]
        mine_att = [a for a in attendances if a.requirement_id == requirement.pk]
        mine_ledger = [e for e in ledger if e.requirement_id == requirement.pk]
        label = requirement_label(requirement)
        facts = _facts(requirement, mine_hours, mine_att, mine_ledger, label)
        balance = (
            rules.balance([(e.kind, e.amount_minor) for e in mine_ledger])
            if requirement.kind == Requirement.Kind.RESTITUTION
            else None
        )
        items.append(
            RequirementProgress(
                requirement,
                label,
                facts,
                rules.requirement_status(facts, today),
                mine_hours,
                mine_att,
                mine_ledger,
                balance,
            )
        )
    summary = rules.progress_summary([i.facts for i in items], today)
    fee_balance = rules.balance([(e.kind, e.amount_minor) for e in ledger if e.requirement_id is None])
    return ParticipationDetail(participation, items, summary, ledger, fee_balance, today)


def get_participation(actor: Actor, participation_id, *, purpose: str = "record") -> ParticipationDetail:
    """One participant's record (diversion.view); audited as ``diversion.participation_viewed``."""
    actor.require(VIEW)
    participation = find_participation(actor, participation_id)
    record_event(
        actor,
        "diversion.participation_viewed",
        object_type="diversion_participation",
        object_id=participation.public_id,
        subject_person_id=participation.person_id,
        site_id=participation.programme.site_id,
        details={"purpose": purpose},
    )
    return detail_of(participation)
