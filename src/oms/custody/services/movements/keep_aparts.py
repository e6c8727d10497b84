"""Keep-aparts among people who travel together (same escort) or wait together (same court on the same
day): found in one query, refused with the pairs explained unless overridden with a reason by an actor
holding ``custody.override_housing``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from oms.core.actor import Actor
from oms.core.errors import Conflict
from oms.custody import queries
from oms.custody.models import CustodyEpisode, Movement
from oms.custody.queries.movements import site_day_bounds
from oms.custody.rules import movements as rules
from oms.custody.services.movements._common import OVERRIDE_PERMISSION
from oms.facilities.models import Site
from oms.people.models import Person


@dataclass(frozen=True)
class KeepApartPair:
    """Two people who must be kept apart but would travel or wait together."""

    person_id: int
    other_person_id: int
    restriction_level: str
    source: str  # non_association / group
    why_together: str

    def explain(self, numbers: Mapping[int, str]) -> str:
        kind = "non-association" if self.source == "non_association" else "keep-apart group"
        return (
            f"{numbers.get(self.person_id, '?')} and {numbers.get(self.other_person_id, '?')} must be kept apart"
            f" ({kind}, {self.restriction_level} level) but would be together: {self.why_together}"
        )


class KeepApartConflict(Conflict):
    """People who must be kept apart would travel or wait together."""

    code = "custody.keep_apart_conflict"

    def __init__(self, pairs: list[KeepApartPair], numbers: Mapping[int, str]):
        self.pairs = pairs
        self.explanations = [p.explain(numbers) for p in pairs]
        super().__init__(
            "; ".join(self.explanations) + ". A supervisor can record it anyway with a reason.",
            field="override_reason",
        )


def _already_away(site: Site, day: dt.date, exclude_episode_ids: Iterable[int]) -> list[rules.Traveller]:
    """People already out today from the site (escorted or at court): they share vehicles and court
    holding with whoever leaves now."""
    start, end = site_day_bounds(site, day)
    rows = (
        Movement.objects.filter(
            site=site,
            direction=Movement.Direction.OUT,
            kind__in=("court", "hospital", "temporary_release"),
            status=Movement.Status.COMPLETED,
            returns__isnull=True,
            occurred_at__gte=start,
            occurred_at__lt=end,
            episode__in_out=CustodyEpisode.InOut.OUT,
            episode__status=CustodyEpisode.Status.ACTIVE,
        )
        .exclude(episode_id__in=list(exclude_episode_ids))
        .values_list("person_id", "kind", "escort", "destination")
    )
    return [rules.Traveller(p, k, e, d, day, new=False) for p, k, e, d in rows]


def _keep_apart_pairs(travellers: list[rules.Traveller]) -> list[KeepApartPair]:
    """Keep-aparts among the travellers (one query), then which of those pairs would be together."""
    people = {t.person_id for t in travellers if t.kind not in ("escape", "internal", "return")}
    if len(people) < 2:
        return []
    keep_aparts = queries.keep_aparts_among(people)
    together = rules.together(travellers, [(k.person_id, k.other_person_id) for k in keep_aparts])
    return [
        KeepApartPair(
            k.person_id, k.other_person_id, k.restriction_level, k.source, together[(k.person_id, k.other_person_id)]
        )
        for k in keep_aparts
        if (k.person_id, k.other_person_id) in together
    ]


def _numbers(person_ids: Iterable[int]) -> dict[int, str]:
    return dict(Person.objects.filter(pk__in=set(person_ids)).values_list("pk", "system_number"))


def _check_keep_aparts(actor: Actor, pairs: list[KeepApartPair], override_reason: str) -> list[dict]:
    """Refuse conflicts unless overridden by someone allowed to; returns what was overridden (audited)."""
    if not pairs:
        return []
    numbers = _numbers([p.person_id for p in pairs] + [p.other_person_id for p in pairs])
    if not override_reason:
        raise KeepApartConflict(pairs, numbers)
    actor.require(OVERRIDE_PERMISSION)
    return [
        {
            "person": numbers.get(p.person_id),
            "other_person": numbers.get(p.other_person_id),
            "level": p.restriction_level,
            "source": p.source,
            "why": p.why_together,
        }
        for p in pairs
    ]
