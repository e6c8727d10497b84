"""Reading adjudications within the actor's reach: charges at the facilities the actor can reach (out of
reach answers NotFound like missing), the adjudicators' lists and a person's charges."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Min, Q, QuerySet

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.core.ids import parse_public_id
from oms.incidents.models import Appeal, DisciplinaryCharge, Hearing, OffenceParagraph, Punishment
from oms.people.queries.records import find_person

VIEW = "incidents.view"
OPEN_STATUSES = (
    DisciplinaryCharge.Status.AWAITING_HEARING,
    DisciplinaryCharge.Status.SCHEDULED,
    DisciplinaryCharge.Status.ADJOURNED,
)


def _in_reach(actor: Actor, rows: QuerySet, facility_field: str = "facility") -> QuerySet:
    if actor.is_national:
        return rows
    if actor.scope == "organisation":
        return rows.filter(**{f"{facility_field}__organisation_id": actor.organisation_id})
    return rows.filter(**{f"{facility_field}_id__in": sorted(actor.site_ids)})


def charges_in_scope(actor: Actor) -> QuerySet[DisciplinaryCharge]:
    return _in_reach(actor, DisciplinaryCharge.objects.select_related("person", "facility", "paragraph", "incident"))


def get_charge(actor: Actor, charge_id, *, permission: str = VIEW, for_update: bool = False) -> DisciplinaryCharge:
    actor.require(permission)
    charges = charges_in_scope(actor)
    if for_update:
        charges = charges.select_for_update(of=("self",))
    charge = charges.filter(public_id=parse_public_id(charge_id, code="incidents.charge_not_found")).first()
    if charge is None:
        raise NotFound("Charge not found.", code="incidents.charge_not_found", field="charge")
    return charge


def get_hearing(actor: Actor, hearing_id, *, permission: str = VIEW, for_update: bool = False) -> Hearing:
    actor.require(permission)
    hearings = _in_reach(actor, Hearing.objects.select_related("charge", "charge__person"), "charge__facility")
    if for_update:
        hearings = hearings.select_for_update(of=("self",))
    hearing = hearings.filter(public_id=parse_public_id(hearing_id, code="incidents.hearing_not_found")).first()
    if hearing is None:
        raise NotFound("Hearing not found.", code="incidents.hearing_not_found", field="hearing")
    return hearing


def get_punishment(actor: Actor, punishment_id, *, permission: str = VIEW, for_update: bool = False) -> Punishment:
    actor.require(permission)
    rows = _in_reach(actor, Punishment.objects.select_related("charge", "charge__person"), "charge__facility")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    punishment = rows.filter(public_id=parse_public_id(punishment_id, code="incidents.punishment_not_found")).first()
    if punishment is None:
        raise NotFound("Punishment not found.", code="incidents.punishment_not_found", field="punishment")
    return punishment


def current_paragraphs(on: dt.date | None = None) -> list[OffenceParagraph]:
    """The newest active version of each paragraph in force on ``on`` (today when left out)."""
    on = on or clock.today()
    latest: dict[str, OffenceParagraph] = {}
    for paragraph in OffenceParagraph.objects.filter(active=True, effective_from__lte=on).order_by("code", "-version"):
        latest.setdefault(paragraph.code, paragraph)
    return sorted(latest.values(), key=_paragraph_sort_key)


def _paragraph_sort_key(paragraph: OffenceParagraph):
    digits = "".join(c for c in paragraph.code if c.isdigit())
    return (int(digits) if digits else 0, paragraph.code)


def hearings_due(actor: Actor) -> list[DisciplinaryCharge]:
    """Open charges still waiting for their first hearing to open, soonest deadline first."""
    actor.require(VIEW)
    return list(
        charges_in_scope(actor)
        .filter(status__in=OPEN_STATUSES)
        .exclude(hearings__held_at__isnull=False)
        .distinct()
        .order_by("first_hearing_due_by", "id")
    )


def deadlines_missed(actor: Actor) -> list[DisciplinaryCharge]:
    """Charges whose first hearing did not open by the deadline (none held yet and the deadline has
    passed, or the first hearing held after it)."""
    actor.require(VIEW)
    return list(
        charges_in_scope(actor)
        .annotate(first_held=Min("hearings__held_at"))
        .filter(
            Q(first_held__isnull=True, status__in=OPEN_STATUSES, first_hearing_due_by__lt=clock.now())
            | Q(first_held__gt=F("first_hearing_due_by"))
        )
        .order_by("first_hearing_due_by", "id")
    )


@dataclass(frozen=True)
class EndingPunishment:
    punishment: Punishment
    days_left: int


def punishments_ending(actor: Actor, *, within_days: int = 7) -> list[EndingPunishment]:
    """Running punishments ending within ``within_days`` days (today included), soonest first."""
    actor.require(VIEW)
    today = clock.today()
    rows = (
        _in_reach(actor, Punishment.objects.select_related("charge", "charge__person"), "charge__facility")
        .filter(
            status__in=(Punishment.Status.ACTIVE, Punishment.Status.ACTIVATED, Punishment.Status.REDUCED),
            ends_on__gte=today,
            ends_on__lte=today + dt.timedelta(days=within_days),
        )
        .order_by("ends_on", "id")
    )
    return [EndingPunishment(p, (p.ends_on - today).days) for p in rows]


def charges_of(actor: Actor, person_id) -> list[DisciplinaryCharge]:
    actor.require(VIEW)
    person = find_person(actor, person_id)
    return list(charges_in_scope(actor).filter(person=person).order_by("-charged_at", "-id"))


def suspended_punishments_of(person_id: int) -> list[Punishment]:
    """A person's punishments still suspended (for activation on a later proved charge)."""
    return list(
        Punishment.objects.filter(charge__person_id=person_id, status=Punishment.Status.SUSPENDED)
        .select_related("charge")
        .order_by("suspended_until", "id")
    )


def appeals_pending(actor: Actor) -> list[Appeal]:
    """Appeals lodged and not yet decided, oldest first (for the appeal deciders' list)."""
    actor.require(VIEW)
    return list(
        _in_reach(actor, Appeal.objects.select_related("charge", "charge__person"), "charge__facility")
        .filter(outcome=Appeal.Outcome.PENDING)
        .order_by("lodged_on", "id")
    )


def pending_appeal(charge: DisciplinaryCharge) -> Appeal | None:
    return charge.appeals.filter(outcome=Appeal.Outcome.PENDING).order_by("id").first()
