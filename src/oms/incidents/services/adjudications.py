"""Discipline (adjudications): lay a charge, schedule and hold hearings, award punishments, activate
suspended punishments, let suspensions lapse, decide appeals (quash a finding, reduce a punishment) and
restore additional days.

Permissions: ``incidents.charge`` lays a charge; ``incidents.adjudicate`` schedules and holds hearings
and activates suspended punishments; ``incidents.decide_appeals`` quashes, reduces and restores (all
three remit what an adjudication awarded). Each use case writes one audit event
``incidents.<thing>_<verb>`` (plus sentencing's own events when additional days flow into a sentence
calculation).

Additional days awarded (and not suspended) are recorded through sentencing's
``record_adjustment`` in the same transaction, so the release dates recalculate with the days in the
explanation; a quash or reduction withdraws (and for a reduction re-records) that adjustment, and a
restoration records ``restored_days``. The adjudicator acts on the sentence by the award itself: the
adjustment is recorded in the adjudicator's name with ``sentencing.manage_adjustments`` lent for that
one call (``Actor.lent``; the award is the authority).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.core.ids import parse_public_id
from oms.custody.models import CustodyEpisode
from oms.facilities.models import Location
from oms.incidents.models import (
    Appeal,
    DisciplinaryCharge,
    Hearing,
    Incident,
    OffenceParagraph,
    Punishment,
    Restoration,
)
from oms.incidents.queries import adjudications as queries
from oms.incidents.rules import deadlines
from oms.incidents.rules import punishments as rules
from oms.people.queries.records import find_person
from oms.sentencing.rules.types import AdjustmentKind
from oms.sentencing.services import sentences as sentencing

CHARGE = "incidents.charge"
ADJUDICATE = "incidents.adjudicate"
DECIDE_APPEALS = "incidents.decide_appeals"
MANAGE_PARAGRAPHS = "incidents.manage_paragraphs"
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


def _text(value, field: str, limit: int, *, required: str = "") -> str:
    value = str(value or "").strip()
    if required and not value:
        raise RuleViolation(required, code="incidents.required", field=field)
    if len(value) > limit:
        raise RuleViolation(f"Must be {limit} characters or less", code="incidents.too_long", field=field)
    return value


def _raise_first(problems: Iterable[rules.Problem], prefix: str = "") -> None:
    for problem in problems:
        raise RuleViolation(problem.message, code=problem.code, field=prefix + problem.field)


def _aware(value, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise RuleViolation("Enter a date and time", code="incidents.datetime_required", field=field)
    if not 1900 < value.year < 9000:
        raise RuleViolation("Enter a real date and time", code="incidents.datetime_invalid", field=field)
    return value.astimezone(dt.UTC)


def _move(charge: DisciplinaryCharge, wanted: str) -> None:
    if not rules.can_move(charge.status, wanted):
        raise Conflict(
            f"A charge that is {charge.get_status_display().lower()} cannot become "
            f"{DisciplinaryCharge.Status(wanted).label.lower()}",
            code="incidents.charge_transition_refused",
            field="status",
        )
    charge.status = wanted
    charge.version += 1


def _audit(actor: Actor, action: str, obj, charge: DisciplinaryCharge, *, changed=(), details=None, reason=""):
    record_event(
        actor,
        action,
        object_type=type(obj).__name__.lower(),
        object_id=obj.public_id,
        subject_person_id=charge.person_id,
        site_id=charge.facility_id,
        changed_fields=list(changed),
        details=details or {},
        reason=reason,
    )


def _check_version(charge: DisciplinaryCharge, version: int | None) -> None:
    if version is not None and version != charge.version:
        raise Conflict(
            "Someone else changed this charge since you read it. Reload it and try again.",
            code="incidents.version_conflict",
            field="version",
        )


# --- offence paragraphs --------------------------------------------------------------------------------


def paragraph_in_force(code: str, on: dt.date) -> OffenceParagraph:
    paragraph = (
        OffenceParagraph.objects.filter(code=str(code or "").strip(), active=True, effective_from__lte=on)
        .order_by("-version")
        .first()
    )
    if paragraph is None:
        raise RuleViolation(
            "Select an offence paragraph in force on the date of the offence",
            code="incidents.paragraph_unknown",
            field="paragraph",
        )
    return paragraph


def import_offence_paragraphs(actor: Actor, rows: Iterable[Mapping]) -> list[OffenceParagraph]:
    """Load paragraphs (code, title, description, effective_from, serious). A paragraph whose wording
    differs from its newest version becomes a new version; an unchanged one is left alone. Audited as
    ``incidents.offence_paragraphs_imported``."""
    actor.require(MANAGE_PARAGRAPHS)
    added = []
    with transaction.atomic():
        for row in rows:
            code = _text(row.get("code"), "code", 20, required="Every paragraph needs a code")
            title = _text(row.get("title"), "title", 300, required=f"Paragraph {code} needs a title")
            description = _text(row.get("description"), "description", 2000)
            effective_from = row.get("effective_from") or dt.date(2000, 1, 1)
            if isinstance(effective_from, str):
                effective_from = dt.date.fromisoformat(effective_from)
            serious = bool(row.get("serious", False))
            newest = OffenceParagraph.objects.filter(code=code).order_by("-version").first()
            if newest and (newest.title, newest.description, newest.serious) == (title, description, serious):
                continue
            added.append(
                OffenceParagraph.objects.create(
                    code=code,
                    version=(newest.version + 1) if newest else 1,
                    title=title,
                    description=description,
                    effective_from=effective_from,
                    serious=serious,
                )
            )
        record_event(
            actor,
            "incidents.offence_paragraphs_imported",
            object_type="offence_paragraph",
            details={"added": [f"{p.code} v{p.version}" for p in added]},
        )
    return added


# --- charges -------------------------------------------------------------------------------------------


def _next_reference(site) -> str:
    prefix = f"ADJ-{site.code}-"
    count = DisciplinaryCharge.objects.filter(reference__startswith=prefix).count()
    return f"{prefix}{count + 1:06d}"


def lay_charge(
    actor: Actor,
    *,
    person_id,
    paragraph: str,
    offence_at: dt.datetime,
    particulars: str,
    incident_id=None,
    discovered_at: dt.datetime | None = None,
    late_reason: str = "",
) -> DisciplinaryCharge:
    """Charge a person in custody at a facility the actor can reach with an offence paragraph in force
    on the date of the offence, optionally arising from an incident at that facility. The first-hearing
    deadline is computed from the time the charge is laid (``rules.deadlines``). A charge laid more than
    48 hours after the offence was discovered (the offence time when ``discovered_at`` is not given)
    needs the exceptional circumstances in ``late_reason`` (Prison Rules 1999 r.53(1)). Audited as
    ``incidents.charge_laid``."""
    actor.require(CHARGE)
    person = find_person(actor, person_id)
    now = clock.now()
    offence_at = _aware(offence_at, "offence_at")
    if offence_at > now + FUTURE_TOLERANCE:
        raise RuleViolation(
            "The offence cannot be in the future", code="incidents.offence_in_future", field="offence_at"
        )
    particulars = _text(particulars, "particulars", 5000, required="Enter the particulars of the charge")
    discovered_at = offence_at if discovered_at is None else _aware(discovered_at, "discovered_at")
    if discovered_at < offence_at:
        raise RuleViolation(
            "The offence cannot be discovered before it happened",
            code="incidents.discovered_before_offence",
            field="discovered_at",
        )
    if discovered_at > now + FUTURE_TOLERANCE:
        raise RuleViolation(
            "The discovery cannot be in the future", code="incidents.discovered_in_future", field="discovered_at"
        )
    late_reason = _text(late_reason, "late_reason", 1000)
    late = deadlines.charge_laid_late(discovered_at, now)
    if late and not late_reason:
        raise RuleViolation(
            "This charge is more than 48 hours after the offence was discovered: give the exceptional circumstances",
            code="incidents.charge_late",
            field="late_reason",
        )
    episode = (
        CustodyEpisode.objects.filter(person=person, status=CustodyEpisode.Status.ACTIVE).select_related("site").first()
    )
    if episode is None or not actor.can_reach_site(episode.site_id, episode.site.organisation_id):
        raise Conflict(
            "This person is not in custody at a facility you work at",
            code="incidents.person_not_in_custody",
            field="person",
        )
    incident = None
    if incident_id:
        incident = Incident.objects.filter(
            public_id=parse_public_id(incident_id, code="incidents.incident_not_found"), facility_id=episode.site_id
        ).first()
        if incident is None:
            raise NotFound(
                "Incident not found at this facility.", code="incidents.incident_not_found", field="incident"
            )
    offence_paragraph = paragraph_in_force(paragraph, offence_at.date())
    for attempt in range(5):
        try:
            with transaction.atomic():
                charge = DisciplinaryCharge.objects.create(
                    reference=_next_reference(episode.site),
                    person=person,
                    facility=episode.site,
                    incident=incident,
                    paragraph=offence_paragraph,
                    offence_at=offence_at,
                    particulars=particulars,
                    discovered_at=discovered_at,
                    late_reason=late_reason if late else "",
                    charged_at=now,
                    charged_by_id=actor.user_id,
                    first_hearing_due_by=deadlines.first_hearing_due_by(now),
                )
                _audit(
                    actor,
                    "incidents.charge_laid",
                    charge,
                    charge,
                    changed=["paragraph", "offence_at", "particulars"],
                    details={
                        "reference": charge.reference,
                        "paragraph": f"{offence_paragraph.code} v{offence_paragraph.version}",
                        "late": late,
                    },
                    reason=late_reason if late else "",
                )
                return charge
        except IntegrityError:
            # Another charge took the reference at the same moment: count again.
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


# --- hearings ------------------------------------------------------------------------------------------


def _location(charge: DisciplinaryCharge, location_id) -> Location | None:
    if not location_id:
        return None
    location = Location.objects.filter(
        public_id=parse_public_id(location_id, code="incidents.location_not_found"), site_id=charge.facility_id
    ).first()
    if location is None:
        raise NotFound("Location not found at this facility.", code="incidents.location_not_found", field="location")
    return location


def schedule_hearing(
    actor: Actor,
    *,
    charge_id,
    scheduled_for: dt.datetime,
    location_id=None,
    adjudicator_kind: str = Hearing.Adjudicator.GOVERNOR,
    late_reason: str = "",
    version: int | None = None,
) -> Hearing:
    """Schedule the next hearing of an open charge. A first hearing after the deadline needs a reason
    (kept in the hearing's notes and the audit event). Audited as ``incidents.hearing_scheduled``."""
    scheduled_for = _aware(scheduled_for, "scheduled_for")
    if adjudicator_kind not in Hearing.Adjudicator.values:
        raise RuleViolation(
            "Select who will adjudicate", code="incidents.adjudicator_unknown", field="adjudicator_kind"
        )
    late_reason = _text(late_reason, "late_reason", 1000)
    with transaction.atomic():
        charge = queries.get_charge(actor, charge_id, permission=ADJUDICATE, for_update=True)
        _check_version(charge, version)
        if charge.hearings.filter(held_at__isnull=True).exists():
            raise Conflict(
                "This charge already has a hearing waiting to be held", code="incidents.hearing_pending", field="charge"
            )
        first = not charge.hearings.filter(held_at__isnull=False).exists()
        late = first and scheduled_for > charge.first_hearing_due_by
        if late and not late_reason:
            raise RuleViolation(
                "The first hearing must open by the deadline; give the reason it cannot",
                code="incidents.hearing_after_deadline",
                field="late_reason",
            )
        if charge.status == rules.REFERRED_INDEPENDENT and adjudicator_kind != Hearing.Adjudicator.INDEPENDENT:
            raise RuleViolation(
                "This charge was referred to the independent adjudicator",
                code="incidents.independent_adjudicator_required",
                field="adjudicator_kind",
            )
        _move(charge, rules.SCHEDULED)
        charge.save(update_fields=["status", "version"])
        hearing = Hearing.objects.create(
            charge=charge,
            scheduled_for=scheduled_for,
            location=_location(charge, location_id),
            adjudicator_kind=adjudicator_kind,
            notes=f"Scheduled after the deadline: {late_reason}" if late else "",
        )
        _audit(
            actor,
            "incidents.hearing_scheduled",
            hearing,
            charge,
            changed=["scheduled_for"],
            details={"charge": str(charge.public_id), "late": late},
            reason=late_reason if late else "",
        )
    return hearing


def _elevated(actor: Actor) -> Actor:
    """The adjudicator acting on the sentence calculation for this award only (see module docstring)."""
    return actor.lent("sentencing.manage_adjustments")


def _record_additional_days(actor: Actor, punishment: Punishment) -> None:
    adjustment = sentencing.record_adjustment(
        _elevated(actor),
        person_id=punishment.charge.person.public_id,
        kind=AdjustmentKind.ADDITIONAL_DAYS.value,
        days=punishment.days,
        source=f"Adjudication {punishment.charge.reference}",
    )
    punishment.adjustment_public_id = adjustment.public_id


def _withdraw_additional_days(actor: Actor, punishment: Punishment, reason: str) -> None:
    if punishment.adjustment_public_id:
        sentencing.withdraw_adjustment(_elevated(actor), adjustment_id=punishment.adjustment_public_id, reason=reason)
        punishment.adjustment_public_id = None


def _incident_additional_days(charge: DisciplinaryCharge) -> int:
    """Additional days awarded and standing (not quashed, not lapsed) on this person's charges from the
    same incident, this charge's awards so far included. Restorations do not make room for more: r.55(3)
    limits what is awarded."""
    return sum(
        Punishment.objects.filter(
            charge__person_id=charge.person_id, charge__incident_id=charge.incident_id, kind=rules.ADDITIONAL_DAYS
        )
        .exclude(status__in=(Punishment.Status.QUASHED, Punishment.Status.EXPIRED))
        .values_list("days", flat=True)
    )


def _award(actor: Actor, hearing: Hearing, award: Mapping, index: int, today: dt.date) -> Punishment:
    prefix = f"punishments.{index}."
    kind = award.get("kind")
    days = award.get("days")
    amount = award.get("amount_pence")
    suspended_until = award.get("suspended_until")
    starts_on = award.get("starts_on") or today
    for name, value in (("days", days), ("amount_pence", amount)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > 10**7):
            raise RuleViolation("Enter a whole number", code="incidents.number_invalid", field=prefix + name)
    for name, value in (("suspended_until", suspended_until), ("starts_on", starts_on)):
        if value is not None and not isinstance(value, dt.date):
            raise RuleViolation("Enter a date", code="incidents.date_invalid", field=prefix + name)
    _raise_first(
        rules.check_punishment(
            kind=kind,
            adjudicator_kind=hearing.adjudicator_kind,
            days=days,
            amount_pence=amount,
            suspended_until=suspended_until,
            awarded_on=today,
        ),
        prefix,
    )
    if kind == rules.ADDITIONAL_DAYS and hearing.charge.incident_id:
        _raise_first(
            rules.check_incident_additional_days(already=_incident_additional_days(hearing.charge), days=days),
            prefix,
        )
    if abs((starts_on - today).days) > 366:
        raise RuleViolation(
            "Start within a year of the hearing", code="incidents.start_out_of_range", field=prefix + "starts_on"
        )
    punishment = Punishment(
        charge=hearing.charge,
        hearing=hearing,
        kind=kind,
        days=days or None,
        amount_pence=amount,
        privilege=_text(award.get("privilege"), prefix + "privilege", 200),
    )
    if suspended_until:
        punishment.status = Punishment.Status.SUSPENDED
        punishment.suspended_until = suspended_until
    else:
        punishment.starts_on, punishment.ends_on = rules.schedule(starts_on, days, kind)
        if kind == rules.ADDITIONAL_DAYS:
            _record_additional_days(actor, punishment)
    punishment.save()
    return punishment


def hold_hearing(
    actor: Actor,
    *,
    hearing_id,
    plea: str,
    outcome: str,
    adjournment_reason: str = "",
    next_hearing_at: dt.datetime | None = None,
    notes: str = "",
    punishments: Iterable[Mapping] = (),
    activate_punishment_ids: Iterable = (),
    held_at: dt.datetime | None = None,
) -> Hearing:
    """Record a scheduled hearing: plea, outcome and (on a proved charge) punishments; the charge's
    status follows the outcome (``rules.punishments.TRANSITIONS``). An adjournment needs its reason and
    may schedule the next hearing. Suspended punishments of the same person may be activated by this
    proved charge. Audited as ``incidents.hearing_held``."""
    awards = list(punishments or [])
    activations = list(activate_punishment_ids or [])
    adjournment_reason = _text(adjournment_reason, "adjournment_reason", 1000)
    notes = _text(notes, "notes", 10000)
    _raise_first(
        rules.check_outcome(
            plea=plea,
            outcome=outcome,
            adjournment_reason=adjournment_reason,
            has_punishments=bool(awards or activations),
        )
    )
    now = clock.now()
    held_at = _aware(held_at, "held_at") if held_at is not None else now
    if held_at > now + FUTURE_TOLERANCE:
        raise RuleViolation("A hearing cannot be held in the future", code="incidents.held_in_future", field="held_at")
    if next_hearing_at is not None:
        if outcome != "adjourned":
            raise RuleViolation(
                "Only an adjourned hearing has a next hearing",
                code="incidents.next_hearing_not_adjourned",
                field="next_hearing_at",
            )
        next_hearing_at = _aware(next_hearing_at, "next_hearing_at")
    with transaction.atomic():
        hearing = queries.get_hearing(actor, hearing_id, permission=ADJUDICATE, for_update=True)
        charge = DisciplinaryCharge.objects.select_for_update().select_related("person").get(pk=hearing.charge_id)
        hearing.charge = charge
        if hearing.held_at is not None:
            raise Conflict("This hearing has already been held", code="incidents.hearing_already_held", field="hearing")
        _move(charge, rules.OUTCOME_STATUS[outcome])
        charge.save(update_fields=["status", "version"])
        hearing.held_at = held_at
        hearing.plea = plea
        hearing.outcome = outcome
        hearing.adjournment_reason = adjournment_reason
        hearing.notes = "\n".join(n for n in (hearing.notes, notes) if n)
        hearing.adjudicator_id = actor.user_id
        hearing.recorded_by_id = actor.user_id
        hearing.save()
        today = clock.today()
        kinds = [str(a.get("kind")) for a in awards]
        caution_at = kinds.index(rules.CAUTION) if rules.CAUTION in kinds else 0
        _raise_first(rules.check_awards_together(kinds), f"punishments.{caution_at}.")
        awarded = [_award(actor, hearing, award, i, today) for i, award in enumerate(awards)]
        activated = [_activate(actor, charge, pid, today) for pid in activations]
        _audit(
            actor,
            "incidents.hearing_held",
            hearing,
            charge,
            changed=["plea", "outcome"],
            details={
                "charge": str(charge.public_id),
                "outcome": outcome,
                "punishments": [p.kind for p in awarded],
                "activated": [str(p.public_id) for p in activated],
            },
            reason=adjournment_reason,
        )
        if next_hearing_at is not None:
            schedule_hearing(
                actor,
                charge_id=charge.public_id,
                scheduled_for=next_hearing_at,
                adjudicator_kind=hearing.adjudicator_kind,
            )
    return hearing


# --- suspended punishments -----------------------------------------------------------------------------


def _activate(actor: Actor, charge: DisciplinaryCharge, punishment_id, today: dt.date) -> Punishment:
    """Activate one of the person's suspended punishments because ``charge`` (proved) was committed
    while it was suspended."""
    punishment = (
        Punishment.objects.select_for_update()
        .select_related("charge", "charge__person")
        .filter(
            public_id=parse_public_id(punishment_id, code="incidents.punishment_not_found"),
            charge__person_id=charge.person_id,
        )
        .first()
    )
    if punishment is None:
        raise NotFound("Punishment not found.", code="incidents.punishment_not_found", field="activate_punishment_ids")
    if punishment.status != Punishment.Status.SUSPENDED:
        raise Conflict(
            "Only a suspended punishment can be activated",
            code="incidents.punishment_not_suspended",
            field="activate_punishment_ids",
        )
    if punishment.charge_id == charge.pk or not rules.can_activate(
        suspended_until=punishment.suspended_until, activating_offence_on=charge.offence_at.date()
    ):
        raise RuleViolation(
            "A suspended punishment is activated only by a later offence committed while it was suspended",
            code="incidents.activation_not_allowed",
            field="activate_punishment_ids",
        )
    punishment.status = Punishment.Status.ACTIVATED
    punishment.activated_on = today
    punishment.starts_on, punishment.ends_on = rules.schedule(today, punishment.days, punishment.kind)
    punishment.version += 1
    if punishment.kind == rules.ADDITIONAL_DAYS:
        _record_additional_days(actor, punishment)
    punishment.save()
    return punishment


def activate_punishment(actor: Actor, *, punishment_id, charge_id) -> Punishment:
    """Activate a suspended punishment on a later proved charge of the same person (held outside the
    hearing form). Audited as ``incidents.punishment_activated``."""
    with transaction.atomic():
        charge = queries.get_charge(actor, charge_id, permission=ADJUDICATE, for_update=True)
        if charge.status != rules.PROVED:
            raise Conflict(
                "Only a proved charge activates a suspended punishment",
                code="incidents.charge_not_proved",
                field="charge",
            )
        punishment = _activate(actor, charge, punishment_id, clock.today())
        _audit(
            actor,
            "incidents.punishment_activated",
            punishment,
            punishment.charge,
            changed=["status", "starts_on", "ends_on"],
            details={"activated_by_charge": str(charge.public_id)},
        )
    return punishment


def expire_suspensions(actor: Actor, *, today: dt.date | None = None) -> int:
    """Mark suspended punishments whose suspension has ended without activation as expired (a daily
    job; run by ``oms expire_suspended_punishments``). One audit event per punishment."""
    today = today or clock.today()
    count = 0
    with transaction.atomic():
        for punishment in (
            Punishment.objects.select_for_update()
            .select_related("charge")
            .filter(status=Punishment.Status.SUSPENDED, suspended_until__lt=today)
        ):
            punishment.status = Punishment.Status.EXPIRED
            punishment.version += 1
            punishment.save(update_fields=["status", "version"])
            _audit(actor, "incidents.punishment_expired", punishment, punishment.charge, changed=["status"])
            count += 1
    return count


# --- appeals -------------------------------------------------------------------------------------------


def quash_finding(actor: Actor, *, charge_id, grounds: str, reasons: str, lodged_on: dt.date | None = None) -> Appeal:
    """Quash a proved charge on appeal or review: the charge and its punishments are quashed and any
    additional days (and their restorations) withdrawn from the sentence calculation (dates
    recalculate). An appeal already lodged on the charge is the one decided (its grounds stand when
    none are given); otherwise the appeal is recorded with the decision. Audited as
    ``incidents.finding_quashed``."""
    grounds = _text(grounds, "grounds", 5000)
    reasons = _text(reasons, "reasons", 5000, required="Enter the reasons for the decision")
    today = clock.today()
    with transaction.atomic():
        charge = queries.get_charge(actor, charge_id, permission=DECIDE_APPEALS, for_update=True)
        if not grounds and queries.pending_appeal(charge) is None:
            raise RuleViolation("Enter the grounds of the appeal", code="incidents.required", field="grounds")
        _move(charge, rules.QUASHED)
        charge.save(update_fields=["status", "version"])
        for punishment in charge.punishments.select_for_update().exclude(status=Punishment.Status.QUASHED):
            _withdraw_restorations(actor, punishment, f"Adjudication {charge.reference} quashed", today)
            _withdraw_additional_days(actor, punishment, f"Adjudication {charge.reference} quashed")
            punishment.status = Punishment.Status.QUASHED
            punishment.version += 1
            punishment.save()
        appeal = _decide(actor, charge, Appeal.Outcome.QUASHED, grounds, reasons, lodged_on, today)
        _audit(actor, "incidents.finding_quashed", appeal, charge, changed=["status"], reason=reasons)
    return appeal


def reduce_punishment(
    actor: Actor, *, punishment_id, days: int, reasons: str, grounds: str = "", lodged_on: dt.date | None = None
) -> Punishment:
    """Reduce a punishment's days on appeal (never increase it). Additional days are re-recorded in
    sentencing with the new number. Audited as ``incidents.punishment_reduced``."""
    reasons = _text(reasons, "reasons", 5000, required="Enter the reasons for the decision")
    grounds = _text(grounds, "grounds", 5000) or reasons
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise RuleViolation("Enter the reduced number of days (1 or more)", code="incidents.days_invalid", field="days")
    today = clock.today()
    with transaction.atomic():
        punishment = queries.get_punishment(actor, punishment_id, permission=DECIDE_APPEALS, for_update=True)
        charge = punishment.charge
        if punishment.status in (Punishment.Status.QUASHED, Punishment.Status.EXPIRED) or charge.status != rules.PROVED:
            raise Conflict(
                "This punishment no longer stands", code="incidents.punishment_not_standing", field="punishment"
            )
        if not punishment.days or days >= punishment.days:
            raise RuleViolation(
                "A reduction must be fewer days than awarded", code="incidents.reduction_not_smaller", field="days"
            )
        restored = _restored(punishment)
        if days < restored:
            raise RuleViolation(
                f"{restored} of these days have already been restored: reduce to {restored} or more",
                code="incidents.reduction_below_restored",
                field="days",
            )
        had_adjustment = bool(punishment.adjustment_public_id)
        _withdraw_additional_days(actor, punishment, f"Adjudication {charge.reference} reduced on appeal")
        punishment.days = days
        if punishment.starts_on:
            punishment.starts_on, punishment.ends_on = rules.schedule(punishment.starts_on, days, punishment.kind)
        if had_adjustment:
            _record_additional_days(actor, punishment)
        if punishment.status == Punishment.Status.ACTIVE:
            punishment.status = Punishment.Status.REDUCED
        punishment.version += 1
        punishment.save()
        appeal = _decide(actor, charge, Appeal.Outcome.PUNISHMENT_REDUCED, grounds, reasons, lodged_on, today)
        _audit(
            actor,
            "incidents.punishment_reduced",
            punishment,
            charge,
            changed=["days"],
            details={"appeal": str(appeal.public_id), "days": days},
            reason=reasons,
        )
    return punishment


def _restored(punishment: Punishment) -> int:
    return sum(punishment.restorations.filter(withdrawn_on__isnull=True).values_list("days", flat=True))


def _withdraw_restorations(actor: Actor, punishment: Punishment, reason: str, today: dt.date) -> None:
    """A quashed award has nothing left to give back: its restorations' adjustments are withdrawn with it
    (otherwise the restored days would still be subtracted from the release date)."""
    for restoration in punishment.restorations.select_for_update().filter(withdrawn_on__isnull=True):
        if restoration.adjustment_public_id:
            sentencing.withdraw_adjustment(
                _elevated(actor), adjustment_id=restoration.adjustment_public_id, reason=reason
            )
        restoration.withdrawn_on = today
        restoration.save(update_fields=["withdrawn_on"])


def restore_days(actor: Actor, *, punishment_id, days: int, reasons: str) -> Restoration:
    """Give back some or all of an award of additional days that is in force (Prison Rules 1999 r.61):
    recorded as a ``restored_days`` adjustment in sentencing, so the release dates recalculate with the
    restoration in the explanation. Never more than the award has left unrestored; audited as
    ``incidents.days_restored``."""
    reasons = _text(reasons, "reasons", 5000, required="Enter the reasons for restoring days")
    today = clock.today()
    with transaction.atomic():
        punishment = queries.get_punishment(actor, punishment_id, permission=DECIDE_APPEALS, for_update=True)
        charge = punishment.charge
        if (
            punishment.kind != rules.ADDITIONAL_DAYS
            or charge.status != rules.PROVED
            or not punishment.adjustment_public_id
        ):
            raise Conflict(
                "Only additional days that are in force (awarded and not suspended or quashed) can be restored",
                code="incidents.not_restorable",
                field="punishment",
            )
        _raise_first(
            rules.check_restoration(awarded=punishment.days, already_restored=_restored(punishment), days=days)
        )
        adjustment = sentencing.record_adjustment(
            _elevated(actor),
            person_id=charge.person.public_id,
            kind=AdjustmentKind.RESTORED_DAYS.value,
            days=days,
            source=f"Restoration on adjudication {charge.reference}",
        )
        restoration = Restoration.objects.create(
            punishment=punishment,
            days=days,
            reasons=reasons,
            decided_on=today,
            decided_by_id=actor.user_id,
            adjustment_public_id=adjustment.public_id,
        )
        _audit(
            actor,
            "incidents.days_restored",
            restoration,
            charge,
            details={"punishment": str(punishment.public_id), "days": days},
            reason=reasons,
        )
    return restoration


def _decide(actor, charge, outcome, grounds, reasons, lodged_on, today) -> Appeal:
    """Decide the appeal lodged on the charge, or record one decided now when none was lodged."""
    appeal = charge.appeals.select_for_update().filter(outcome=Appeal.Outcome.PENDING).order_by("id").first()
    if appeal is None:
        return Appeal.objects.create(
            charge=charge,
            lodged_on=lodged_on or today,
            grounds=grounds or reasons,
            outcome=outcome,
            decided_on=today,
            decided_by_id=actor.user_id,
            reasons=reasons,
            recorded_by_id=actor.user_id,
        )
    appeal.outcome, appeal.decided_on, appeal.decided_by_id, appeal.reasons = outcome, today, actor.user_id, reasons
    if grounds and grounds != appeal.grounds:
        appeal.grounds = f"{appeal.grounds}\n\n{grounds}"
    appeal.save(update_fields=["outcome", "decided_on", "decided_by", "reasons", "grounds"])
    return appeal


def lodge_appeal(actor: Actor, *, charge_id, grounds: str, lodged_on: dt.date | None = None) -> Appeal:
    """Record that the person has appealed a proved charge (``incidents.charge``: the officers who lay
    charges also take in the appeal forms). One appeal awaits a decision at a time; it is decided by
    ``uphold_finding``, ``quash_finding`` or ``reduce_punishment``. Audited as ``incidents.appeal_lodged``."""
    grounds = _text(grounds, "grounds", 5000, required="Enter the grounds of the appeal")
    today = clock.today()
    lodged_on = lodged_on or today
    if not isinstance(lodged_on, dt.date) or lodged_on > today:
        raise RuleViolation(
            "The appeal cannot be lodged in the future", code="incidents.lodged_in_future", field="lodged_on"
        )
    with transaction.atomic():
        charge = queries.get_charge(actor, charge_id, permission=CHARGE, for_update=True)
        if charge.status != rules.PROVED:
            raise Conflict("Only a proved charge can be appealed", code="incidents.not_appealable", field="charge")
        if queries.pending_appeal(charge) is not None:
            raise Conflict(
                "An appeal on this charge is already awaiting a decision",
                code="incidents.appeal_pending",
                field="charge",
            )
        if lodged_on < charge.charged_at.date():
            raise RuleViolation(
                "The appeal cannot be lodged before the charge was laid",
                code="incidents.lodged_before_charge",
                field="lodged_on",
            )
        appeal = Appeal.objects.create(
            charge=charge, lodged_on=lodged_on, grounds=grounds, recorded_by_id=actor.user_id
        )
        _audit(actor, "incidents.appeal_lodged", appeal, charge, details={"lodged_on": lodged_on.isoformat()})
    return appeal


def uphold_finding(actor: Actor, *, charge_id, reasons: str) -> Appeal:
    """Decide the lodged appeal against the person: the finding and punishments stand. Audited as
    ``incidents.appeal_dismissed``."""
    reasons = _text(reasons, "reasons", 5000, required="Enter the reasons for the decision")
    today = clock.today()
    with transaction.atomic():
        charge = queries.get_charge(actor, charge_id, permission=DECIDE_APPEALS, for_update=True)
        if queries.pending_appeal(charge) is None:
            raise Conflict(
                "No appeal on this charge is awaiting a decision", code="incidents.no_appeal", field="charge"
            )
        appeal = _decide(actor, charge, Appeal.Outcome.UPHELD, "", reasons, None, today)
        _audit(actor, "incidents.appeal_dismissed", appeal, charge, reason=reasons)
    return appeal
