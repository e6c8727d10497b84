"""Reception: receiving a person into custody, and the intake records kept after it (lawful
authorities, property, cash, first-night screening).

Reception records reality: a person physically received is always recorded. Faulty paperwork, a
missing screening or a stale episode at another site become warnings on ``episode.reception_warnings``
and on the page; they are never a refusal. Only bad input (an unknown site, a malformed or duplicate
booking number) is refused, so the officer can correct it and submit again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.custody.models import CashEntry, CustodyEpisode, IntakeScreening, LawfulAuthority, Movement, PropertyItem
from oms.custody.queries import get_episode, site_in_reach
from oms.custody.rules import reception as rules
from oms.custody.services._common import emit, end_bed_assignment, new_movement
from oms.facilities.models import Location, Site
from oms.people import queries as people_queries
from oms.people import services as people_services
from oms.people.models import Person, PersonSiteLink

MAX_MINOR_UNITS = 10**11  # a billion pounds: anything larger is a typing error, not cash in a bag


# --- input shapes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewPerson:
    """Details for a person with no record yet; created through the people service (duplicate check)."""

    family_name: str
    given_name: str
    date_of_birth: dt.date | None = None
    sex: str = "not_known"
    middle_names: str = ""
    nationality: str = ""


@dataclass(frozen=True)
class NewAuthority:
    kind: str
    reference: str
    issued_by: str = ""
    issued_on: dt.date | None = None
    expires_on: dt.date | None = None
    document_seen: bool = False


@dataclass(frozen=True)
class NewPropertyItem:
    description: str
    quantity: int = 1
    seal_number: str = ""
    in_possession: bool = False  # kept by the person (in cell) rather than stored


@dataclass(frozen=True)
class Screening:
    """First-night screening answers. ``None`` for a note means "leave as recorded": an officer who
    may not read the health notes can still update the risk levels without wiping them."""

    health_concerns: bool = False
    health_notes: str | None = None
    takes_medication: bool = False
    suicide_self_harm_risk: str = IntakeScreening.Risk.NONE
    suicide_self_harm_notes: str | None = None
    victimisation_risk: str = IntakeScreening.Risk.NONE
    aggression_risk: str = IntakeScreening.Risk.NONE
    cell_sharing: str = IntakeScreening.CellSharing.NOT_ASSESSED
    needs_accessible_cell: bool = False


# --- validation helpers --------------------------------------------------------------------------------


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
    return dataclasses.replace(actor, permissions=actor.permissions | {"people.edit"})


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


# --- reception ---------------------------------------------------------------------------------------


def _booking_number(value: str) -> str:
    number = (value or "").strip().upper()
    if number and not rules.BOOKING_NUMBER_PATTERN.match(number):
        raise RuleViolation(
            "Booking number must be up to 20 letters, digits, hyphens or slashes",
            code="custody.invalid_booking_number",
            field="booking_number",
        )
    if number and CustodyEpisode.objects.filter(booking_number=number).exists():
        raise Conflict(
            f"Booking number {number} is already in use. Enter another, or leave it blank to generate one.",
            code="custody.booking_number_in_use",
            field="booking_number",
        )
    return number


def _generated_booking_number(site: Site) -> str:
    prefix = rules.booking_prefix(site.code, clock.today())
    used = CustodyEpisode.objects.filter(booking_number__startswith=f"{prefix}-").values_list(
        "booking_number", flat=True
    )
    return rules.next_booking_number(prefix, used)


def _person_for_reception(
    actor: Actor,
    *,
    site: Site,
    person_id,
    new_person: NewPerson | None,
    legal_status: str,
    duplicate_override_reason: str,
    held_elsewhere_person_id=None,
) -> Person:
    if held_elsewhere_person_id:
        if person_id or new_person is None:
            raise RuleViolation(
                "Enter the person's details to receive a record held elsewhere",
                code="custody.person_required",
                field="person",
            )
        # The record is held outside this officer's scope. The person is here, so the people layer lets
        # the officer pick one of the records matching the details typed (audited with purpose
        # "reception") and links it to this site, which brings it into scope. No duplicate is created.
        people_services.link_present_person(
            actor,
            purpose="reception",
            person_id=held_elsewhere_person_id,
            site_id=site.public_id,
            kind=PersonSiteLink.Kind.CUSTODY,
            family_name=new_person.family_name,
            given_name=new_person.given_name,
            date_of_birth=new_person.date_of_birth,
        )
        return people_queries.find_person(actor, held_elsewhere_person_id, for_update=True)
    if person_id and new_person:
        raise RuleViolation(
            "Choose an existing person or enter new details, not both", code="custody.person_ambiguous", field="person"
        )
    if person_id:
        try:
            return people_queries.find_person(actor, person_id, for_update=True)
        except NotFound:
            raise NotFound("Person not found.", code="people.not_found", field="person")
    if new_person is None:
        raise RuleViolation("Find the person or enter their details", code="custody.person_required", field="person")
    # PossibleDuplicates (409, with the candidates) propagates: the officer picks the existing record or
    # gives a reason to create anyway.
    return people_services.create_person(
        actor,
        family_name=new_person.family_name,
        given_name=new_person.given_name,
        middle_names=new_person.middle_names,
        date_of_birth=new_person.date_of_birth,
        sex=new_person.sex,
        nationality=new_person.nationality,
        legal_status=legal_status,
        site_id=site.public_id,
        duplicate_override_reason=duplicate_override_reason,
    )


def _close_stale_episode(actor: Actor, stale: CustodyEpisode, *, receiving: Site) -> None:
    """The person is physically here, so the open episode at ``stale.site`` is wrong: close it as a
    transfer nobody recorded (bed freed, transfer-out movement, custody link ended), with a warning on
    it, so the one-active-episode invariant holds and the other site's roll is right again."""
    now = clock.now()
    end_bed_assignment(actor, stale, at=now)
    new_movement(
        actor,
        stale,
        kind=Movement.Kind.TRANSFER,
        direction=Movement.Direction.OUT,
        to_site=receiving,
        destination=receiving.name,
        reason="Unrecorded transfer: received at another site",
    )
    stale.status = CustodyEpisode.Status.TRANSFERRED
    stale.in_out = CustodyEpisode.InOut.OUT
    stale.in_reception = False
    stale.current_location = None
    stale.released_at = now
    stale.released_by_id = actor.user_id
    stale.release_reason = "unrecorded_transfer"
    stale.reception_warnings = [
        *stale.reception_warnings,
        {
            "code": "custody.closed_by_reception_elsewhere",
            "detail": f"Received at {receiving.name} on {now:%d %B %Y} before a transfer out was "
            "recorded here. Closed as an unrecorded transfer.",
            "raised_at": now.isoformat(),
        },
    ]
    stale.version += 1
    stale.save()
    # Ended on the model, not through people.services.end_site_link: that service only ends links at sites
    # in the actor's reach, and the stale episode is at a site this officer usually cannot reach.
    PersonSiteLink.objects.filter(
        person_id=stale.person_id, site_id=stale.site_id, kind=PersonSiteLink.Kind.CUSTODY, ended_on__isnull=True
    ).update(ended_on=clock.today())
    record_event(
        actor,
        "custody.episode_closed_on_transfer",
        object_type="custody_episode",
        object_id=stale.public_id,
        subject_person_id=stale.person_id,
        site_id=stale.site_id,
        changed_fields=["status", "in_out", "released_at", "release_reason", "reception_warnings"],
        details={"received_at_site": receiving.code, "booking_number": stale.booking_number},
        reason="Received at another site before a transfer out was recorded",
    )
    emit(actor, "custody.person_transferred", stale, to_site=receiving.code, unrecorded=True)


def receive_person(
    actor: Actor,
    *,
    site_id,
    legal_status: str,
    person_id=None,
    new_person: NewPerson | None = None,
    held_elsewhere_person_id=None,
    duplicate_override_reason: str = "",
    booking_number: str = "",
    received_from: str = "",
    authorities: Iterable[NewAuthority] = (),
    security_level: str = "",
    property_items: Iterable[NewPropertyItem] = (),
    cash_minor: int = 0,
    currency: str = "GBP",
    screening: Screening | None = None,
    release_due_on: dt.date | None = None,
) -> CustodyEpisode:
    """Receive a person physically arrived at ``site_id`` (custody.receive, site in reach).

    Finds the person (``person_id``, in the actor's scope) or creates them through the people service,
    which runs the duplicate check (``PossibleDuplicates`` 409 carries the candidates; a reason creates
    anyway). A record held outside the actor's scope is received with ``held_elsewhere_person_id`` plus the
    details typed in ``new_person``: it must match those details (people ``link_present_person``, purpose
    "reception", audited), and its new custody link brings it into scope.
    Opens the episode in reception at the site's reception location with a booking number
    (generated per site and year when blank; a duplicate is Conflict ``custody.booking_number_in_use``),
    records authorities, property, cash and screening, records problems as warnings (never refuses),
    closes a stale active episode at another site as an unrecorded transfer, opens the custody site
    link, records the admission movement, sets the person's legal status, audits
    ``custody.person_received`` and emits ``custody.person_received``.
    """
    site = site_in_reach(actor, site_id, permission="custody.receive")
    legal_status = _choice(legal_status, Person.LegalStatus, "legal_status", "Select the legal status")
    if legal_status in (Person.LegalStatus.NONE, Person.LegalStatus.DECEASED):
        raise RuleViolation(
            "Select the legal status the person is held under", code="custody.invalid_choice", field="legal_status"
        )
    if security_level:
        _choice(security_level, Location.SecurityLevel, "security_level", "Select a security level")
    received_from = _text(received_from, "received_from", max_length=200)
    authority_list = [_clean_authority(a) for a in authorities]
    item_list = [_clean_property(i) for i in property_items]
    if len(authority_list) > 20 or len(item_list) > 200:
        raise RuleViolation(
            "Too many authorities or property items in one reception", code="custody.too_many", field="property"
        )
    cash_minor = _amount(cash_minor, "cash_minor")
    if cash_minor < 0:
        raise RuleViolation("Cash received cannot be negative", code="custody.invalid_amount", field="cash_minor")
    currency = _currency(currency)
    screening = _clean_screening(screening) if screening is not None else None
    number = _booking_number(booking_number)

    person = _person_for_reception(
        actor,
        site=site,
        person_id=person_id,
        new_person=new_person,
        legal_status=legal_status,
        duplicate_override_reason=duplicate_override_reason,
        held_elsewhere_person_id=held_elsewhere_person_id,
    )
    # Unscoped on purpose: the one-active-episode invariant is national, whoever can see the other site.
    stale = (
        CustodyEpisode.objects.select_for_update().filter(person=person, status=CustodyEpisode.Status.ACTIVE).first()
    )
    if stale is not None and stale.site_id == site.pk:
        raise Conflict(
            f"This person is already in custody here (booking {stale.booking_number}).",
            code="custody.already_in_custody",
            field="person",
        )

    now = clock.now()
    today = clock.today()
    warnings = rules.reception_warnings(
        authorities=[rules.AuthorityFacts(a.kind, a.reference, a.expires_on, a.document_seen) for a in authority_list],
        screened=screening is not None,
        today=today,
        active_elsewhere=stale.site.name if stale is not None else "",
    )
    if stale is not None:
        stale_number = stale.booking_number
        _close_stale_episode(actor, stale, receiving=site)
    reception = Location.objects.filter(site=site, kind=Location.Kind.RECEPTION, active=True).order_by("key").first()

    episode = None
    for _attempt in range(5):
        candidate = number or _generated_booking_number(site)
        try:
            with transaction.atomic():
                episode = CustodyEpisode.objects.create(
                    person=person,
                    site=site,
                    booking_number=candidate,
                    legal_status=legal_status,
                    security_level=security_level,
                    in_reception=True,
                    in_out=CustodyEpisode.InOut.IN,
                    current_location=reception,
                    received_at=now,
                    received_by_id=actor.user_id,
                    received_from=received_from,
                    release_due_on=release_due_on,
                    reception_warnings=[{**w.as_dict(), "raised_at": now.isoformat()} for w in warnings],
                )
            break
        except IntegrityError:
            # Someone took the number between our check and insert (or the person was received twice at
            # once): a given number is the officer's to change; a generated one is simply retried.
            if CustodyEpisode.objects.filter(person=person, status=CustodyEpisode.Status.ACTIVE).exists():
                raise Conflict(
                    "This person has just been received by someone else.",
                    code="custody.already_in_custody",
                    field="person",
                )
            if number:
                raise Conflict(
                    f"Booking number {number} is already in use.",
                    code="custody.booking_number_in_use",
                    field="booking_number",
                )
    if episode is None:
        raise Conflict(
            "Could not allocate a booking number; try again.",
            code="custody.booking_number_exhausted",
            field="booking_number",
        )

    LawfulAuthority.objects.bulk_create(
        [
            LawfulAuthority(episode=episode, recorded_by_id=actor.user_id, **dataclasses.asdict(a))
            for a in authority_list
        ]
    )
    PropertyItem.objects.bulk_create(
        [
            PropertyItem(
                episode=episode,
                description=i.description,
                quantity=i.quantity,
                seal_number=i.seal_number,
                status=PropertyItem.Status.IN_POSSESSION if i.in_possession else PropertyItem.Status.STORED,
                recorded_by_id=actor.user_id,
            )
            for i in item_list
        ]
    )
    if cash_minor:
        CashEntry.objects.create(
            episode=episode,
            kind=CashEntry.Kind.INTAKE,
            amount_minor=cash_minor,
            currency=currency,
            note="Received at reception",
            recorded_by_id=actor.user_id,
        )
    if screening is not None:
        IntakeScreening.objects.create(
            episode=episode, screened_by_id=actor.user_id, screened_at=now, **_screening_values(screening)
        )

    lent = _with_people_edit(actor)
    if not PersonSiteLink.objects.filter(
        person=person, site=site, kind=PersonSiteLink.Kind.CUSTODY, ended_on__isnull=True
    ).exists():
        people_services.link_person_to_site(
            lent, person_id=person.public_id, site_id=site.public_id, kind=PersonSiteLink.Kind.CUSTODY, started_on=today
        )
    if person.legal_status != legal_status:
        people_services.update_person(
            lent, person_id=person.public_id, version=person.version, legal_status=legal_status
        )

    new_movement(
        actor,
        episode,
        kind=Movement.Kind.ADMISSION,
        direction=Movement.Direction.IN,
        to_location=reception,
        destination=received_from,
        reason="Reception",
    )
    details = {
        "booking_number": episode.booking_number,
        "authorities": len(authority_list),
        "property_items": len(item_list),
        "cash_minor": cash_minor,
        "screened": screening is not None,
        "warnings": [w.code for w in warnings],
    }
    if stale is not None:
        details["closed_episode_booking"] = stale_number
    _audit(
        actor,
        "custody.person_received",
        episode,
        object_type="custody_episode",
        object_id=episode.public_id,
        changed_fields=[
            "booking_number",
            "legal_status",
            "security_level",
            "received_from",
            "in_reception",
            "current_location",
        ],
        details=details,
    )
    emit(actor, "custody.person_received", episode, legal_status=legal_status, warnings=[w.code for w in warnings])
    return episode


def _screening_values(screening: Screening) -> dict:
    values = dataclasses.asdict(screening)
    for field in ("health_notes", "suicide_self_harm_notes"):
        if values[field] is None:
            values[field] = ""
    return values


# --- lawful authorities -----------------------------------------------------------------------------


def add_lawful_authority(actor: Actor, *, episode_id, authority: NewAuthority) -> LawfulAuthority:
    """Record a warrant, order, detainer or outstanding warrant (custody.receive). An expired one is
    recorded all the same (reality); the daily action plan shows expiries. Resolves the reception
    warning "no lawful authority" when the new one is not a hold. Audited ``custody.authority_added``."""
    episode = _episode_for_intake(actor, episode_id)
    clean = _clean_authority(authority)
    row = LawfulAuthority.objects.create(episode=episode, recorded_by_id=actor.user_id, **dataclasses.asdict(clean))
    if clean.kind not in rules.HOLD_KINDS and _resolve_warnings(episode, ["custody.no_lawful_authority"]):
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
