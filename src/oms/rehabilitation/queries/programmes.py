"""Reading the programme catalogue, waiting lists, allocations and eligibility (rehabilitation.view).

A programme is in reach when its facility is. A referral or allocation is in reach when both its
programme and its person are: anything else answers exactly like a missing record (404). The waiting
list and the allocated list leave out people the reader cannot reach, but capacity counts everyone.

The facts eligibility is checked against are gathered here in a few queries for many people at once:
the current assessments (risk band per instrument, the needs assessment's answers), the key release
date from sentencing (with any active override) and the security level of the active custody episode.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.db.models import Count, Q, QuerySet

from oms.assessment.models import Assessment
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.core.ids import parse_public_id
from oms.custody.models import CustodyEpisode
from oms.facilities.models import Site
from oms.people.models import Person
from oms.people.queries import find_person, people_in_scope
from oms.rehabilitation.models import Allocation, Programme, Referral
from oms.rehabilitation.rules import eligibility as eligibility_rules
from oms.rehabilitation.rules import timetable as timetable_rules
from oms.sentencing.queries.calculations import key_release_dates

VIEW = "rehabilitation.view"
NEEDS_INSTRUMENT = "criminogenic-needs"


@cache
def known_need_domains() -> tuple[str, ...]:
    """The need domains of the latest shipped needs instrument (eligibility rules may name only these)."""
    from oms.assessment.services.instruments import catalogue

    return tuple(item.code for item in catalogue().get(NEEDS_INSTRUMENT).items)


# --- scope ---------------------------------------------------------------------------------------


def sites_in_scope(actor: Actor) -> QuerySet[Site]:
    sites = Site.objects.all()
    if actor.is_national:
        return sites
    if actor.scope == "organisation":
        return sites.filter(organisation_id=actor.organisation_id)
    return sites.filter(pk__in=sorted(actor.site_ids))


def programmes_in_scope(actor: Actor) -> QuerySet[Programme]:
    return Programme.objects.select_related("facility", "location").filter(facility__in=sites_in_scope(actor))


def _in_reach(actor: Actor, rows: QuerySet) -> QuerySet:
    return rows.filter(programme__in=programmes_in_scope(actor), person__in=people_in_scope(actor))


def find_programme(actor: Actor, programme_id, *, for_update: bool = False, field: str | None = None) -> Programme:
    """The programme in reach (no permission check: for services); 404 otherwise. ``for_update`` locks
    its row (PostgreSQL), which is how allocations to one programme queue behind each other."""
    wanted = parse_public_id(programme_id, code="rehabilitation.programme_not_found", detail="Programme not found.")
    programmes = programmes_in_scope(actor)
    if for_update:
        programmes = programmes.select_for_update(of=("self",))
    programme = programmes.filter(public_id=wanted).first()
    if programme is None:
        raise NotFound("Programme not found.", code="rehabilitation.programme_not_found", field=field)
    return programme


def find_referral(actor: Actor, referral_id, *, for_update: bool = False) -> Referral:
    wanted = parse_public_id(referral_id, code="rehabilitation.referral_not_found", detail="Referral not found.")
    referrals = _in_reach(actor, Referral.objects.select_related("person", "programme", "programme__facility"))
    if for_update:
        referrals = referrals.select_for_update(of=("self",))
    referral = referrals.filter(public_id=wanted).first()
    if referral is None:
        raise NotFound("Referral not found.", code="rehabilitation.referral_not_found")
    return referral


def find_allocation(actor: Actor, allocation_id, *, for_update: bool = False) -> Allocation:
    wanted = parse_public_id(allocation_id, code="rehabilitation.allocation_not_found", detail="Allocation not found.")
    allocations = _in_reach(actor, Allocation.objects.select_related("person", "programme", "programme__facility"))
    if for_update:
        allocations = allocations.select_for_update(of=("self",))
    allocation = allocations.filter(public_id=wanted).first()
    if allocation is None:
        raise NotFound("Allocation not found.", code="rehabilitation.allocation_not_found")
    return allocation


# --- the catalogue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeRow:
    programme: Programme
    allocated: int  # live places taken (active and suspended)
    waiting: int  # open referrals (pending and approved)

    @property
    def free(self) -> int:
        return max(self.programme.capacity - self.allocated, 0)


def list_programmes(
    actor: Actor, *, kind: str | None = None, facility: str | None = None, include_retired: bool = False
) -> list[ProgrammeRow]:
    """Programmes in reach, by facility then title, with places taken and people waiting. ``facility``
    is a site code; an unknown kind or facility simply matches nothing."""
    actor.require(VIEW)
    programmes = programmes_in_scope(actor)
    if kind:
        programmes = programmes.filter(kind=kind)
    if facility:
        programmes = programmes.filter(facility__code=facility)
    if not include_retired:
        programmes = programmes.filter(status=Programme.Status.ACTIVE)
    programmes = programmes.annotate(
        live=Count("allocations", filter=Q(allocations__status__in=Allocation.LIVE_STATUSES), distinct=True),
        open=Count("referrals", filter=Q(referrals__status__in=Referral.OPEN_STATUSES), distinct=True),
    ).order_by("facility__name", "title", "code")
    return [ProgrammeRow(p, p.live, p.open) for p in programmes]


def get_programme(actor: Actor, programme_id) -> Programme:
    actor.require(VIEW)
    return find_programme(actor, programme_id)


def live_allocation_count(programme: Programme) -> int:
    return Allocation.objects.filter(programme=programme, status__in=Allocation.LIVE_STATUSES).count()


def timetable_of(programme: Programme) -> list[timetable_rules.Slot]:
    """The stored timetable as slots (stored data was checked on the way in)."""
    return timetable_rules.parse_timetable(programme.timetable)


def eligibility_lines(programme: Programme) -> list[str]:
    return eligibility_rules.describe(programme.eligibility or {})


def site_choices(actor: Actor) -> list[tuple[str, str]]:
    return [(s.code, s.name) for s in sites_in_scope(actor).order_by("name")]


# --- eligibility facts ---------------------------------------------------------------------------


def facts_for_people(people: Iterable[Person]) -> dict[int, eligibility_rules.Facts]:
    """{person pk: Facts} in four queries whatever the number of people. No permission check: the
    caller has read these people in scope."""
    people = list(people)
    ids = [p.pk for p in people]
    if not ids:
        return {}
    bands: dict[int, dict[str, str]] = {pk: {} for pk in ids}
    needs: dict[int, dict] = {}
    current = Assessment.objects.filter(person_id__in=ids, is_current=True).order_by("completed_at", "id")
    for assessment in current.only("person_id", "instrument_code", "computed_band", "override_band", "answers"):
        if assessment.band:
            bands[assessment.person_id][assessment.instrument_code] = assessment.band
        if assessment.instrument_code == NEEDS_INSTRUMENT:
            needs[assessment.person_id] = dict(assessment.answers or {})
    releases = key_release_dates(ids)
    security = dict(
        CustodyEpisode.objects.filter(person_id__in=ids, status=CustodyEpisode.Status.ACTIVE).values_list(
            "person_id", "security_level"
        )
    )
    today = clock.today()
    facts = {}
    for person in people:
        release = releases.get(person.pk, (None, ""))[0]
        facts[person.pk] = eligibility_rules.Facts(
            risk_bands=bands[person.pk],
            needs=needs.get(person.pk),
            days_to_serve=(release - today).days if release is not None else None,
            sex=person.sex or "",
            security_level=security.get(person.pk, "") or "",
        )
    return facts


def eligibility_facts(person: Person) -> eligibility_rules.Facts:
    return facts_for_people([person])[person.pk]


def check_eligibility(programme: Programme, person: Person) -> eligibility_rules.Eligibility:
    return eligibility_rules.check(programme.eligibility or {}, eligibility_facts(person))


def eligibility_of(actor: Actor, *, programme_id, person_id) -> tuple[Programme, Person, eligibility_rules.Eligibility]:
    """Whether a person in reach may join a programme in reach, and why not (rehabilitation.view)."""
    actor.require(VIEW)
    programme = find_programme(actor, programme_id)
    person = find_person(actor, person_id)
    return programme, person, check_eligibility(programme, person)


# --- waiting lists and allocations ---------------------------------------------------------------


@dataclass(frozen=True)
class WaitingEntry:
    referral: Referral
    eligibility: eligibility_rules.Eligibility


def waiting_list(actor: Actor, programme_id) -> tuple[Programme, list[WaitingEntry]]:
    """Open referrals (pending and approved) of people in reach, most urgent first, then oldest first,
    each with the person's eligibility now."""
    programme = get_programme(actor, programme_id)
    referrals = list(
        _in_reach(actor, Referral.objects.filter(programme=programme, status__in=Referral.OPEN_STATUSES))
        .select_related("person", "referred_by", "plan_action")
        .order_by("priority", "referred_at", "id")
    )
    facts = facts_for_people(r.person for r in referrals)
    rules = programme.eligibility or {}
    return programme, [WaitingEntry(r, eligibility_rules.check(rules, facts[r.person_id])) for r in referrals]


def allocated_people(actor: Actor, programme: Programme) -> list[Allocation]:
    """Live allocations (active and suspended) of people in reach, by start date."""
    return list(
        _in_reach(actor, Allocation.objects.filter(programme=programme, status__in=Allocation.LIVE_STATUSES))
        .select_related("person", "allocated_by")
        .order_by("starts_on", "person__family_name", "id")
    )


def get_referral(actor: Actor, referral_id) -> Referral:
    actor.require(VIEW)
    return find_referral(actor, referral_id)


def get_allocation(actor: Actor, allocation_id) -> Allocation:
    actor.require(VIEW)
    return find_allocation(actor, allocation_id)


def referrals_of(actor: Actor, person_id) -> tuple[Person, list[Referral]]:
    """A person's referrals to programmes in reach, open ones first, newest first."""
    actor.require(VIEW)
    person = find_person(actor, person_id)
    referrals = (
        Referral.objects.filter(person=person, programme__in=programmes_in_scope(actor))
        .select_related("programme", "programme__facility", "referred_by")
        .order_by("-referred_at", "-id")
    )
    return person, sorted(referrals, key=lambda r: r.status not in Referral.OPEN_STATUSES)


def allocations_of(actor: Actor, person_id) -> tuple[Person, list[Allocation]]:
    """A person's allocations to programmes in reach, live ones first, newest first."""
    actor.require(VIEW)
    person = find_person(actor, person_id)
    allocations = (
        Allocation.objects.filter(person=person, programme__in=programmes_in_scope(actor))
        .select_related("programme", "programme__facility", "allocated_by")
        .order_by("-starts_on", "-id")
    )
    return person, sorted(allocations, key=lambda a: a.status not in Allocation.LIVE_STATUSES)


def open_referral(person: Person, programme: Programme) -> Referral | None:
    return Referral.objects.filter(person=person, programme=programme, status__in=Referral.OPEN_STATUSES).first()
