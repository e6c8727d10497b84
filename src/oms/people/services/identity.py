"""Creating and editing the identity of a person: details, names, identifiers, addresses, contacts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor, Scope
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.core.events import Event, publish
from oms.people import queries, rules
from oms.people.models import (
    Address,
    Allocation,
    Contact,
    Identifier,
    Person,
    PersonName,
    PersonSiteLink,
    Sex,
)
from oms.people.services._common import (
    _birth_date,
    _choice,
    _home_site,
    _languages,
    _name,
    _name_row,
    _new_system_number,
    _person_for_change,
    _text,
    _touch,
)

EDITABLE_FIELDS = (
    "family_name",
    "given_name",
    "middle_names",
    "date_of_birth",
    "sex",
    "gender_identity",
    "ethnicity",
    "nationality",
    "languages",
    "interpreter_required",
    "legal_status",
    "status",
)


class PossibleDuplicates(Conflict):
    """Records that may be the same person already exist."""

    code = "people.possible_duplicates"

    def __init__(self, candidates: list[queries.DuplicateCandidate]):
        hidden = sum(1 for c in candidates if not c.in_scope)
        detail = "This person may already have a record. Check the possible matches, or give a reason to create anyway."
        if hidden:
            detail += f" {hidden} possible match(es) are held outside your access."
        super().__init__(detail, field="duplicate_override_reason")
        self.candidates = candidates


# --- create and edit ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewIdentifier:
    kind: str
    value: str
    issued_by: str = ""


@dataclass(frozen=True)
class NewAlias:
    family_name: str
    given_name: str = ""
    date_of_birth: dt.date | None = None


def create_person(
    actor: Actor,
    *,
    family_name: str,
    given_name: str,
    middle_names: str = "",
    date_of_birth: dt.date | None = None,
    sex: str = Sex.NOT_KNOWN,
    gender_identity: str = "",
    ethnicity: str = "",
    nationality: str = "",
    languages: Iterable[str] = (),
    interpreter_required: bool = False,
    legal_status: str = Person.LegalStatus.NONE,
    site_id=None,
    aliases: Iterable[NewAlias] = (),
    identifiers: Iterable[NewIdentifier] = (),
    duplicate_override_reason: str = "",
) -> Person:
    """Create a person record held at a site in the actor's reach (people.create).

    Looks for duplicates first (sound-alike name and date of birth, shared identifiers, across every
    organisation): if any exist, ``duplicate_override_reason`` is required, else ``PossibleDuplicates``
    (409) carries the candidates. Audited as ``people.person_created`` (with the override reason).
    """
    actor.require("people.create")
    family_name = _name(family_name, "family_name", required=True)
    given_name = _name(given_name, "given_name", required=True)
    middle_names = _text(middle_names, "middle_names")
    date_of_birth = _birth_date(date_of_birth)
    sex = _choice(sex, Sex, "sex")
    legal_status = _choice(legal_status, Person.LegalStatus, "legal_status")
    gender_identity = _text(gender_identity, "gender_identity")
    ethnicity = _text(ethnicity, "ethnicity")
    nationality = _text(nationality, "nationality")
    language_codes = _languages(languages)
    reason = _text(duplicate_override_reason, "duplicate_override_reason", max_length=500)
    site = _home_site(actor, site_id)
    alias_list = [
        NewAlias(
            _name(a.family_name, "aliases", required=True),
            _name(a.given_name, "aliases", required=False),
            _birth_date(a.date_of_birth, "aliases"),
        )
        for a in aliases
    ]
    identifier_list = [_clean_identifier(i) for i in identifiers]
    if len(alias_list) > 20 or len(identifier_list) > 20:
        raise RuleViolation("Up to 20 aliases and 20 identifiers.", code="people.too_many", field="aliases")

    candidates = queries.find_duplicate_candidates(
        actor,
        names=[(family_name, given_name)] + [(a.family_name, a.given_name) for a in alias_list],
        date_of_birth=date_of_birth,
        identifiers=[(i.kind, i.value) for i in identifier_list],
    )
    if candidates and not reason:
        raise PossibleDuplicates(candidates)

    person = Person.objects.create(
        system_number=_new_system_number(),
        family_name=family_name,
        given_name=given_name,
        middle_names=middle_names,
        date_of_birth=date_of_birth,
        sex=sex,
        gender_identity=gender_identity,
        ethnicity=ethnicity,
        nationality=nationality,
        languages=language_codes,
        interpreter_required=interpreter_required,
        legal_status=legal_status,
        created_by_id=actor.user_id,
    )
    PersonName.objects.bulk_create(
        [_name_row(person, PersonName.Kind.PRIMARY, family_name, given_name)]
        + [_name_row(person, PersonName.Kind.ALIAS, a.family_name, a.given_name, a.date_of_birth) for a in alias_list]
    )
    seen = set()
    for identifier in identifier_list:
        if (identifier.kind, identifier.value_norm) not in seen:
            seen.add((identifier.kind, identifier.value_norm))
            identifier.person = person
            identifier.save()
    PersonSiteLink.objects.create(person=person, site=site, kind=PersonSiteLink.Kind.RECORDS, started_on=clock.today())
    details = {"site": site.code, "aliases": len(alias_list), "identifiers": len(seen)}
    if actor.scope == Scope.CASELOAD and actor.user_id and not actor.is_system:
        # A caseload-scoped creator would otherwise lose sight of the record they just made.
        Allocation.objects.create(person=person, staff_id=actor.user_id, site=site, started_on=clock.today())
        details["allocated_to"] = actor.username
    changed = [f for f in EDITABLE_FIELDS if f != "status" and getattr(person, f) not in ("", None, [], False)]
    if candidates:
        details["duplicate_candidates"] = [c.person.system_number for c in candidates if c.in_scope]
        details["duplicate_candidates_outside_scope"] = sum(1 for c in candidates if not c.in_scope)
    record_event(
        actor,
        "people.person_created",
        object_type="person",
        object_id=person.public_id,
        subject_person_id=person.pk,
        site_id=site.pk,
        changed_fields=["system_number", *changed],
        details=details,
        reason=reason,
    )
    return person


def update_person(actor: Actor, *, person_id, version: int, **changes) -> Person:
    """Change identity details (people.edit). ``version`` must be the one the editor read, else
    Conflict ``people.version_conflict`` (no lost updates). Audited as ``people.person_updated``."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise RuleViolation(
            f"Unknown field: {sorted(unknown)[0]}.", code="people.unknown_field", field=sorted(unknown)[0]
        )
    person = _person_for_change(actor, "people.edit", person_id)
    if person.version != version:
        raise Conflict(
            "Someone else changed this record since you opened it. Reload it and try again.",
            code="people.version_conflict",
            field="version",
        )
    cleaned = {}
    for field, value in changes.items():
        if field in ("family_name", "given_name"):
            cleaned[field] = _name(value, field, required=True)
        elif field == "date_of_birth":
            cleaned[field] = _birth_date(value)
        elif field == "sex":
            cleaned[field] = _choice(value, Sex, field)
        elif field == "legal_status":
            cleaned[field] = _choice(value, Person.LegalStatus, field)
        elif field == "status":
            cleaned[field] = _choice(value, Person.Status, field)
            if value == Person.Status.MERGED:
                raise RuleViolation("Use merge to merge records.", code="people.use_merge", field="status")
        elif field == "languages":
            cleaned[field] = _languages(value)
        elif field == "interpreter_required":
            cleaned[field] = bool(value)
        else:
            cleaned[field] = _text(value, field)
    changed = [f for f, v in cleaned.items() if getattr(person, f) != v]
    if not changed:
        return person
    details = {}
    if "status" in changed:
        details["status"] = {"from": person.status, "to": cleaned["status"]}  # not personal data
    for field in changed:
        setattr(person, field, cleaned[field])
    person.version += 1
    person.save(update_fields=[*changed, "version", "updated_at"])
    if "family_name" in changed or "given_name" in changed:
        keys = rules.name_keys(person.family_name, person.given_name)
        PersonName.objects.filter(person=person, kind=PersonName.Kind.PRIMARY).update(
            family_name=person.family_name, given_name=person.given_name, **keys.__dict__
        )
    record_event(
        actor,
        "people.person_updated",
        object_type="person",
        object_id=person.public_id,
        subject_person_id=person.pk,
        changed_fields=changed,
        details=details,
    )
    # Apps above people react in this transaction (a new date of birth can change release dates: the
    # under-18 rules). Field names only: no personal data in the payload.
    publish(actor, Event("people.person_updated", {"person_id": person.pk, "changed_fields": changed}))
    return person


# --- names and identifiers --------------------------------------------------------------------------


def add_alias(
    actor: Actor,
    *,
    person_id,
    family_name: str,
    given_name: str = "",
    kind: str = PersonName.Kind.ALIAS,
    date_of_birth: dt.date | None = None,
) -> PersonName:
    """Record another name (people.edit); searchable at once. Audited as ``people.alias_added``."""
    person = _person_for_change(actor, "people.edit", person_id)
    family_name = _name(family_name, "family_name", required=True)
    given_name = _name(given_name, "given_name", required=False)
    if kind == PersonName.Kind.PRIMARY:
        raise RuleViolation(
            "Change the primary name by editing the person.", code="people.invalid_choice", field="kind"
        )
    _choice(kind, PersonName.Kind, "kind")
    name = _name_row(person, kind, family_name, given_name, _birth_date(date_of_birth))
    if person.names.filter(
        family_norm=name.family_norm, given_norm=name.given_norm, date_of_birth=name.date_of_birth
    ).exists():
        raise Conflict("The person already has this name.", code="people.alias_exists", field="family_name")
    name.save()
    _touch(person)
    record_event(
        actor,
        "people.alias_added",
        object_type="person_name",
        object_id=name.pk,
        subject_person_id=person.pk,
        changed_fields=["family_name", "given_name", "kind", "date_of_birth"],
        details={"kind": kind},
    )
    return name


def remove_alias(actor: Actor, *, person_id, alias_id: int) -> None:
    """Remove an alias (people.edit); the primary name cannot be removed. Audited ``people.alias_removed``."""
    person = _person_for_change(actor, "people.edit", person_id)
    name = person.names.exclude(kind=PersonName.Kind.PRIMARY).filter(pk=alias_id).first()
    if name is None:
        raise NotFound("Alias not found.", code="people.alias_not_found")
    name.delete()
    _touch(person)
    record_event(
        actor,
        "people.alias_removed",
        object_type="person_name",
        object_id=alias_id,
        subject_person_id=person.pk,
        changed_fields=["family_name", "given_name"],
    )


def _clean_identifier(identifier: NewIdentifier) -> Identifier:
    kind = _choice(identifier.kind, Identifier.Kind, "kind")
    value = _text(identifier.value, "value", required=True, max_length=50)
    value_norm = rules.normalise_identifier(value)
    if not value_norm:
        raise RuleViolation(
            "Identifier must include letters or digits", code="people.invalid_identifier", field="value"
        )
    issued_by = _text(identifier.issued_by, "issued_by", max_length=100)
    return Identifier(kind=kind, value=value, value_norm=value_norm, issued_by=issued_by)


def add_identifier(actor: Actor, *, person_id, kind: str, value: str, issued_by: str = "") -> Identifier:
    """Record a typed identifier (people.edit). The same number of the same kind on another live
    record means a duplicate: Conflict ``people.identifier_in_use`` (merge instead). Audited as
    ``people.identifier_added``."""
    person = _person_for_change(actor, "people.edit", person_id)
    identifier = _clean_identifier(NewIdentifier(kind, value, issued_by))
    same = Identifier.objects.filter(kind=identifier.kind, value_norm=identifier.value_norm).exclude(
        person__status=Person.Status.MERGED
    )
    if same.filter(person=person).exists():
        raise Conflict("The person already has this identifier.", code="people.identifier_exists", field="value")
    if identifier.kind != Identifier.Kind.OTHER and same.exists():
        raise Conflict(
            "Another record has this identifier: it may be the same person. Merge the records instead.",
            code="people.identifier_in_use",
            field="value",
        )
    identifier.person = person
    identifier.save()
    _touch(person)
    record_event(
        actor,
        "people.identifier_added",
        object_type="identifier",
        object_id=identifier.pk,
        subject_person_id=person.pk,
        changed_fields=["kind", "value", "issued_by"],
        details={"kind": identifier.kind},
    )
    return identifier


def remove_identifier(actor: Actor, *, person_id, identifier_id: int) -> None:
    person = _person_for_change(actor, "people.edit", person_id)
    identifier = person.identifiers.filter(pk=identifier_id).first()
    if identifier is None:
        raise NotFound("Identifier not found.", code="people.identifier_not_found")
    kind = identifier.kind
    identifier.delete()
    _touch(person)
    record_event(
        actor,
        "people.identifier_removed",
        object_type="identifier",
        object_id=identifier_id,
        subject_person_id=person.pk,
        changed_fields=["kind", "value"],
        details={"kind": kind},
    )


# --- addresses and contacts -------------------------------------------------------------------------


def add_address(
    actor: Actor,
    *,
    person_id,
    kind: str = Address.Kind.HOME,
    line1: str = "",
    line2: str = "",
    town: str = "",
    postcode: str = "",
    country: str = "",
    from_date: dt.date | None = None,
    to_date: dt.date | None = None,
    is_primary: bool = False,
) -> Address:
    """Record an address (people.edit). Audited as ``people.address_added``."""
    person = _person_for_change(actor, "people.edit", person_id)
    kind = _choice(kind, Address.Kind, "kind")
    fields = {
        "line1": _text(line1, "line1", max_length=200),
        "line2": _text(line2, "line2", max_length=200),
        "town": _text(town, "town", max_length=100),
        "postcode": _text(postcode, "postcode", max_length=20),
        "country": _text(country, "country", max_length=100),
    }
    if kind != Address.Kind.NO_FIXED_ABODE and not (fields["line1"] or fields["postcode"]):
        raise RuleViolation(
            "Enter the first line of the address or the postcode.", code="people.required", field="line1"
        )
    if from_date and to_date and to_date < from_date:
        raise RuleViolation(
            "End date must be the same as or after the start date", code="people.date_order", field="to_date"
        )
    if is_primary:
        person.addresses.filter(is_primary=True).update(is_primary=False)
    address = Address.objects.create(
        person=person, kind=kind, from_date=from_date, to_date=to_date, is_primary=is_primary, **fields
    )
    _touch(person)
    record_event(
        actor,
        "people.address_added",
        object_type="address",
        object_id=address.pk,
        subject_person_id=person.pk,
        changed_fields=[f for f, v in fields.items() if v] + ["kind"],
        details={"kind": kind},
    )
    return address


def add_contact(
    actor: Actor,
    *,
    person_id,
    name: str,
    relationship: str,
    phone: str = "",
    email: str = "",
    address: str = "",
    next_of_kin: bool = False,
    emergency_contact: bool = False,
) -> Contact:
    """Record a contact such as next of kin (people.edit). Audited as ``people.contact_added``."""
    person = _person_for_change(actor, "people.edit", person_id)
    fields = {
        "name": _text(name, "name", required=True, max_length=200),
        "relationship": _text(relationship, "relationship", required=True, max_length=100),
        "phone": _text(phone, "phone", max_length=40),
        "email": _text(email, "email", max_length=254),
        "address": _text(address, "address", max_length=1000),
    }
    if fields["email"] and ("@" not in fields["email"] or " " in fields["email"]):
        raise RuleViolation(
            "Enter an email address in the correct format, like name@example.com",
            code="people.invalid_email",
            field="email",
        )
    contact = Contact.objects.create(
        person=person, next_of_kin=next_of_kin, emergency_contact=emergency_contact, **fields
    )
    _touch(person)
    record_event(
        actor,
        "people.contact_added",
        object_type="contact",
        object_id=contact.pk,
        subject_person_id=person.pk,
        changed_fields=[f for f, v in fields.items() if v],
    )
    return contact


def remove_address(actor: Actor, *, person_id, address_id: int, reason: str) -> None:
    """Remove an address recorded in error or no longer to be held (people.edit), with a reason.
    Audited as ``people.address_removed``: which fields it held and its kind, never the address."""
    person = _person_for_change(actor, "people.edit", person_id)
    reason = _text(reason, "reason", required=True, max_length=500)
    address = person.addresses.filter(pk=address_id).first()
    if address is None:
        raise NotFound("Address not found.", code="people.address_not_found")
    held = [f for f in ("line1", "line2", "town", "postcode", "country") if getattr(address, f)]
    kind = address.kind
    address.delete()
    _touch(person)
    record_event(
        actor,
        "people.address_removed",
        object_type="address",
        object_id=address_id,
        subject_person_id=person.pk,
        changed_fields=[*held, "kind"],
        reason=reason,
        details={"kind": kind},
    )


def remove_contact(actor: Actor, *, person_id, contact_id: int, reason: str) -> None:
    """Remove a contact (people.edit), with a reason. Audited as ``people.contact_removed``: which
    fields it held, never the values."""
    person = _person_for_change(actor, "people.edit", person_id)
    reason = _text(reason, "reason", required=True, max_length=500)
    contact = person.contacts.filter(pk=contact_id).first()
    if contact is None:
        raise NotFound("Contact not found.", code="people.contact_not_found")
    held = [f for f in ("name", "relationship", "phone", "email", "address") if getattr(contact, f)]
    contact.delete()
    _touch(person)
    record_event(
        actor,
        "people.contact_removed",
        object_type="contact",
        object_id=contact_id,
        subject_person_id=person.pk,
        changed_fields=held,
        reason=reason,
    )
