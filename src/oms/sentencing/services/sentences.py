"""Recording and changing sentences and adjustments.

Every change recalculates the person's release dates in the same transaction
(``services.calculations.recalculate``), so an input the engine refuses refuses the change too, with
the engine's explanation. Our own checks (``rules.records``) run first so the usual mistakes are named
by field before the engine is asked.

Permissions: sentencing.manage_records for sentences, sentencing.manage_adjustments for adjustments;
the person must be in the actor's scope (else NotFound).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.core.events import Event, publish
from oms.people.models import Person
from oms.people.queries.records import find_person
from oms.sentencing.models import Adjustment, Calculation, Charge, Sentence
from oms.sentencing.queries import records as record_queries
from oms.sentencing.queries import sentences as queries
from oms.sentencing.rules import records as rules
from oms.sentencing.rules.types import AdjustmentKind
from oms.sentencing.services.calculations import recalculate
from oms.sentencing.services.records import apply_changes, audit_change, check_choice, clean_text, raise_first

MANAGE = "sentencing.manage_records"
MANAGE_ADJUSTMENTS = "sentencing.manage_adjustments"
SENTENCE_RECORDED_EVENT = "sentencing.sentence_recorded"
LENGTH_FIELDS = ("years", "months", "weeks", "days")
SENTENCE_FIELDS = (
    "kind",
    "sentenced_on",
    "offence_committed_on",
    *LENGTH_FIELDS,
    "consecutive_to",
    "line_number",
    "fine_amount_pence",
)


def _lock_person(actor: Actor, person: Person) -> Person:
    """Serialise changes to one person's sentences, so two links made at once cannot form a cycle."""
    return find_person(actor, person.public_id, for_update=True)


def _sentence_of(person: Person, public_id, *, field: str, problem: str, code: str) -> Sentence | None:
    """One of the person's own sentences named in a request (a consecutive link, an adjustment's
    sentence). Anyone else's, a missing one and a malformed id all read the same: it does not exist."""
    if not public_id:
        return None
    try:
        wanted = uuid.UUID(str(public_id))
    except ValueError:
        wanted = None
    target = Sentence.objects.filter(person=person, public_id=wanted).first() if wanted else None
    if target is None:
        raise RuleViolation(problem, code=code, field=field)
    return target


def _target(person: Person, consecutive_to_id) -> Sentence | None:
    return _sentence_of(
        person,
        consecutive_to_id,
        field="consecutive_to",
        problem="The sentence it is consecutive to does not exist",
        code="sentencing.consecutive_missing",
    )


def _charges(court_case_id: int, charge_ids: Iterable) -> list[Charge]:
    try:
        wanted = [uuid.UUID(str(c)) for c in charge_ids]
    except ValueError:
        wanted = None
    charges = list(Charge.objects.filter(court_case_id=court_case_id, public_id__in=wanted or []))
    if wanted is None or len(charges) != len(set(wanted)):
        raise RuleViolation(
            "Every linked charge must be a charge of the sentence's court case",
            code="sentencing.charge_other_case",
            field="charges",
        )
    return charges


def _check_sentence(sentence: Sentence, person: Person) -> None:
    check_choice(sentence.kind, [value for value, _ in Sentence.KIND_CHOICES], "kind")
    lengths = {name: getattr(sentence, name) for name in LENGTH_FIELDS}
    raise_first(rules.length_problems(sentence.kind, **lengths))
    raise_first(
        rules.sentence_date_problems(
            sentenced_on=sentence.sentenced_on, offence_committed_on=sentence.offence_committed_on, today=clock.today()
        )
    )
    if sentence.line_number is not None and sentence.line_number < 1:
        raise RuleViolation("The line number must be 1 or more", code="sentencing.bad_line", field="line_number")
    linked = queries.linked_sentences(person)
    ref = str(sentence.public_id) if sentence.pk else None
    raise_first(
        [
            rules.consecutive_problem(
                ref=ref,
                person_ref=str(person.public_id),
                sentenced_on=sentence.sentenced_on,
                target_ref=str(sentence.consecutive_to.public_id) if sentence.consecutive_to_id else None,
                sentences=linked,
            )
        ]
    )
    if ref is not None:
        followers = [s for s in linked.values() if s.consecutive_to == ref]
        raise_first([rules.followers_problem(sentenced_on=sentence.sentenced_on, followers=followers)])


def _describe(sentence: Sentence) -> dict:
    return {
        "kind": sentence.kind,
        "length": sentence.length_text(),
        "sentenced_on": sentence.sentenced_on.isoformat(),
        "consecutive_to": str(sentence.consecutive_to.public_id) if sentence.consecutive_to_id else None,
    }


def record_sentence(
    actor: Actor,
    *,
    court_case_id,
    kind: str,
    sentenced_on: dt.date,
    offence_committed_on: dt.date,
    years: int = 0,
    months: int = 0,
    weeks: int = 0,
    days: int = 0,
    consecutive_to_id=None,
    charge_ids: Iterable = (),
    line_number: int | None = None,
    fine_amount_pence: int | None = None,
) -> Sentence:
    """Record a sentence on a court case (concurrent unless ``consecutive_to_id`` names the sentence it
    follows). Audited as ``sentencing.sentence_recorded``; recalculates with reason new_sentence, then
    publishes ``sentencing.sentence_recorded`` (person, sentence and court case public ids)."""
    actor.require(MANAGE)
    court_case = record_queries.find_court_case(actor, court_case_id)
    with transaction.atomic():
        person = _lock_person(actor, court_case.person)
        if line_number is None:
            line_number = (Sentence.objects.filter(court_case=court_case).aggregate(n=Max("line_number"))["n"] or 0) + 1
        sentence = Sentence(
            person=person,
            court_case=court_case,
            kind=kind,
            sentenced_on=sentenced_on,
            offence_committed_on=offence_committed_on,
            years=years,
            months=months,
            weeks=weeks,
            days=days,
            consecutive_to=_target(person, consecutive_to_id),
            line_number=line_number,
            fine_amount_pence=fine_amount_pence,
            recorded_by_id=actor.user_id,
        )
        _check_sentence(sentence, person)
        charges = _charges(court_case.pk, charge_ids)
        sentence.save()
        sentence.charges.set(charges)
        audit_change(actor, "sentencing.sentence_recorded", sentence, person.pk, details=_describe(sentence))
        recalculate(
            actor,
            person,
            reason=Calculation.Reason.NEW_SENTENCE,
            detail=f"{court_case.case_number} line {sentence.line_number}: {sentence.length_text()}",
        )
        # A sentence follows a conviction: apps above (assessment's reassessment trigger) react by name.
        publish(
            actor,
            Event(
                SENTENCE_RECORDED_EVENT,
                {
                    "person_id": str(person.public_id),
                    "sentence_id": str(sentence.public_id),
                    "court_case_id": str(court_case.public_id),
                    "kind": sentence.kind,
                    "sentenced_on": sentence.sentenced_on.isoformat(),
                },
            ),
        )
    return sentence


def change_sentence(actor: Actor, *, sentence_id, version: int, changes: dict) -> Sentence:
    """Correct an active sentence. ``changes`` may hold any of SENTENCE_FIELDS (``consecutive_to`` as a
    public id or None for concurrent) and ``charge_ids``. ``version`` must be the one the caller read
    (Conflict otherwise). Audited as ``sentencing.sentence_changed``; recalculates with reason
    sentence_changed."""
    actor.require(MANAGE)
    sentence = queries.find_sentence(actor, sentence_id)
    with transaction.atomic():
        person = _lock_person(actor, sentence.person)
        sentence = Sentence.objects.select_related("court_case", "consecutive_to").get(pk=sentence.pk)
        if sentence.version != version:
            raise Conflict(
                "Someone else changed this sentence: reload it and try again", code="sentencing.stale_version"
            )
        if sentence.status != Sentence.Status.ACTIVE:
            raise Conflict(
                f"This sentence is {sentence.get_status_display().lower()}: it cannot be changed",
                code="sentencing.sentence_not_active",
            )
        changes = dict(changes)
        charge_ids = changes.pop("charge_ids", None)
        if "consecutive_to" in changes:
            changes["consecutive_to"] = _target(person, changes["consecutive_to"])
        changed = apply_changes(sentence, changes, SENTENCE_FIELDS)
        if charge_ids is not None:
            charges = _charges(sentence.court_case_id, charge_ids)
            if {c.pk for c in charges} != set(sentence.charges.values_list("pk", flat=True)):
                sentence.charges.set(charges)
                changed.append("charges")
        if not changed:
            return sentence
        _check_sentence(sentence, person)
        sentence.version += 1
        sentence.save()
        audit_change(
            actor, "sentencing.sentence_changed", sentence, person.pk, changed=changed, details=_describe(sentence)
        )
        recalculate(
            actor,
            person,
            reason=Calculation.Reason.SENTENCE_CHANGED,
            detail=f"{sentence.court_case.case_number} line {sentence.line_number} changed: {', '.join(changed)}",
        )
    return sentence


def quash_sentence(actor: Actor, *, sentence_id, version: int, status: str, reason: str) -> Sentence:
    """Take a sentence out of calculations: quashed on appeal, or entered in error. It is kept, so
    earlier calculations stay explainable. Refused while another active sentence follows it (re-link
    that one first). Audited as ``sentencing.sentence_quashed`` or ``sentencing.sentence_entered_in_error``;
    recalculates with reason sentence_changed."""
    actor.require(MANAGE)
    if status not in (Sentence.Status.QUASHED, Sentence.Status.ENTERED_IN_ERROR):
        raise RuleViolation("Choose quashed or entered in error", code="sentencing.bad_choice", field="status")
    reason = clean_text(reason, "reason", 500, required=True)
    sentence = queries.find_sentence(actor, sentence_id)
    with transaction.atomic():
        person = _lock_person(actor, sentence.person)
        sentence = Sentence.objects.select_related("court_case").get(pk=sentence.pk)
        if sentence.version != version:
            raise Conflict(
                "Someone else changed this sentence: reload it and try again", code="sentencing.stale_version"
            )
        if sentence.status != Sentence.Status.ACTIVE:
            raise Conflict(
                f"This sentence is already {sentence.get_status_display().lower()}",
                code="sentencing.sentence_not_active",
            )
        follower = sentence.followed_by.filter(status=Sentence.Status.ACTIVE).select_related("court_case").first()
        if follower is not None:
            raise Conflict(
                f"The sentence {follower.court_case.case_number} line {follower.line_number} runs consecutively to "
                "this one: make it concurrent or consecutive to another sentence first",
                code="sentencing.sentence_followed",
                field="status",
            )
        sentence.status = status
        sentence.status_reason = reason
        sentence.version += 1
        sentence.save()
        action = (
            "sentencing.sentence_quashed"
            if status == Sentence.Status.QUASHED
            else "sentencing.sentence_entered_in_error"
        )
        audit_change(actor, action, sentence, person.pk, changed=["status"], reason=reason)
        recalculate(
            actor,
            person,
            reason=Calculation.Reason.SENTENCE_CHANGED,
            detail=f"{sentence.court_case.case_number} line {sentence.line_number}: {status}",
        )
    return sentence


# --- adjustments ---------------------------------------------------------------------------------


def _reason_for(kind: str) -> str:
    if kind == AdjustmentKind.ADDITIONAL_DAYS:
        return Calculation.Reason.ADDITIONAL_DAYS
    return Calculation.Reason.ADJUSTMENT


def record_adjustment(
    actor: Actor,
    *,
    person_id,
    kind: str,
    days: int | None = None,
    from_date: dt.date | None = None,
    to_date: dt.date | None = None,
    sentence_id=None,
    source: str = "",
) -> Adjustment:
    """Record an adjustment; ``days`` is counted from the dates (inclusive) when not given, and must
    agree with them when both are. Audited as ``sentencing.adjustment_recorded``; recalculates with
    reason additional_days (for additional days) or adjustment."""
    actor.require(MANAGE_ADJUSTMENTS)
    person = find_person(actor, person_id)
    counted, problem = rules.adjustment_days(kind, days=days, from_date=from_date, to_date=to_date)
    raise_first([problem])
    source = clean_text(source, "source", 200)
    with transaction.atomic():
        person = _lock_person(actor, person)
        sentence = None
        if sentence_id:
            sentence = _sentence_of(
                person,
                sentence_id,
                field="sentence",
                problem="There is no such sentence on this person's record",
                code="sentencing.sentence_missing",
            )
            if sentence.status != Sentence.Status.ACTIVE:
                raise RuleViolation(
                    "That sentence has been quashed or entered in error",
                    code="sentencing.sentence_not_active",
                    field="sentence",
                )
        adjustment = Adjustment.objects.create(
            person=person,
            kind=kind,
            days=counted,
            from_date=from_date,
            to_date=to_date,
            sentence=sentence,
            source=source,
            recorded_by_id=actor.user_id,
        )
        audit_change(
            actor,
            "sentencing.adjustment_recorded",
            adjustment,
            person.pk,
            details={"kind": kind, "days": counted, "source": source},
        )
        recalculate(actor, person, reason=_reason_for(kind), detail=f"{adjustment.get_kind_display()}: {counted} days")
    return adjustment


def withdraw_adjustment(actor: Actor, *, adjustment_id, reason: str) -> Adjustment:
    """Withdraw an adjustment (kept, left out of calculations). Audited as
    ``sentencing.adjustment_withdrawn``; recalculates like recording it."""
    actor.require(MANAGE_ADJUSTMENTS)
    reason = clean_text(reason, "reason", 500, required=True)
    adjustment = queries.find_adjustment(actor, adjustment_id)
    with transaction.atomic():
        person = _lock_person(actor, adjustment.person)
        adjustment = Adjustment.objects.get(pk=adjustment.pk)
        if adjustment.status != Adjustment.Status.ACTIVE:
            raise Conflict("This adjustment is already withdrawn", code="sentencing.adjustment_withdrawn")
        adjustment.status = Adjustment.Status.WITHDRAWN
        adjustment.status_reason = reason
        adjustment.save()
        audit_change(actor, "sentencing.adjustment_withdrawn", adjustment, person.pk, changed=["status"], reason=reason)
        recalculate(
            actor,
            person,
            reason=_reason_for(adjustment.kind),
            detail=f"{adjustment.get_kind_display()} of {adjustment.days} days withdrawn",
        )
    return adjustment
