"""Every change to a person record. Each use case checks its permission, then scope (out of scope is
not found), applies the rules, and writes exactly one audit event per change in the caller's
transaction: changed field names always, values never (person fields are personal data)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from oms.accounts.models import User
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.core.events import Event, publish
from oms.facilities.models import Site
from oms.people import queries, rules
from oms.people.models import (
    Address,
    Alert,
    Allocation,
    CaseNote,
    Contact,
    Identifier,
    Person,
    PersonName,
    PersonSiteLink,
    Sex,
)

_rng = random.SystemRandom()
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
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
_MAX_LENGTHS = {f.name: f.max_length for f in Person._meta.fields if getattr(f, "max_length", None)}


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


# --- validation helpers ---------------------------------------------------------------------------


def _text(value: str | None, field: str, *, required: bool = False, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(f"Enter the {field.replace('_', ' ')}.", code="people.required", field=field)
    limit = max_length or _MAX_LENGTHS.get(field)
    if limit and len(value) > limit:
        raise RuleViolation(
            f"The {field.replace('_', ' ')} must be {limit} characters or fewer.", code="people.too_long", field=field
        )
    return value


def _name(value: str | None, field: str, *, required: bool) -> str:
    value = _text(value, field, required=required, max_length=100)
    if value and not rules.normalise_name(value):
        raise RuleViolation(
            f"The {field.replace('_', ' ')} must contain letters.", code="people.invalid_name", field=field
        )
    return value


def _birth_date(value: dt.date | None, field: str = "date_of_birth") -> dt.date | None:
    if value is None:
        return None
    if value > clock.today():
        raise RuleViolation("The date of birth must be in the past.", code="people.birth_date_future", field=field)
    if value < EARLIEST_BIRTH_DATE:
        raise RuleViolation(
            "The date of birth must be after 1 January 1900.", code="people.birth_date_early", field=field
        )
    return value


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise RuleViolation(f"Choose a valid {field.replace('_', ' ')}.", code="people.invalid_choice", field=field)
    return value


def _languages(value: Iterable[str] | None) -> list[str]:
    languages = [str(code).strip().lower() for code in (value or []) if str(code).strip()]
    if len(languages) > 10 or any(
        not (2 <= len(code) <= 3 and code.isalpha() and code.isascii()) for code in languages
    ):
        raise RuleViolation(
            "Languages are up to 10 ISO 639 codes such as 'en' or 'cym'.",
            code="people.invalid_languages",
            field="languages",
        )
    return languages


def _new_system_number() -> str:
    for _ in range(20):
        number = rules.generate_system_number(_rng)
        if not Person.objects.filter(system_number=number).exists():
            return number
    raise Conflict("Could not allocate a system number; try again.", code="people.system_number_exhausted")


def _name_row(person: Person, kind: str, family: str, given: str, date_of_birth=None) -> PersonName:
    keys = rules.name_keys(family, given)
    return PersonName(
        person=person, kind=kind, family_name=family, given_name=given, date_of_birth=date_of_birth, **keys.__dict__
    )


def _person_for_change(actor: Actor, permission: str, person_id) -> Person:
    actor.require(permission)
    return queries.find_person(actor, person_id, for_update=True)


def _touch(person: Person) -> None:
    """Any change to a sub-record moves the person's version on, so stale edit forms are caught."""
    Person.objects.filter(pk=person.pk).update(version=person.version + 1, updated_at=clock.now())
    person.version += 1


def _site_in_reach(actor: Actor, site_id) -> Site:
    site = Site.objects.filter(public_id=queries._parse_public_id(site_id), active=True).first()
    if site is None:
        raise NotFound("Site not found.", code="facilities.site_not_found", field="site")
    actor.require_site(site.pk, site.organisation_id)
    return site


def _home_site(actor: Actor, site_id) -> Site:
    if site_id:
        return _site_in_reach(actor, site_id)
    if len(actor.site_ids) == 1:
        return Site.objects.get(pk=next(iter(actor.site_ids)))
    raise RuleViolation("Choose the site that holds this record.", code="people.site_required", field="site")


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
    changed = [f for f in EDITABLE_FIELDS if f != "status" and getattr(person, f) not in ("", None, [], False)]
    details = {"site": site.code, "aliases": len(alias_list), "identifiers": len(seen)}
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
            "The identifier must contain letters or digits.", code="people.invalid_identifier", field="value"
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
            "The end date must be on or after the start date.", code="people.date_order", field="to_date"
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
        raise RuleViolation("Enter an email address like name@example.com.", code="people.invalid_email", field="email")
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


# --- alerts and case notes ---------------------------------------------------------------------------


def add_alert(
    actor: Actor,
    *,
    person_id,
    type: str,
    level: str = Alert.Level.MEDIUM,
    description: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Alert:
    """Raise an alert (people.add_alert). Audited as ``people.alert_added`` with its type and level."""
    person = _person_for_change(actor, "people.add_alert", person_id)
    type = _choice(type, Alert.Type, "type")
    level = _choice(level, Alert.Level, "level")
    description = _text(description, "description", max_length=4000)
    starts_on = starts_on or clock.today()
    if ends_on and ends_on < starts_on:
        raise RuleViolation(
            "The end date must be on or after the start date.", code="people.date_order", field="ends_on"
        )
    alert = Alert.objects.create(
        person=person,
        type=type,
        level=level,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by_id=actor.user_id,
    )
    _touch(person)
    record_event(
        actor,
        "people.alert_added",
        object_type="alert",
        object_id=alert.public_id,
        subject_person_id=person.pk,
        changed_fields=["type", "level", "description", "starts_on", "ends_on"],
        details={"type": type, "level": level},
    )
    return alert


def close_alert(actor: Actor, *, person_id, alert_id, reason: str) -> Alert:
    """Close an open alert with a reason (people.close_alert). Audited as ``people.alert_closed``."""
    person = _person_for_change(actor, "people.close_alert", person_id)
    reason = _text(reason, "reason", required=True, max_length=500)
    alert = person.alerts.filter(public_id=queries._parse_public_id(alert_id)).first()
    if alert is None:
        raise NotFound("Alert not found.", code="people.alert_not_found")
    if alert.closed_at:
        raise Conflict("The alert is already closed.", code="people.alert_closed")
    alert.closed_at = clock.now()
    alert.closed_by_id = actor.user_id
    alert.closed_reason = reason
    alert.save(update_fields=["closed_at", "closed_by", "closed_reason", "updated_at"])
    _touch(person)
    record_event(
        actor,
        "people.alert_closed",
        object_type="alert",
        object_id=alert.public_id,
        subject_person_id=person.pk,
        changed_fields=["closed_at", "closed_reason"],
        reason=reason,
        details={"type": alert.type},
    )
    return alert


def add_case_note(actor: Actor, *, person_id, type: str, text: str, sensitive: bool = False) -> CaseNote:
    """Write a case note (people.add_note); the text is encrypted at rest. Health notes also need
    people.view_health_notes and security notes people.view_security_notes (nobody writes what they
    may not read). Health notes are always sensitive. Audited as ``people.case_note_added`` without
    the text."""
    person = _person_for_change(actor, "people.add_note", person_id)
    type = _choice(type, CaseNote.Type, "type")
    if type not in queries.readable_note_types(actor):
        actor.require("people.view_health_notes" if type == CaseNote.Type.HEALTH else "people.view_security_notes")
    text = _text(text, "text", required=True, max_length=10000)
    site_id = next((s for s in sorted(actor.site_ids)), None)
    note = CaseNote.objects.create(
        person=person,
        type=type,
        text=text,
        author_id=actor.user_id,
        site_id=site_id,
        sensitive=sensitive or type == CaseNote.Type.HEALTH,
    )
    record_event(
        actor,
        "people.case_note_added",
        object_type="case_note",
        object_id=note.public_id,
        subject_person_id=person.pk,
        site_id=site_id,
        changed_fields=["type", "text", "sensitive"],
        details={"type": type},
    )
    return note


# --- scope: site links and caseloads ------------------------------------------------------------------


def link_person_to_site(
    actor: Actor, *, person_id, site_id, kind: str, started_on: dt.date | None = None
) -> PersonSiteLink:
    """Record that a site works with the person (people.edit), which brings the record into that
    site's scope. Any active site may be linked (a referral goes elsewhere). Audited as
    ``people.site_linked``."""
    person = _person_for_change(actor, "people.edit", person_id)
    kind = _choice(kind, PersonSiteLink.Kind, "kind")
    site = Site.objects.filter(public_id=queries._parse_public_id(site_id), active=True).first()
    if site is None:
        raise NotFound("Site not found.", code="facilities.site_not_found", field="site")
    if person.site_links.filter(site=site, kind=kind, ended_on__isnull=True).exists():
        raise Conflict("The person is already linked to this site.", code="people.site_link_exists", field="site")
    link = PersonSiteLink.objects.create(person=person, site=site, kind=kind, started_on=started_on or clock.today())
    record_event(
        actor,
        "people.site_linked",
        object_type="person_site_link",
        object_id=link.pk,
        subject_person_id=person.pk,
        site_id=site.pk,
        changed_fields=["site", "kind", "started_on"],
        details={"kind": kind, "site": site.code},
    )
    return link


def allocate(actor: Actor, *, person_id, staff_username: str, site_id, started_on: dt.date | None = None) -> Allocation:
    """Put a person on a member of staff's caseload at a site in reach (people.edit). Audited as
    ``people.person_allocated``."""
    person = _person_for_change(actor, "people.edit", person_id)
    site = _site_in_reach(actor, site_id)
    staff = User.objects.filter(username=staff_username, is_active=True).first()
    if staff is None or not staff.sites.filter(pk=site.pk).exists():
        raise RuleViolation(
            "Choose a member of staff who works at that site.", code="people.invalid_staff", field="staff"
        )
    if person.allocations.filter(staff=staff, ended_on__isnull=True).exists():
        raise Conflict("The person is already on this caseload.", code="people.already_allocated", field="staff")
    allocation = Allocation.objects.create(
        person=person, staff=staff, site=site, started_on=started_on or clock.today()
    )
    record_event(
        actor,
        "people.person_allocated",
        object_type="allocation",
        object_id=allocation.pk,
        subject_person_id=person.pk,
        site_id=site.pk,
        changed_fields=["staff", "site", "started_on"],
        details={"staff": staff.username},
    )
    return allocation


# --- merge ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeOutcome:
    survivor: Person
    duplicate: Person
    moved: dict[str, int]  # "<app>.<model>" -> rows moved to the survivor
    dropped: dict[str, int]  # rows dropped because the survivor already held the same thing


def _references_to_person():
    """Every foreign key (or one-to-one) pointing at Person from any installed app, hidden reverse
    relations and many-to-many through tables included, except a record's own ``merged_into``."""
    for relation in Person._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete or relation.many_to_many:
            continue
        if relation.related_model is Person and relation.field.name == "merged_into":
            continue
        yield relation.related_model, relation.field


def _move_rows(model, field, survivor: Person, duplicate: Person) -> tuple[int, int]:
    rows = model._base_manager.filter(**{field.name: duplicate})
    try:
        with transaction.atomic():
            return rows.update(**{field.name: survivor}), 0
    except IntegrityError:
        pass
    # Some rows would break a unique constraint: the survivor already holds the same thing (the
    # same identifier, an open link to the same site). Move row by row and drop those copies.
    moved = dropped = 0
    for pk in list(rows.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                model._base_manager.filter(pk=pk).update(**{field.name: survivor})
                moved += 1
        except IntegrityError:
            try:
                with transaction.atomic():
                    model._base_manager.filter(pk=pk).delete()
                    dropped += 1
            except IntegrityError:
                raise Conflict(
                    f"A {model._meta.verbose_name} of the duplicate cannot be moved or dropped.",
                    code="people.merge_blocked",
                )
    return moved, dropped


def merge_people(actor: Actor, *, survivor_id, duplicate_id, reason: str) -> MergeOutcome:
    """Merge ``duplicate`` into ``survivor`` (people.merge; both in scope and live).

    Every reference to the duplicate, from any app, moves to the survivor; the duplicate's names
    become aliases and its system number an identifier, so old searches still find the person. The
    duplicate keeps its row with status MERGED and ``merged_into`` set. Audited as
    ``people.person_merged`` on both subjects; publishes the core event ``people.person_merged``
    (payload: survivor_id, duplicate_id) so later apps, such as keep-apart links, can react.
    """
    actor.require("people.merge")
    reason = _text(reason, "reason", required=True, max_length=500)
    if queries._parse_public_id(survivor_id) == queries._parse_public_id(duplicate_id):
        raise RuleViolation("Choose two different records.", code="people.merge_same", field="duplicate")
    survivor = queries.find_person(actor, survivor_id)
    duplicate = queries.find_person(actor, duplicate_id)
    # Lock in id order so two merges of the same pair cannot deadlock.
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=sorted([survivor.pk, duplicate.pk]))}
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if Person.Status.MERGED in (survivor.status, duplicate.status):
        raise Conflict("One of the records has already been merged.", code="people.already_merged")

    PersonName.objects.filter(person=duplicate, kind=PersonName.Kind.PRIMARY).update(kind=PersonName.Kind.ALIAS)
    survivor_names = set(survivor.names.values_list("family_norm", "given_norm", "date_of_birth"))
    repeated = [
        n.pk
        for n in duplicate.names.all()
        if (n.family_norm, n.given_norm, n.date_of_birth) in survivor_names
        or (n.family_norm, n.given_norm, None) in survivor_names
    ]
    PersonName.objects.filter(pk__in=repeated).delete()
    Identifier.objects.get_or_create(
        person=duplicate,
        kind=Identifier.Kind.OTHER,
        value_norm=duplicate.system_number,
        defaults={"value": duplicate.system_number, "issued_by": "OMS system number (merged record)"},
    )

    moved: dict[str, int] = {}
    dropped: dict[str, int] = {}
    for model, field in _references_to_person():
        label = model._meta.label_lower
        count_moved, count_dropped = _move_rows(model, field, survivor, duplicate)
        if count_moved:
            moved[label] = moved.get(label, 0) + count_moved
        if count_dropped:
            dropped[label] = dropped.get(label, 0) + count_dropped
    # Records merged into the duplicate earlier now point straight at the survivor.
    Person.objects.filter(merged_into=duplicate).update(merged_into=survivor)

    Person.objects.filter(pk=duplicate.pk).update(
        status=Person.Status.MERGED, merged_into=survivor, version=duplicate.version + 1, updated_at=clock.now()
    )
    Person.objects.filter(pk=survivor.pk).update(version=survivor.version + 1, updated_at=clock.now())
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    details = {
        "survivor": survivor.system_number,
        "duplicate": duplicate.system_number,
        "moved": moved,
        "dropped": dropped,
    }
    record_event(
        actor,
        "people.person_merged",
        object_type="person",
        object_id=survivor.public_id,
        subject_person_id=survivor.pk,
        changed_fields=["names", "identifiers", "references"],
        details={**details, "role": "survivor"},
        reason=reason,
    )
    record_event(
        actor,
        "people.person_merged",
        object_type="person",
        object_id=duplicate.public_id,
        subject_person_id=duplicate.pk,
        changed_fields=["status", "merged_into"],
        details={**details, "role": "duplicate"},
        reason=reason,
    )
    publish(actor, Event("people.person_merged", {"survivor_id": survivor.pk, "duplicate_id": duplicate.pk}))
    return MergeOutcome(survivor=survivor, duplicate=duplicate, moved=moved, dropped=dropped)
