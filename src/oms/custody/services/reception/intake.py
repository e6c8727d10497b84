"""Intake records kept after reception: lawful authorities, property, cash and first-night
screening (custody.receive on an active episode in reach)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.custody.models import CashEntry, CustodyEpisode, IntakeScreening, LawfulAuthority, PropertyItem
from oms.custody.rules import reception as rules
from oms.custody.services.reception._common import (
    _amount,
    _audit,
    _choice,
    _clean_authority,
    _clean_property,
    _clean_screening,
    _currency,
    _episode_for_intake,
    _resolve_warnings,
    _row_id,
    _screening_values,
    _text,
)
from oms.custody.services.reception.inputs import NewAuthority, NewPropertyItem, Screening

# --- lawful authorities -----------------------------------------------------------------------------


def add_lawful_authority(actor: Actor, *, episode_id, authority: NewAuthority) -> LawfulAuthority:
    """Record a warrant, order, detainer or outstanding warrant (custody.receive). An expired one is
    recorded all the same (reality); the daily action plan shows expiries. Resolves the reception
    warning "no lawful authority" when the new one is not a hold. Audited ``custody.authority_added``."""
    episode = _episode_for_intake(actor, episode_id)
    clean = _clean_authority(authority)
    row = LawfulAuthority.objects.create(episode=episode, recorded_by_id=actor.user_id, **dataclasses.asdict(clean))
    resolves = ["custody.no_lawful_authority"] if clean.kind not in rules.HOLD_KINDS else []
    if clean.kind == LawfulAuthority.Kind.RECALL:
        resolves.append("custody.recall_notice_missing")  # raised by reception for a person returned on recall
    if resolves and _resolve_warnings(episode, resolves):
        episode.save(update_fields=["reception_warnings", "updated_at"])
    _audit(
        actor,
        "custody.authority_added",
        episode,
        object_type="lawful_authority",
        object_id=row.pk,
        changed_fields=["kind", "reference", "issued_by", "issued_on", "expires_on", "document_seen"],
        details={"kind": clean.kind, "reference": clean.reference},
    )
    return row


def end_lawful_authority(
    actor: Actor, *, episode_id, authority_id: int, reason: str, ended_on: dt.date | None = None
) -> LawfulAuthority:
    """End (supersede, discharge or lift) an authority (custody.receive; lifting a detainer or warrant is
    what allows a release). Audited ``custody.authority_ended`` with the reason."""
    episode = _episode_for_intake(actor, episode_id)
    reason = _text(reason, "reason", max_length=500, required="Enter why the authority ends")
    row = LawfulAuthority.objects.filter(episode=episode, pk=_row_id(authority_id)).first()
    if row is None:
        raise NotFound("Authority not found.", code="custody.authority_not_found", field="authority")
    if row.ended_on is not None:
        raise Conflict("This authority has already ended.", code="custody.authority_already_ended", field="authority")
    ended_on = ended_on or clock.today()
    if ended_on > clock.today():
        raise RuleViolation(
            "The end date must be today or in the past", code="custody.ended_in_future", field="ended_on"
        )
    row.ended_on = ended_on
    row.save(update_fields=["ended_on", "updated_at"])
    _audit(
        actor,
        "custody.authority_ended",
        episode,
        object_type="lawful_authority",
        object_id=row.pk,
        changed_fields=["ended_on"],
        details={"kind": row.kind, "reference": row.reference},
        reason=reason,
    )
    return row


# --- property ------------------------------------------------------------------------------------------


def add_property_item(actor: Actor, *, episode_id, item: NewPropertyItem) -> PropertyItem:
    """Record an item taken in (custody.receive). Audited ``custody.property_added``."""
    episode = _episode_for_intake(actor, episode_id)
    clean = _clean_property(item)
    row = PropertyItem.objects.create(
        episode=episode,
        description=clean.description,
        quantity=clean.quantity,
        seal_number=clean.seal_number,
        status=PropertyItem.Status.IN_POSSESSION if clean.in_possession else PropertyItem.Status.STORED,
        recorded_by_id=actor.user_id,
    )
    _audit(
        actor,
        "custody.property_added",
        episode,
        object_type="property_item",
        object_id=row.pk,
        changed_fields=["description", "quantity", "seal_number", "status"],
    )
    return row


def close_property_item(actor: Actor, *, episode_id, item_id: int, outcome: str, reason: str = "") -> PropertyItem:
    """Return an item to the person or dispose of it (custody.receive). Disposal needs a reason (what was
    done with it and why). Audited ``custody.property_returned`` or ``custody.property_disposed``."""
    episode = _episode_for_intake(actor, episode_id)
    if outcome not in (PropertyItem.Status.RETURNED, PropertyItem.Status.DISPOSED):
        raise RuleViolation("Select returned or disposed of", code="custody.invalid_choice", field="outcome")
    reason = _text(
        reason,
        "reason",
        max_length=500,
        required="Enter how and why the item was disposed of" if outcome == PropertyItem.Status.DISPOSED else "",
    )
    row = PropertyItem.objects.select_for_update().filter(episode=episode, pk=_row_id(item_id)).first()
    if row is None:
        raise NotFound("Property item not found.", code="custody.property_not_found", field="item")
    if row.closed_at is not None:
        raise Conflict(
            f"This item was already {row.get_status_display().lower()}.", code="custody.property_closed", field="item"
        )
    row.status = outcome
    row.closed_at = clock.now()
    row.closed_by_id = actor.user_id
    row.save(update_fields=["status", "closed_at", "closed_by"])
    verb = "returned" if outcome == PropertyItem.Status.RETURNED else "disposed"
    _audit(
        actor,
        f"custody.property_{verb}",
        episode,
        object_type="property_item",
        object_id=row.pk,
        changed_fields=["status", "closed_at"],
        reason=reason,
    )
    return row


# --- cash ------------------------------------------------------------------------------------------------


def cash_balance(episode: CustodyEpisode) -> int:
    return sum(episode.cash_entries.values_list("amount_minor", flat=True))


def record_cash(
    actor: Actor, *, episode_id, kind: str, amount_minor: int, currency: str = "GBP", note: str = ""
) -> CashEntry:
    """Record cash taken in, returned or adjusted, in minor units (custody.receive). Intake and return take a
    positive amount (a return is stored negative and cannot exceed the balance); an adjustment is signed and
    needs a note. One currency per episode. Audited ``custody.cash_recorded``."""
    episode = _episode_for_intake(actor, episode_id)
    _choice(kind, CashEntry.Kind, "kind", "Select intake, return or adjustment")
    amount_minor = _amount(amount_minor)
    currency = _currency(currency)
    note = _text(
        note,
        "note",
        max_length=200,
        required="Enter why the balance is adjusted" if kind == CashEntry.Kind.ADJUSTMENT else "",
    )
    held = episode.cash_entries.values_list("currency", flat=True).first()
    if held and held != currency:
        raise RuleViolation(
            f"Cash for this person is held in {held}", code="custody.currency_mismatch", field="currency"
        )
    if kind == CashEntry.Kind.ADJUSTMENT:
        if amount_minor == 0:
            raise RuleViolation(
                "Enter an adjustment other than zero", code="custody.invalid_amount", field="amount_minor"
            )
        signed = amount_minor
    else:
        if amount_minor <= 0:
            raise RuleViolation(
                "Enter an amount greater than zero", code="custody.invalid_amount", field="amount_minor"
            )
        signed = amount_minor if kind == CashEntry.Kind.INTAKE else -amount_minor
    balance = cash_balance(episode)
    if balance + signed < 0:
        raise RuleViolation(
            f"That would leave a negative balance; {balance} held", code="custody.cash_overdrawn", field="amount_minor"
        )
    row = CashEntry.objects.create(
        episode=episode, kind=kind, amount_minor=signed, currency=currency, note=note, recorded_by_id=actor.user_id
    )
    _audit(
        actor,
        "custody.cash_recorded",
        episode,
        object_type="cash_entry",
        object_id=row.pk,
        changed_fields=["kind", "amount_minor", "currency"],
        details={"kind": kind, "amount_minor": signed, "balance_minor": balance + signed, "currency": currency},
        reason=note if kind == CashEntry.Kind.ADJUSTMENT else "",
    )
    return row


# --- screening ------------------------------------------------------------------------------------------


def record_screening(actor: Actor, *, episode_id, screening: Screening) -> IntakeScreening:
    """Record or update first-night screening (custody.receive). Health and self-harm notes are encrypted
    at rest; a note passed as None stays as recorded. Resolves the "no screening" reception warning.
    Audited ``custody.screening_recorded`` or ``custody.screening_updated`` with the changed field names
    (never the values: special-category data)."""
    episode = _episode_for_intake(actor, episode_id)
    clean = _clean_screening(screening)
    values = dataclasses.asdict(clean)
    existing = IntakeScreening.objects.select_for_update().filter(episode=episode).first()
    now = clock.now()
    if existing is None:
        row = IntakeScreening.objects.create(
            episode=episode, screened_by_id=actor.user_id, screened_at=now, **_screening_values(clean)
        )
        action = "custody.screening_recorded"
        changed = [f for f, v in values.items() if v not in (None, "")]
    else:
        row = existing
        changed = [f for f, v in values.items() if v is not None and getattr(row, f) != v]
        for field in changed:
            setattr(row, field, values[field])
        row.screened_by_id = actor.user_id
        row.screened_at = now
        row.save()
        action = "custody.screening_updated"
    if _resolve_warnings(episode, ["custody.no_screening"]):
        episode.save(update_fields=["reception_warnings", "updated_at"])
    _audit(
        actor,
        action,
        episode,
        object_type="intake_screening",
        object_id=row.pk,
        changed_fields=changed,
        details={"cell_sharing": row.cell_sharing},
    )
    return row
