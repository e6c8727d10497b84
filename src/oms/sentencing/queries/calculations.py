"""Reads of stored calculations and of a person's key dates.

Key dates are the person's latest calculation with their active overrides applied. ``key_dates`` is
the one place that combination is made: pages, the API, the profile panel and custody's release date
(``key_release_dates`` and ``key_release_date_expression``) all read it from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.core.ids import parse_public_id
from oms.people.models import Person
from oms.people.queries import find_person, people_in_scope
from oms.sentencing.models import Calculation, DateOverride

DATE_TITLES = {
    "CRD": "Conditional release date",
    "ARD": "Automatic release date",
    "SED": "Sentence expiry date",
    "SLED": "Sentence and licence expiry date",
    "LED": "Licence expiry date",
    "PED": "Parole eligibility date",
    "HDCED": "Home detention curfew eligibility date",
    "TUSED": "Top-up supervision expiry date",
    "ESED": "Effective sentence end date",
    "ERSED": "Early removal scheme eligibility date",
    "PRD": "Projected release date",
    "FTD": "Full-term date",
    "HCED": "Home confinement eligibility date",
    "RD": "Release date",
}
# Shown first, in this order; anything else follows alphabetically.
DATE_ORDER = ("CRD", "ARD", "PRD", "RD", "PED", "HDCED", "HCED", "ERSED", "SLED", "SED", "LED", "TUSED", "FTD", "ESED")


def date_title(date_type: str) -> str:
    return DATE_TITLES.get(date_type, date_type)


def _sort_key(date_type: str) -> tuple[int, str]:
    return (DATE_ORDER.index(date_type) if date_type in DATE_ORDER else len(DATE_ORDER), date_type)


@dataclass(frozen=True)
class KeyDate:
    type: str
    title: str
    calculated: dt.date | None  # from the latest calculation; None when it has no such date
    override: DateOverride | None  # the active override of this type, if any
    is_release_date: bool

    @property
    def effective(self) -> dt.date | None:
        return self.override.overridden_date if self.override is not None else self.calculated

    @property
    def moved_since_override(self) -> bool:
        """The calculated date is no longer what it was when the override was made: someone should
        look at whether the override still stands."""
        return self.override is not None and self.override.calculated_date != self.calculated


@dataclass
class KeyDates:
    person: Person
    calculation: Calculation | None
    dates: list[KeyDate] = field(default_factory=list)
    release_date_type: str = ""

    @property
    def release(self) -> KeyDate | None:
        return next((d for d in self.dates if d.is_release_date), None)

    @property
    def release_date(self) -> dt.date | None:
        release = self.release
        return release.effective if release else None

    @property
    def overrides(self) -> list[DateOverride]:
        return [d.override for d in self.dates if d.override is not None]


def _calculated_dates(calculation: Calculation | None) -> dict[str, dt.date]:
    if calculation is None:
        return {}
    return {t: dt.date.fromisoformat(d["date"]) for t, d in calculation.result.get("dates", {}).items()}


def key_dates(person: Person) -> KeyDates:
    """The person's key dates (no permission check: the caller has read the person in scope)."""
    calculation = Calculation.objects.filter(person=person, is_latest=True).select_related("calculated_by").first()
    overrides = {
        o.date_type: o
        for o in DateOverride.objects.filter(person=person, status=DateOverride.Status.ACTIVE).select_related(
            "authorised_by"
        )
    }
    calculated = _calculated_dates(calculation)
    release_type = calculation.release_date_type if calculation else ""
    dates = [
        KeyDate(t, date_title(t), calculated.get(t), overrides.get(t), t == release_type)
        for t in sorted(set(calculated) | set(overrides), key=_sort_key)
    ]
    return KeyDates(person=person, calculation=calculation, dates=dates, release_date_type=release_type)


def key_dates_for(actor: Actor, person_id) -> KeyDates:
    """A person's key dates (sentencing.view; out of scope = NotFound)."""
    actor.require("sentencing.view")
    return key_dates(find_person(actor, person_id))


def people_filter(person_ids: set[int], field: str = "person_id") -> dict:
    """A filter for rows of these people. A dense set of keys (a bulk batch) is read as a key range: an
    IN list of thousands of keys costs more to build and parse than the rows it reads (B6). Callers
    ignore rows of people in the range but not in the set."""
    low, high = min(person_ids), max(person_ids)
    if high - low < 2 * len(person_ids):
        return {f"{field}__gte": low, f"{field}__lte": high}
    return {f"{field}__in": sorted(person_ids)}


def key_release_dates(person_ids) -> dict[int, tuple[dt.date | None, str]]:
    """{person pk: (release date with an active override applied, its type)} for people with a
    calculation, in two queries (custody's bulk update of release dates)."""
    wanted = set(person_ids)
    if not wanted:
        return {}
    low, high = min(wanted), max(wanted)
    # A dense set of keys (a bulk batch) is read as a key range: cheaper than an IN list of thousands.
    among = (
        {"person_id__gte": low, "person_id__lte": high} if high - low < 2 * len(wanted) else {"person_id__in": wanted}
    )
    latest = {
        pk: (day, kind)
        for pk, day, kind in Calculation.objects.filter(is_latest=True, **among).values_list(
            "person_id", "release_date", "release_date_type"
        )
        if pk in wanted
    }
    overridden = {
        (pk, kind): day
        for pk, kind, day in DateOverride.objects.filter(status=DateOverride.Status.ACTIVE, **among).values_list(
            "person_id", "date_type", "overridden_date"
        )
    }
    return {pk: (overridden.get((pk, kind), day) if kind else None, kind) for pk, (day, kind) in latest.items()}


def key_release_date_expression(person_ref: str = "person_id"):
    """A database expression for the key release date of the person at ``person_ref`` (None without a
    calculation or a release date): lets custody filter and sort on it in one query."""
    latest = Calculation.objects.filter(person_id=OuterRef(person_ref), is_latest=True)
    overridden = DateOverride.objects.filter(
        person_id=OuterRef(person_ref),
        status=DateOverride.Status.ACTIVE,
        date_type=Subquery(
            Calculation.objects.filter(person_id=OuterRef(OuterRef(person_ref)), is_latest=True).values(
                "release_date_type"
            )[:1]
        ),
    )
    return Coalesce(Subquery(overridden.values("overridden_date")[:1]), Subquery(latest.values("release_date")[:1]))


def key_release_type_expression(person_ref: str = "person_id"):
    return Subquery(
        Calculation.objects.filter(person_id=OuterRef(person_ref), is_latest=True).values("release_date_type")[:1]
    )


# --- history and one calculation --------------------------------------------------------------------


def calculation_history(actor: Actor, person_id) -> tuple[Person, list[Calculation]]:
    """Every calculation of a person, newest first (sentencing.view; out of scope = NotFound)."""
    actor.require("sentencing.view")
    person = find_person(actor, person_id)
    calculations = list(
        Calculation.objects.filter(person=person).select_related("calculated_by").order_by("-calculated_at", "-pk")
    )
    return person, calculations


def get_calculation(actor: Actor, calculation_id) -> Calculation:
    """One stored calculation of a person in scope (sentencing.view)."""
    actor.require("sentencing.view")
    wanted = parse_public_id(calculation_id, code="sentencing.calculation_not_found")
    calculation = (
        Calculation.objects.select_related("person", "calculated_by", "previous")
        .filter(public_id=wanted, person__in=people_in_scope(actor))
        .first()
    )
    if calculation is None:
        raise NotFound(code="sentencing.calculation_not_found")
    return calculation


def calculation_dates(calculation: Calculation) -> list[dict]:
    """The stored dates in display order, each with its title and explanation steps."""
    dates = calculation.result.get("dates", {})
    return [
        {
            "type": t,
            "title": date_title(t),
            "date": dt.date.fromisoformat(dates[t]["date"]),
            "before_working_day_rule": (
                dt.date.fromisoformat(dates[t]["before_working_day_rule"])
                if dates[t].get("before_working_day_rule")
                else None
            ),
            "steps": dates[t].get("steps", []),
            "is_release_date": t == calculation.release_date_type,
        }
        for t in sorted(dates, key=_sort_key)
    ]


def overrides_for(actor: Actor, person_id) -> tuple[Person, list[DateOverride]]:
    """Every override of a person, active and withdrawn, newest first (sentencing.view)."""
    actor.require("sentencing.view")
    person = find_person(actor, person_id)
    overrides = list(
        DateOverride.objects.filter(person=person)
        .select_related("authorised_by", "withdrawn_by", "calculation")
        .order_by("-authorised_at", "-pk")
    )
    return person, overrides


def get_override(actor: Actor, override_id, *, for_update: bool = False) -> DateOverride:
    wanted = parse_public_id(override_id, code="sentencing.override_not_found")
    overrides = DateOverride.objects.select_related("person").filter(
        public_id=wanted, person__in=people_in_scope(actor)
    )
    if for_update:
        overrides = overrides.select_for_update(of=("self",))
    found = overrides.first()
    if found is None:
        raise NotFound(code="sentencing.override_not_found")
    return found
