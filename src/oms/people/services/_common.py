"""Validation and lookup helpers shared by the person services."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.facilities.models import Site
from oms.people import queries, rules
from oms.people.models import (
    Person,
    PersonName,
)

_rng = random.SystemRandom()
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
_MAX_LENGTHS = {f.name: f.max_length for f in Person._meta.fields if getattr(f, "max_length", None)}


# --- validation helpers ---------------------------------------------------------------------------


# How a field is named in an error message, GOV.UK style ("Enter a family name"); others read
# "the <field name>".
_FIELD_NOUNS = {
    "family_name": "a family name",
    "given_name": "a given name",
    "value": "the identifier",
    "reason": "a reason",
    "text": "the note",
    "name": "a name",
    "relationship": "the relationship",
}


def _label(field: str) -> str:
    return field.replace("_", " ").capitalize()


def _text(value: str | None, field: str, *, required: bool = False, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if required and not value:
        noun = _FIELD_NOUNS.get(field, f"the {field.replace('_', ' ')}")
        raise RuleViolation(f"Enter {noun}", code="people.required", field=field)
    limit = max_length or _MAX_LENGTHS.get(field)
    if limit and len(value) > limit:
        raise RuleViolation(f"{_label(field)} must be {limit} characters or less", code="people.too_long", field=field)
    return value


def _name(value: str | None, field: str, *, required: bool) -> str:
    value = _text(value, field, required=required, max_length=100)
    if value and not rules.normalise_name(value):
        raise RuleViolation(f"{_label(field)} must include letters", code="people.invalid_name", field=field)
    return value


def _birth_date(value: dt.date | None, field: str = "date_of_birth") -> dt.date | None:
    if value is None:
        return None
    if value > clock.today():
        raise RuleViolation("Date of birth must be in the past", code="people.birth_date_future", field=field)
    if value < EARLIEST_BIRTH_DATE:
        raise RuleViolation(
            "Date of birth must be the same as or after 1 January 1900", code="people.birth_date_early", field=field
        )
    return value


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise RuleViolation(f"Select a valid {field.replace('_', ' ')}", code="people.invalid_choice", field=field)
    return value


def _languages(value: Iterable[str] | None) -> list[str]:
    languages = [str(code).strip().lower() for code in (value or []) if str(code).strip()]
    if len(languages) > 10 or any(
        not (2 <= len(code) <= 3 and code.isalpha() and code.isascii()) for code in languages
    ):
        raise RuleViolation(
            "Enter up to 10 language codes, such as en or cym",
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
    raise RuleViolation("Select the site that holds this record", code="people.site_required", field="site")
