"""The assessment workflow: start a draft, answer it, complete it (the result is computed and stored),
countersign it, override its band, and mark a reassessment due.

Every step needs the person in the actor's scope (out of scope answers NotFound like a missing record)
and is audited as ``assessment.assessment_<past verb>``. Separation of duties: the countersigner and
the override approver are never the assessor.
"""

import datetime as dt

from django.db import transaction

from oms.assessment.models import Assessment
from oms.assessment.queries.assessments import find_assessment
from oms.assessment.services import instruments
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, PermissionDenied, RuleViolation
from oms.core.events import Event, publish
from oms.people.queries.records import find_person

MAX_ANSWERS = 200
# Published in the completing (or overriding) transaction; apps above (rehabilitation's case plans,
# custody's security classification) subscribe by name. ``band`` is the band in force.
COMPLETED_EVENT = "assessment.assessment_completed"
OVERRIDDEN_EVENT = "assessment.assessment_overridden"


def _audit(actor: Actor, verb: str, assessment: Assessment, **details) -> None:
    record_event(
        actor,
        f"assessment.assessment_{verb}",
        object_type="assessment",
        object_id=str(assessment.public_id),
        subject_person_id=assessment.person_id,
        details={"instrument": assessment.instrument_code, "version": assessment.instrument_version, **details},
    )


def _publish(actor: Actor, name: str, assessment: Assessment) -> None:
    body = {
        "assessment_id": str(assessment.public_id),
        "person_id": str(assessment.person.public_id),
        "instrument": assessment.instrument_code,
        "instrument_version": assessment.instrument_version,
        "band": assessment.band,
        "is_current": assessment.is_current,
    }
    publish(actor, Event(name, body))


def _named_user(actor: Actor, what: str) -> None:
    if actor.user_id is None:
        raise PermissionDenied(f"{what} needs a named user.", code="assessment.named_user_required")


def _check_answers_shape(answers) -> dict:
    if not isinstance(answers, dict):
        raise RuleViolation("Answers must be an object.", code="assessment.invalid_answer", field="answers")
    if len(answers) > MAX_ANSWERS:
        raise RuleViolation("Too many answers.", code="assessment.invalid_answer", field="answers")
    return answers


def start_assessment(
    actor: Actor, *, person_id, instrument: str, instrument_version: int | None = None, answers: dict | None = None
) -> Assessment:
    """Start a draft assessment (assessment.assess) with the latest version unless one is named."""
    actor.require("assessment.assess")
    _named_user(actor, "An assessment")
    version = instruments.latest_version(instrument) if instrument_version is None else instrument_version
    instruments.check_version(instrument, version)
    answers = _check_answers_shape(answers or {})
    instruments.check_partial(instrument, version, answers)
    with transaction.atomic():
        person = find_person(actor, person_id)
        assessment = Assessment.objects.create(
            person=person,
            instrument_code=instrument,
            instrument_version=version,
            answers=answers,
            started_at=clock.now(),
            assessor_id=actor.user_id,
            countersign_required=instruments.countersign_required(instrument),
        )
        _audit(actor, "started", assessment)
    return assessment


def _draft_for_update(actor: Actor, assessment_id, version: int | None) -> Assessment:
    assessment = find_assessment(actor, assessment_id, for_update=True)
    if version is not None and assessment.version != version:
        raise Conflict(
            "The assessment changed since you read it: reload it.", code="assessment.version_conflict", field="version"
        )
    if assessment.status != Assessment.Status.DRAFT:
        raise Conflict("Only a draft assessment can be changed.", code="assessment.not_draft")
    return assessment


def update_answers(actor: Actor, *, assessment_id, version: int, answers: dict) -> Assessment:
    """Merge answers into a draft (assessment.assess); ``version`` is the one read (else Conflict).
    A null answer removes that answer."""
    actor.require("assessment.assess")
    answers = _check_answers_shape(answers)
    with transaction.atomic():
        assessment = _draft_for_update(actor, assessment_id, version)
        merged = {**assessment.answers, **answers}
        merged = {k: v for k, v in merged.items() if v is not None}
        instruments.check_partial(assessment.instrument_code, assessment.instrument_version, merged)
        assessment.answers = merged
        assessment.version += 1
        assessment.save(update_fields=["answers", "version"])
        _audit(actor, "answered", assessment, items=sorted(answers))
    return assessment


def complete_assessment(actor: Actor, *, assessment_id, version: int | None = None) -> Assessment:
    """Score the draft and store the result (assessment.assess). The new assessment becomes the
    person's current one for its instrument and sets the reassessment due date."""
    actor.require("assessment.assess")
    _named_user(actor, "Completing an assessment")
    with transaction.atomic():
        assessment = _draft_for_update(actor, assessment_id, version)
        today = clock.today()
        outcome = instruments.evaluate(
            assessment.instrument_code, assessment.instrument_version, assessment.answers, today
        )
        Assessment.objects.filter(
            person_id=assessment.person_id, instrument_code=assessment.instrument_code, is_current=True
        ).update(is_current=False)
        assessment.status = Assessment.Status.COMPLETED
        assessment.completed_at = clock.now()
        assessment.completed_on = today
        assessment.score = outcome.score
        assessment.computed_band = outcome.band
        assessment.explanation = outcome.explanation
        assessment.is_current = True
        assessment.reassessment_due_on = instruments.reassessment_due(
            assessment.instrument_code, assessment.instrument_version, today
        )
        assessment.reassessment_reason = "interval" if assessment.reassessment_due_on else ""
        assessment.version += 1
        assessment.save()
        _audit(actor, "completed", assessment, score=outcome.score, band=outcome.band)
        _publish(actor, COMPLETED_EVENT, assessment)
    return assessment


def countersign_assessment(actor: Actor, *, assessment_id) -> Assessment:
    """Countersign a completed assessment (assessment.countersign): another user than the assessor."""
    actor.require("assessment.countersign")
    _named_user(actor, "A countersignature")
    with transaction.atomic():
        assessment = find_assessment(actor, assessment_id, for_update=True)
        if assessment.status != Assessment.Status.COMPLETED:
            raise Conflict("Only a completed assessment can be countersigned.", code="assessment.not_completed")
        if not assessment.countersign_required:
            raise RuleViolation(
                "This assessment does not need a countersignature.", code="assessment.countersign_not_required"
            )
        if assessment.assessor_id == actor.user_id:
            raise PermissionDenied(
                "The assessor cannot countersign their own assessment.", code="assessment.own_assessment"
            )
        assessment.status = Assessment.Status.COUNTERSIGNED
        assessment.countersigned_by_id = actor.user_id
        assessment.countersigned_at = clock.now()
        assessment.version += 1
        assessment.save(update_fields=["status", "countersigned_by", "countersigned_at", "version"])
        _audit(actor, "countersigned", assessment)
    return assessment


def override_band(actor: Actor, *, assessment_id, band: str, reason: str) -> Assessment:
    """Replace the computed band (or tier) with an approved one (assessment.approve_override). The
    acting user is the approver and cannot be the assessor; the computed band is kept."""
    actor.require("assessment.approve_override")
    _named_user(actor, "An override")
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Give the reason for the override.", code="assessment.reason_required", field="reason")
    with transaction.atomic():
        assessment = find_assessment(actor, assessment_id, for_update=True)
        if assessment.status == Assessment.Status.DRAFT:
            raise Conflict("Complete the assessment before overriding it.", code="assessment.not_completed")
        if assessment.assessor_id == actor.user_id:
            raise PermissionDenied(
                "The assessor cannot approve an override of their own assessment.", code="assessment.own_assessment"
            )
        if assessment.override_band:
            raise Conflict("This assessment is already overridden.", code="assessment.already_overridden")
        instruments.override_bands(
            assessment.instrument_code, assessment.instrument_version, assessment.computed_band, band
        )
        assessment.override_band = band
        assessment.override_reason = reason[:1000]
        assessment.override_approved_by_id = actor.user_id
        assessment.overridden_at = clock.now()
        assessment.version += 1
        assessment.save(
            update_fields=["override_band", "override_reason", "override_approved_by", "overridden_at", "version"]
        )
        _audit(actor, "overridden", assessment, computed_band=assessment.computed_band, band=band, reason=reason[:1000])
        _publish(actor, OVERRIDDEN_EVENT, assessment)
    return assessment


def mark_reassessment_due(
    actor: Actor, person, reason: str, *, instrument: str | None = None, due_on: dt.date | None = None
) -> int:
    """Bring the person's current assessments (of one instrument, or all) due now, or on ``due_on``
    when that is sooner than their interval date, for an event such as a new conviction. Returns how
    many changed. ``person`` is a Person already found in scope by the caller, or its public id."""
    actor.require("assessment.assess")
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Give the reason.", code="assessment.reason_required", field="reason")
    due_on = due_on or clock.today()
    with transaction.atomic():
        if not hasattr(person, "pk"):
            person = find_person(actor, person)
        current = Assessment.objects.select_for_update().filter(person=person, is_current=True)
        if instrument is not None:
            current = current.filter(instrument_code=instrument)
        changed = 0
        for assessment in current:
            if assessment.reassessment_due_on is not None and assessment.reassessment_due_on <= due_on:
                continue
            assessment.reassessment_due_on = due_on
            assessment.reassessment_reason = reason[:500]
            assessment.save(update_fields=["reassessment_due_on", "reassessment_reason"])
            _audit(actor, "reassessment_due", assessment, due_on=due_on.isoformat(), reason=reason[:500])
            changed += 1
    return changed
