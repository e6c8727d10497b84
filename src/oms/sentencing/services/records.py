"""Changing the legal record: court cases, hearings and their outcomes, charges, and warrants and
detainers. Permission: sentencing.manage_records, on a person in the actor's scope (else NotFound).
Each change writes one audit event naming the person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from oms.audit.services import record_event
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.people.queries.records import find_person
from oms.sentencing.models import Charge, CourtCase, Hearing, Offence, Warrant
from oms.sentencing.queries import records as queries
from oms.sentencing.rules import records as rules

MANAGE = "sentencing.manage_records"


def raise_first(problems: Iterable[rules.Problem | None]) -> None:
    """Refuse the change with the first problem found, naming its field."""
    for problem in problems:
        if problem is not None:
            raise RuleViolation(problem.message, code=f"sentencing.{problem.code}", field=problem.field)


def check_choice(value: str, choices, field: str, *, blank: bool = False) -> None:
    if blank and value == "":
        return
    if value not in choices:
        raise RuleViolation(f"{value!r} is not one of {', '.join(choices)}", code="sentencing.bad_choice", field=field)


def apply_changes(row, changes: dict, allowed: Iterable[str]) -> list[str]:
    """Set the allowed fields that differ; returns their names (unknown names are refused)."""
    allowed = tuple(allowed)
    for name in changes:
        if name not in allowed:
            raise RuleViolation(f"{name} cannot be changed here", code="sentencing.bad_field", field=name)
    changed = [name for name, value in changes.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, changes[name])
    return changed


def clean_text(value: str, field: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(f"Enter the {field.replace('_', ' ')}", code="sentencing.missing", field=field)
    if len(value) > limit:
        raise RuleViolation(
            f"The {field.replace('_', ' ')} must be {limit} characters or fewer",
            code="sentencing.too_long",
            field=field,
        )
    return value


def audit_change(actor: Actor, action: str, row, person_pk: int, *, changed=(), details=None, reason: str = "") -> None:
    record_event(
        actor,
        action,
        object_type=type(row).__name__.lower(),
        object_id=row.public_id,
        subject_person_id=person_pk,
        changed_fields=changed,
        details=details or {},
        reason=reason,
    )


# --- court cases ---------------------------------------------------------------------------------


def _unique_case(case_number: str, court_name: str, *, excluding: int | None = None) -> None:
    clash = CourtCase.objects.filter(case_number__iexact=case_number, court_name__iexact=court_name)
    if excluding is not None:
        clash = clash.exclude(pk=excluding)
    if clash.exists():
        raise Conflict(
            f"{court_name} already has a case numbered {case_number}",
            code="sentencing.court_case_exists",
            field="case_number",
        )


def create_court_case(
    actor: Actor, *, person_id, case_number: str, court_name: str, opened_on: dt.date | None = None
) -> CourtCase:
    """Open a court case on the person's legal record; audited as ``sentencing.court_case_created``."""
    actor.require(MANAGE)
    person = find_person(actor, person_id)
    case_number = clean_text(case_number, "case_number", 40, required=True).upper()
    court_name = clean_text(court_name, "court_name", 200, required=True)
    _unique_case(case_number, court_name)
    court_case = CourtCase.objects.create(
        person=person,
        case_number=case_number,
        court_name=court_name,
        opened_on=opened_on,
        created_by_id=actor.user_id,
    )
    audit_change(
        actor,
        "sentencing.court_case_created",
        court_case,
        person.pk,
        details={"case_number": case_number, "court": court_name},
    )
    return court_case


def update_court_case(actor: Actor, *, court_case_id, version: int, changes: dict) -> CourtCase:
    """Change case number, court, opened date or status (active/closed). ``version`` must be the one
    the caller read (Conflict otherwise). Audited as ``sentencing.court_case_updated``."""
    actor.require(MANAGE)
    court_case = queries.find_court_case(actor, court_case_id, for_update=True)
    if court_case.version != version:
        raise Conflict("Someone else changed this court case: reload it and try again", code="sentencing.stale_version")
    changes = dict(changes)
    if "case_number" in changes:
        changes["case_number"] = clean_text(changes["case_number"], "case_number", 40, required=True).upper()
    if "court_name" in changes:
        changes["court_name"] = clean_text(changes["court_name"], "court_name", 200, required=True)
    if "status" in changes:
        check_choice(changes["status"], CourtCase.Status.values, "status")
    changed = apply_changes(court_case, changes, ("case_number", "court_name", "opened_on", "status"))
    if not changed:
        return court_case
    if {"case_number", "court_name"} & set(changed):
        _unique_case(court_case.case_number, court_case.court_name, excluding=court_case.pk)
    court_case.version += 1
    court_case.save()
    audit_change(actor, "sentencing.court_case_updated", court_case, court_case.person_id, changed=changed)
    return court_case


# --- hearings ------------------------------------------------------------------------------------


def _check_hearing(hearing: Hearing) -> None:
    check_choice(hearing.kind, Hearing.Kind.values, "kind")
    check_choice(hearing.outcome, Hearing.Outcome.values, "outcome", blank=True)
    hearing.court_name = clean_text(hearing.court_name, "court_name", 200)
    hearing.outcome_notes = clean_text(hearing.outcome_notes, "outcome_notes", 1000)
    raise_first(
        [
            rules.hearing_problem(
                hearing_on=timezone.localdate(hearing.hearing_at),
                outcome=hearing.outcome,
                next_hearing_on=hearing.next_hearing_on,
            )
        ]
    )


def add_hearing(
    actor: Actor,
    *,
    court_case_id,
    kind: str,
    hearing_at: dt.datetime,
    court_name: str = "",
    outcome: str = "",
    outcome_notes: str = "",
    next_hearing_on: dt.date | None = None,
) -> Hearing:
    """Add a hearing (past, with its outcome, or coming up); audited as ``sentencing.hearing_recorded``."""
    actor.require(MANAGE)
    court_case = queries.find_court_case(actor, court_case_id)
    hearing = Hearing(
        court_case=court_case,
        kind=kind,
        hearing_at=hearing_at,
        court_name=court_name,
        outcome=outcome,
        outcome_notes=outcome_notes,
        next_hearing_on=next_hearing_on,
        recorded_by_id=actor.user_id,
    )
    _check_hearing(hearing)
    hearing.save()
    audit_change(
        actor, "sentencing.hearing_recorded", hearing, court_case.person_id, details={"kind": kind, "outcome": outcome}
    )
    return hearing


def update_hearing(actor: Actor, *, hearing_id, changes: dict) -> Hearing:
    """Record a hearing's outcome or correct it; audited as ``sentencing.hearing_updated``."""
    actor.require(MANAGE)
    hearing = queries.find_hearing(actor, hearing_id, for_update=True)
    changed = apply_changes(
        hearing, changes, ("kind", "hearing_at", "court_name", "outcome", "outcome_notes", "next_hearing_on")
    )
    if not changed:
        return hearing
    _check_hearing(hearing)
    hearing.save()
    details = {"outcome": hearing.outcome} if "outcome" in changed else {}
    audit_change(
        actor, "sentencing.hearing_updated", hearing, hearing.court_case.person_id, changed=changed, details=details
    )
    return hearing


# --- charges -------------------------------------------------------------------------------------


def _active_offence(code: str) -> Offence:
    offence = Offence.objects.filter(code=rules.normalise_offence_code(code or "")).first()
    if offence is None:
        raise RuleViolation(
            "There is no such offence code in the catalogue", code="sentencing.unknown_offence", field="offence_code"
        )
    if not offence.active:
        raise RuleViolation(
            f"The offence code {offence.code} is no longer in use",
            code="sentencing.inactive_offence",
            field="offence_code",
        )
    return offence


def _check_charge(charge: Charge) -> None:
    check_choice(charge.plea, Charge.Plea.values, "plea", blank=True)
    check_choice(charge.outcome, Charge.Outcome.values, "outcome")
    charge.particulars = clean_text(charge.particulars, "particulars", 1000)
    raise_first(
        rules.charge_problems(
            committed_from=charge.committed_from, committed_to=charge.committed_to, count_number=charge.count_number
        )
    )
    if charge.outcome == Charge.Outcome.PENDING and charge.outcome_on is not None:
        raise RuleViolation(
            "A pending charge has no outcome date", code="sentencing.outcome_date_pending", field="outcome_on"
        )


def add_charge(
    actor: Actor,
    *,
    court_case_id,
    offence_code: str,
    committed_from: dt.date,
    committed_to: dt.date | None = None,
    count_number: int = 1,
    plea: str = "",
    outcome: str = Charge.Outcome.PENDING,
    outcome_on: dt.date | None = None,
    particulars: str = "",
) -> Charge:
    """Add a charge for an active catalogue offence; audited as ``sentencing.charge_added``."""
    actor.require(MANAGE)
    court_case = queries.find_court_case(actor, court_case_id)
    charge = Charge(
        court_case=court_case,
        offence=_active_offence(offence_code),
        count_number=count_number,
        committed_from=committed_from,
        committed_to=committed_to,
        plea=plea,
        outcome=outcome,
        outcome_on=outcome_on,
        particulars=particulars,
    )
    _check_charge(charge)
    charge.save()
    audit_change(
        actor, "sentencing.charge_added", charge, court_case.person_id, details={"offence": charge.offence.code}
    )
    return charge


def update_charge(actor: Actor, *, charge_id, changes: dict) -> Charge:
    """Change a charge (plea, outcome, dates, offence); audited as ``sentencing.charge_updated``. A
    changed offence must be active; an unchanged inactive one may stay."""
    actor.require(MANAGE)
    charge = queries.find_charge(actor, charge_id, for_update=True)
    changes = dict(changes)
    if "offence_code" in changes:
        code = rules.normalise_offence_code(changes.pop("offence_code") or "")
        if code != charge.offence.code:
            changes["offence"] = _active_offence(code)
    changed = apply_changes(
        charge,
        changes,
        ("offence", "count_number", "committed_from", "committed_to", "plea", "outcome", "outcome_on", "particulars"),
    )
    if not changed:
        return charge
    _check_charge(charge)
    charge.save()
    audit_change(actor, "sentencing.charge_updated", charge, charge.court_case.person_id, changed=changed)
    return charge


# --- warrants and detainers ----------------------------------------------------------------------


def record_warrant(
    actor: Actor,
    *,
    person_id,
    kind: str,
    reference: str,
    issued_by: str,
    issued_on: dt.date,
    court_case_id=None,
    notes: str = "",
) -> Warrant:
    """Record a warrant or detainer (active); audited as ``sentencing.warrant_recorded``."""
    actor.require(MANAGE)
    person = find_person(actor, person_id)
    check_choice(kind, Warrant.Kind.values, "kind")
    court_case = None
    if court_case_id:
        court_case = queries.find_court_case(actor, court_case_id)
        if court_case.person_id != person.pk:
            raise RuleViolation(
                "That court case is not on this person's record", code="sentencing.other_person", field="court_case"
            )
    warrant = Warrant.objects.create(
        person=person,
        court_case=court_case,
        kind=kind,
        reference=clean_text(reference, "reference", 60, required=True),
        issued_by=clean_text(issued_by, "issued_by", 200, required=True),
        issued_on=issued_on,
        notes=clean_text(notes, "notes", 1000),
        recorded_by_id=actor.user_id,
    )
    audit_change(
        actor, "sentencing.warrant_recorded", warrant, person.pk, details={"kind": kind, "reference": warrant.reference}
    )
    return warrant


def end_warrant(actor: Actor, *, warrant_id, status: str, ended_on: dt.date, notes: str = "") -> Warrant:
    """Mark an active warrant executed, withdrawn or lifted on a date; audited as
    ``sentencing.warrant_<status>``."""
    actor.require(MANAGE)
    warrant = queries.find_warrant(actor, warrant_id, for_update=True)
    problem = rules.warrant_ending_problem(
        status=warrant.status, to_status=status, issued_on=warrant.issued_on, ended_on=ended_on
    )
    if problem is not None and problem.code == "warrant_not_active":
        raise Conflict(problem.message, code="sentencing.warrant_not_active", field=problem.field)
    raise_first([problem])
    warrant.status = status
    warrant.ended_on = ended_on
    if notes:
        warrant.notes = clean_text(notes, "notes", 1000)
    warrant.save()
    audit_change(
        actor, f"sentencing.warrant_{status}", warrant, warrant.person_id, changed=["status", "ended_on"], reason=notes
    )
    return warrant
