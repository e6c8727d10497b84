"""Receiving a person into custody: finding or creating the person, the booking number, closing a
stale episode at another site, and opening the episode with its intake records."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.custody.models import CashEntry, CustodyEpisode, IntakeScreening, LawfulAuthority, Movement, PropertyItem
from oms.custody.queries import site_in_reach
from oms.custody.rules import reception as rules
from oms.custody.services import recalls
from oms.custody.services._common import emit, end_bed_assignment, new_movement
from oms.custody.services.reception._common import (
    _amount,
    _audit,
    _choice,
    _clean_authority,
    _clean_property,
    _clean_screening,
    _currency,
    _screening_values,
    _text,
    _with_people_edit,
)
from oms.custody.services.reception.inputs import NewAuthority, NewPerson, NewPropertyItem, Screening
from oms.facilities.models import Location, Site
from oms.people import queries as people_queries
from oms.people import services as people_services
from oms.people.models import Person, PersonSiteLink


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
    # A person recalled from licence is expected back: their recall closes as returned with this episode.
    recalls.return_on_recall(actor, episode)
    emit(actor, "custody.person_received", episode, legal_status=legal_status, warnings=[w.code for w in warnings])
    return episode
