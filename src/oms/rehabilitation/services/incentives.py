"""Incentive levels and reviews: the only place they change.

- ``save_level`` / ``install_default_levels`` (rehabilitation.manage_incentive_levels, facility in
  reach): a facility's levels and what each allows. Audited ``rehabilitation.incentive_level_saved`` /
  ``rehabilitation.incentive_levels_installed``.
- ``record_review`` (rehabilitation.review_incentives, person in scope and in custody at a facility in
  reach whose levels exist): the new current review, its outcome and next review date (rules.incentives).
  Audited ``rehabilitation.incentive_reviewed``.
- ``move_reviews_on_merge``: subscriber of ``people.person_merged``: the duplicate's reviews join the
  survivor's history; the more recent of the two current reviews stays current.
- ``place_on_reception`` / ``carry_level_on_transfer``: subscribers of custody's ``custody.person_received``
  and ``custody.person_transferred`` (registered in ``RehabilitationConfig.ready``), in the custody
  change's transaction. Audited ``rehabilitation.incentive_level_placed``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.core.events import Event
from oms.custody.models import CustodyEpisode
from oms.custody.queries.episodes import site_in_reach
from oms.facilities.models import Site
from oms.people.models import Person
from oms.people.queries.records import find_person
from oms.rehabilitation.models import IncentiveLevel, IncentiveReview
from oms.rehabilitation.rules import incentives as rules

MANAGE = "rehabilitation.manage_incentive_levels"
REVIEW = "rehabilitation.review_incentives"

MAX_SPENDING_LIMIT_PENCE = 1_000_000  # 10,000 pounds a week: far above any real limit, below integer limits
MAX_VISITS_PER_MONTH = 31
MAX_PRIVILEGES = 30
MAX_REASONS = 5000
LEVEL_CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")

# OMS's own illustrative allowances for a new facility (pence a week, visits a month): example figures
# to be changed by each facility, not figures from any policy.
DEFAULT_LEVELS = (
    ("basic", "Basic", 1, True, False, 400, 2, ["Time out of cell as the regime allows"]),
    ("standard", "Standard", 2, False, True, 1550, 3, ["In-cell television"]),
    ("enhanced", "Enhanced", 3, False, False, 2550, 4, ["In-cell television", "Own clothing"]),
)


def _text(value, field: str, *, max_length: int, required: bool = True, label: str = "") -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not text:
        raise RuleViolation(f"Enter {label or field.replace('_', ' ')}", code="rehabilitation.required", field=field)
    if len(text) > max_length:
        raise RuleViolation(
            f"{(label or field.replace('_', ' ')).capitalize()} must be {max_length} characters or fewer",
            code="rehabilitation.too_long",
            field=field,
        )
    return text


def _whole_number(value, field: str, *, maximum: int, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleViolation(f"{label} must be a whole number", code="rehabilitation.invalid_number", field=field)
    if not 0 <= value <= maximum:
        raise RuleViolation(f"{label} must be between 0 and {maximum}", code="rehabilitation.out_of_range", field=field)
    return value


def _privileges(values) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = values.splitlines()
    cleaned = [str(v).strip() for v in values if str(v).strip()]
    if len(cleaned) > MAX_PRIVILEGES or any(len(v) > 200 for v in cleaned):
        raise RuleViolation(
            f"List at most {MAX_PRIVILEGES} other privileges, each 200 characters or fewer",
            code="rehabilitation.too_long",
            field="privileges",
        )
    return cleaned


def facility_for_levels(actor: Actor, site_id, *, permission: str = MANAGE) -> Site:
    """The facility with public id ``site_id`` if the actor holds ``permission`` and reaches it (else 404)."""
    return site_in_reach(actor, site_id, permission=permission)


@dataclass(frozen=True)
class LevelChange:
    level: IncentiveLevel
    created: bool


def save_level(
    actor: Actor,
    *,
    site_id,
    code: str,
    name: str,
    rank: int,
    spending_limit_pence: int,
    visits_per_month: int,
    privileges=(),
    is_basic: bool = False,
    is_default: bool = False,
    active: bool = True,
) -> LevelChange:
    """Add a level to a facility or change the level with this code (rehabilitation.manage_incentive_levels).

    Making a level the basic or the default one moves that flag from the level that had it: among active
    levels there is exactly one of each once the scheme is set up. Taking the flag off the level that holds
    it, or retiring that level, is refused (choose another level first). Basic is the lowest rank.
    Audited ``rehabilitation.incentive_level_saved`` with the changed fields."""
    actor.require(MANAGE)
    site = facility_for_levels(actor, site_id)
    code = _text(code, "code", max_length=20, label="a code").lower()
    if not set(code) <= LEVEL_CODE_CHARS:
        raise RuleViolation(
            "Code must use lower-case letters, digits and underscores only",
            code="rehabilitation.invalid_code",
            field="code",
        )
    values = {
        "name": _text(name, "name", max_length=100, label="a name"),
        "rank": _whole_number(rank, "rank", maximum=100, label="Rank"),
        "spending_limit_pence": _whole_number(
            spending_limit_pence, "spending_limit_pence", maximum=MAX_SPENDING_LIMIT_PENCE, label="Spending limit"
        ),
        "visits_per_month": _whole_number(
            visits_per_month, "visits_per_month", maximum=MAX_VISITS_PER_MONTH, label="Visits per month"
        ),
        "privileges": _privileges(privileges),
        "is_basic": bool(is_basic),
        "is_default": bool(is_default),
        "active": bool(active),
    }
    if values["rank"] < 1:
        raise RuleViolation("Rank must be 1 or more", code="rehabilitation.out_of_range", field="rank")
    if not values["active"] and (values["is_basic"] or values["is_default"]):
        raise RuleViolation(
            "A retired level cannot be the basic or default level",
            code="rehabilitation.retired_level_flagged",
            field="active",
        )
    levels = {level.code: level for level in IncentiveLevel.objects.select_for_update().filter(facility=site)}
    level = levels.get(code)
    for flag, label in (("is_basic", "basic"), ("is_default", "default")):
        held = level is not None and level.active and getattr(level, flag)
        if held and not values[flag]:
            raise RuleViolation(
                f"Make another level the {label} level first",
                code=f"rehabilitation.{label}_level_required",
                field=flag,
            )
    clash = next((other for other in levels.values() if other.code != code and other.rank == values["rank"]), None)
    if clash is not None:
        raise RuleViolation(
            f"Another level ({clash.name}) already has rank {values['rank']}",
            code="rehabilitation.rank_in_use",
            field="rank",
        )
    # The set as it will be: this level's new values, the flags it takes moved off the others.
    facts = [
        rules.LevelFacts(
            code=other.code,
            rank=other.rank,
            is_basic=other.is_basic and not values["is_basic"],
            is_default=other.is_default and not values["is_default"],
            active=other.active,
        )
        for other in levels.values()
        if other.code != code
    ]
    facts.append(rules.LevelFacts(code, values["rank"], values["is_basic"], values["is_default"], values["active"]))
    if any(problem[0] == "levels.basic_not_lowest" for problem in rules.level_set_problems(facts)):
        raise RuleViolation(
            "The basic level must have the lowest rank", code="rehabilitation.basic_not_lowest", field="rank"
        )
    for flag in ("is_basic", "is_default"):
        if values[flag]:
            IncentiveLevel.objects.filter(facility=site, **{flag: True}).exclude(code=code).update(**{flag: False})
    created = level is None
    if level is None:
        level = IncentiveLevel.objects.create(facility=site, code=code, **values)
        changed = ["code", *values]
    else:
        changed = [field for field, value in values.items() if getattr(level, field) != value]
        for field, value in values.items():
            setattr(level, field, value)
        level.save()
    record_event(
        actor,
        "rehabilitation.incentive_level_saved",
        object_type="incentive_level",
        object_id=level.pk,
        site_id=site.pk,
        changed_fields=changed,
        details={"code": code, "created": created},
    )
    return LevelChange(level, created=created)


def install_default_levels(actor: Actor, *, site_id) -> list[IncentiveLevel]:
    """Install OMS's example basic, standard (default) and enhanced levels at a facility with no levels
    (rehabilitation.manage_incentive_levels). A facility that already has levels is left alone and
    nothing is returned. Audited ``rehabilitation.incentive_levels_installed``."""
    actor.require(MANAGE)
    site = facility_for_levels(actor, site_id)
    if IncentiveLevel.objects.select_for_update().filter(facility=site).exists():
        return []
    made = [
        IncentiveLevel.objects.create(
            facility=site,
            code=code,
            name=name,
            rank=rank,
            is_basic=basic,
            is_default=default,
            spending_limit_pence=limit,
            visits_per_month=visits,
            privileges=list(privileges),
        )
        for code, name, rank, basic, default, limit, visits, privileges in DEFAULT_LEVELS
    ]
    record_event(
        actor,
        "rehabilitation.incentive_levels_installed",
        object_type="site",
        object_id=site.public_id,
        site_id=site.pk,
        changed_fields=["incentive_levels"],
        details={"codes": [level.code for level in made]},
    )
    return made


def active_levels(site: Site) -> list[IncentiveLevel]:
    return list(IncentiveLevel.objects.filter(facility=site, active=True).order_by("rank"))


def scheme_is_ready(levels: list[IncentiveLevel]) -> bool:
    """A facility's levels can be used once there is exactly one active basic and one active default."""
    facts = [rules.LevelFacts(lv.code, lv.rank, lv.is_basic, lv.is_default, lv.active) for lv in levels]
    return bool(levels) and not rules.level_set_problems(facts)


def custody_site_of(actor: Actor, person: Person) -> Site:
    """The facility where the person is in custody now, if the actor reaches it; else NotFound."""
    episode = (
        CustodyEpisode.objects.select_related("site").filter(person=person, status=CustodyEpisode.Status.ACTIVE).first()
    )
    if episode is None or not actor.can_reach_site(episode.site_id, episode.site.organisation_id):
        raise NotFound(
            "This person is not in custody at a facility you work at.",
            code="rehabilitation.not_in_custody",
            field="person",
        )
    return episode.site


def current_review(person: Person, *, for_update: bool = False) -> IncentiveReview | None:
    reviews = IncentiveReview.objects.select_related("level", "facility").filter(person=person, is_current=True)
    if for_update:
        reviews = reviews.select_for_update(of=("self",))
    return reviews.first()


def _replace_current(previous: IncentiveReview | None, review: IncentiveReview) -> IncentiveReview:
    """Make ``review`` the person's current review. The partial unique index keeps one current review
    per person, so two writers racing past the person lock answer Conflict, not a second current row."""
    try:
        with transaction.atomic():
            if previous is not None:
                previous.is_current = False
                previous.save(update_fields=["is_current"])
            review.save()
    except IntegrityError as error:
        raise Conflict(
            "Someone else reviewed this person at the same time. Reload and try again.",
            code="rehabilitation.review_conflict",
        ) from error
    return review


def record_review(
    actor: Actor, *, person_id, level: str, reasons: str, reviewed_on: dt.date | None = None
) -> IncentiveReview:
    """Review a person's incentive level (rehabilitation.review_incentives; person in scope, in custody at
    a facility the actor reaches whose levels are set up).

    ``level`` is the code of an active level of that facility; reasons are required; ``reviewed_on``
    defaults to today and may be neither in the future nor before the current review. The outcome
    (placed, maintained, raised, lowered) and the next review date follow from rules.incentives; the
    previous review stops being current. Audited ``rehabilitation.incentive_reviewed``."""
    actor.require(REVIEW)
    person = find_person(actor, person_id, for_update=True)
    site = custody_site_of(actor, person)
    levels = active_levels(site)
    if not scheme_is_ready(levels):
        raise RuleViolation(
            f"{site.name} has no incentive levels set up yet",
            code="rehabilitation.no_incentive_levels",
            field="level",
        )
    chosen = next((lv for lv in levels if lv.code == (level or "").strip().lower()), None)
    if chosen is None:
        raise RuleViolation("Select a level", code="rehabilitation.unknown_level", field="level")
    reasons = _text(reasons, "reasons", max_length=MAX_REASONS, label="the reasons for the review")
    today = clock.today()
    reviewed_on = reviewed_on or today
    if not isinstance(reviewed_on, dt.date) or isinstance(reviewed_on, dt.datetime):
        raise RuleViolation("Review date must be a date", code="rehabilitation.invalid_date", field="reviewed_on")
    if reviewed_on > today:
        raise RuleViolation(
            "Review date must be today or in the past", code="rehabilitation.date_in_future", field="reviewed_on"
        )
    previous = current_review(person, for_update=True)
    if previous is not None and reviewed_on < previous.reviewed_on:
        raise RuleViolation(
            f"Review date must be on or after the last review ({previous.reviewed_on:%-d %B %Y})",
            code="rehabilitation.before_last_review",
            field="reviewed_on",
        )
    here = previous if previous is not None and previous.facility_id == site.pk else None
    nxt = rules.next_review(
        new_is_basic=chosen.is_basic,
        previous_is_basic=bool(here and here.level.is_basic),
        on_basic_since=here.on_basic_since if here else None,
        reviewed_on=reviewed_on,
    )
    review = _replace_current(
        previous,
        IncentiveReview(
            person=person,
            facility=site,
            level=chosen,
            previous_level=previous.level if previous else None,
            outcome=rules.review_outcome(previous_rank=here.level.rank if here else None, new_rank=chosen.rank),
            reviewed_on=reviewed_on,
            reasons=reasons,
            on_basic_since=nxt.on_basic_since,
            next_review_on=nxt.due_on,
            is_current=True,
            reviewed_by_id=actor.user_id,
            recorded_at=clock.now(),
        ),
    )
    record_event(
        actor,
        "rehabilitation.incentive_reviewed",
        object_type="incentive_review",
        object_id=review.public_id,
        subject_person_id=person.pk,
        site_id=site.pk,
        changed_fields=["level", "next_review_on"],
        details={
            "level": chosen.code,
            "previous_level": previous.level.code if previous else None,
            "outcome": review.outcome,
            "next_review_on": review.next_review_on.isoformat(),
        },
    )
    return review


# --- custody's events ----------------------------------------------------------------------------------


def _place(
    actor: Actor,
    person: Person,
    site: Site,
    level: IncentiveLevel,
    *,
    previous: IncentiveReview | None,
    arrived_on: dt.date,
    reasons: str,
    carried: IncentiveReview | None = None,
) -> IncentiveReview:
    if carried is not None:
        # The schedule carries with the level: a person on basic keeps their run of 28-day reviews.
        due_on, on_basic_since = carried.next_review_on, carried.on_basic_since if level.is_basic else None
    else:
        first = rules.first_review_after_arrival(is_basic=level.is_basic, arrived_on=arrived_on)
        due_on, on_basic_since = first.due_on, first.on_basic_since
    review = _replace_current(
        previous,
        IncentiveReview(
            person=person,
            facility=site,
            level=level,
            previous_level=previous.level if previous else None,
            outcome=IncentiveReview.Outcome.PLACED,
            reviewed_on=arrived_on,
            reasons=reasons,
            on_basic_since=on_basic_since,
            next_review_on=due_on,
            is_current=True,
            reviewed_by_id=actor.user_id,
            recorded_at=clock.now(),
        ),
    )
    record_event(
        actor,
        "rehabilitation.incentive_level_placed",
        object_type="incentive_review",
        object_id=review.public_id,
        subject_person_id=person.pk,
        site_id=site.pk,
        changed_fields=["level", "next_review_on"],
        details={"level": level.code, "carried": carried is not None, "next_review_on": due_on.isoformat()},
    )
    return review


def _episode_of(event: Event) -> CustodyEpisode | None:
    return (
        CustodyEpisode.objects.select_related("person", "site")
        .filter(public_id=event.payload.get("episode_id"))
        .first()
    )


def place_on_reception(actor: Actor, event: Event) -> None:
    """Subscriber of ``custody.person_received``: a person received at a facility with levels is placed on
    its default level, first review within 3 months (7 days if the default is basic). A current review
    recorded at this facility since the reception (a level carried by an unrecorded transfer, just before)
    is kept. A facility without levels places no one."""
    episode = _episode_of(event)
    if episode is None:
        return
    levels = active_levels(episode.site)
    if not scheme_is_ready(levels):
        return
    person = Person.objects.select_for_update().get(pk=episode.person_id)
    previous = current_review(person, for_update=True)
    if previous is not None and previous.facility_id == episode.site_id and previous.recorded_at >= episode.received_at:
        return
    default = next(lv for lv in levels if lv.is_default)
    _place(
        actor,
        person,
        episode.site,
        default,
        previous=previous,
        arrived_on=clock.today(),
        reasons=f"Placed on {episode.site.name}'s default level at reception",
    )


def carry_level_on_transfer(actor: Actor, event: Event) -> None:
    """Subscriber of ``custody.person_transferred``: the person keeps their level at the new facility when
    it has an active level with the same code, with the same next review date; otherwise they are placed
    on its default level as on reception. Nothing happens without a current level or when the new facility
    has no levels."""
    person = Person.objects.filter(public_id=event.payload.get("person_id")).first()
    to_code = event.payload.get("to_site")
    site = Site.objects.filter(code=to_code).first() if to_code else None
    if person is None or site is None:
        return
    levels = active_levels(site)
    if not scheme_is_ready(levels):
        return
    person = Person.objects.select_for_update().get(pk=person.pk)
    previous = current_review(person, for_update=True)
    if previous is None or previous.facility_id == site.pk:
        return
    same = next((lv for lv in levels if lv.code == previous.level.code), None)
    if same is not None:
        _place(
            actor,
            person,
            site,
            same,
            previous=previous,
            arrived_on=clock.today(),
            reasons=f"Level carried over on transfer from {previous.facility.name}",
            carried=previous,
        )
        return
    default = next(lv for lv in levels if lv.is_default)
    _place(
        actor,
        person,
        site,
        default,
        previous=previous,
        arrived_on=clock.today(),
        reasons=f"{site.name} has no {previous.level.name} level: placed on its default level on transfer",
    )


def move_reviews_on_merge(actor: Actor, event: Event) -> None:
    """Subscriber of ``people.person_merged`` (the generic merge skips IncentiveReview): the duplicate's
    reviews move to the survivor in the merge's transaction. When both records had a current review, the
    more recent one (review date, then when recorded) stays current and the other joins the history.
    Audited ``rehabilitation.incentive_reviews_moved`` when anything moved."""
    survivor_id, duplicate_id = event.payload["survivor_id"], event.payload["duplicate_id"]
    currents = list(
        IncentiveReview.objects.select_for_update()
        .filter(person_id__in=(survivor_id, duplicate_id), is_current=True)
        .order_by("-reviewed_on", "-recorded_at", "-id")
    )
    for stale in currents[1:]:
        stale.is_current = False
        stale.save(update_fields=["is_current"])
    moved = IncentiveReview.objects.filter(person_id=duplicate_id).update(person_id=survivor_id)
    if moved:
        record_event(
            actor,
            "rehabilitation.incentive_reviews_moved",
            object_type="person",
            object_id=survivor_id,
            subject_person_id=survivor_id,
            changed_fields=["incentive_reviews"],
            details={"moved": moved, "duplicate_id": duplicate_id},
        )
