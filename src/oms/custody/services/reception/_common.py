"""Checks and helpers the reception and intake services share: field validation with field-named
errors, the intake episode lookup, warning resolution and the audit call."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.custody.models import CustodyEpisode, IntakeScreening, LawfulAuthority
from oms.custody.queries import get_episode
from oms.custody.services.reception.inputs import NewAuthority, NewPropertyItem, Screening

MAX_MINOR_UNITS = 10**11  # a billion pounds: anything larger is a typing error, not cash in a bag


def _text(value: str | None, field: str, *, max_length: int, required: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(required, code="custody.required", field=field)
    if len(value) > max_length:
        label = field.replace("_", " ").capitalize()
        raise RuleViolation(f"{label} must be {max_length} characters or less", code="custody.too_long", field=field)
    return value


def _choice(value: str, choices, field: str, message: str) -> str:
    if value not in choices.values:
        raise RuleViolation(message, code="custody.invalid_choice", field=field)
    return value


def _clean_authority(new: NewAuthority) -> NewAuthority:
    kind = _choice(new.kind, LawfulAuthority.Kind, "authority_kind", "Select the kind of warrant or order")
    reference = _text(
        new.reference, "authority_reference", max_length=60, required="Enter the warrant or order reference"
    )
    issued_by = _text(new.issued_by, "authority_issued_by", max_length=200)
    if new.issued_on and new.issued_on > clock.today():
        raise RuleViolation(
            "The date issued must be today or in the past", code="custody.issued_in_future", field="authority_issued_on"
        )
    if new.issued_on and new.expires_on and new.expires_on < new.issued_on:
        raise RuleViolation(
            "The expiry date must be on or after the date issued",
            code="custody.expiry_before_issue",
            field="authority_expires_on",
        )
    return dataclasses.replace(
        new, kind=kind, reference=reference, issued_by=issued_by, document_seen=bool(new.document_seen)
    )


def _clean_property(item: NewPropertyItem) -> NewPropertyItem:
    description = _text(item.description, "property_description", max_length=200, required="Describe the item")
    seal = _text(item.seal_number, "seal_number", max_length=40)
    if not 1 <= int(item.quantity) <= 10_000:
        raise RuleViolation(
            "Quantity must be between 1 and 10,000", code="custody.invalid_quantity", field="property_quantity"
        )
    return dataclasses.replace(item, description=description, seal_number=seal, quantity=int(item.quantity))


def _clean_screening(screening: Screening) -> Screening:
    risk = IntakeScreening.Risk
    for field in ("suicide_self_harm_risk", "victimisation_risk", "aggression_risk"):
        _choice(getattr(screening, field), risk, field, f"Select the {field.replace('_', ' ')}")
    _choice(screening.cell_sharing, IntakeScreening.CellSharing, "cell_sharing", "Select the cell-sharing decision")
    for field in ("health_notes", "suicide_self_harm_notes"):
        value = getattr(screening, field)
        if value is not None:
            screening = dataclasses.replace(screening, **{field: _text(value, field, max_length=5000)})
    return screening


def _amount(value: int, field: str = "amount_minor") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleViolation("Enter the amount in pence as a whole number", code="custody.invalid_amount", field=field)
    if abs(value) >= MAX_MINOR_UNITS:
        raise RuleViolation("The amount is too large", code="custody.invalid_amount", field=field)
    return value


def _currency(value: str) -> str:
    value = (value or "").strip().upper()
    if len(value) != 3 or not value.isalpha() or not value.isascii():
        raise RuleViolation(
            "Enter a 3-letter currency code, such as GBP", code="custody.invalid_currency", field="currency"
        )
    return value


def _row_id(value) -> int:
    """A row id from a URL; one that cannot exist (not a 64-bit id) must not reach the database."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**62 else 0


def _with_people_edit(actor: Actor) -> Actor:
    """The actor, lent ``people.edit`` for one call into the people services. Reception is what brings
    a person into the site's scope and records the legal status the warrant states, and release is what
    takes them out of it, so custody.receive and custody.release carry that authority; the people
    service still applies its own rules and writes its own audit event under the real user."""
    return actor.lent("people.edit")


def _resolve_warnings(episode: CustodyEpisode, codes: Iterable[str]) -> bool:
    """Mark warnings with these codes as put right (kept, with when): the page shows both."""
    codes = set(codes)
    changed = False
    for warning in episode.reception_warnings:
        if warning.get("code") in codes and not warning.get("resolved_at"):
            warning["resolved_at"] = clock.now().isoformat()
            changed = True
    return changed


def _episode_for_intake(actor: Actor, episode_id) -> CustodyEpisode:
    episode = get_episode(actor, episode_id, permission="custody.receive", for_update=True)
    if episode.status != CustodyEpisode.Status.ACTIVE:
        raise Conflict(
            "This custody record is closed; intake records cannot be changed.", code="custody.episode_closed"
        )
    return episode


def _audit(actor: Actor, action: str, episode: CustodyEpisode, *, object_type: str, object_id, **kwargs) -> None:
    record_event(
        actor,
        action,
        object_type=object_type,
        object_id=object_id,
        subject_person_id=episode.person_id,
        site_id=episode.site_id,
        **kwargs,
    )


def _screening_values(screening: Screening) -> dict:
    values = dataclasses.asdict(screening)
    for field in ("health_notes", "suicide_self_harm_notes"):
        if values[field] is None:
            values[field] = ""
    return values
