"""Who must be kept apart from whom: non-association pairs and keep-apart groups in one shape.

Used by housing (cell, landing, wing), movements (same escort, court holding) and, later, activities
and visits. Only open records count. Not scoped: a keep-apart binds wherever the people are, and the
caller decides what to show (the other person's name is shown only when in the actor's scope).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from oms.custody.models import KeepApartMember, NonAssociation

_LEVEL_ORDER = {"cell": 1, "landing": 2, "wing": 3}


@dataclass(frozen=True)
class KeepApart:
    person_id: int  # the person asked about
    other_person_id: int
    restriction_level: str  # cell / landing / wing
    source: str  # "non_association" or "group"
    source_id: int
    reason: str  # non-association reason or group kind


def _strongest(items: list[KeepApart]) -> list[KeepApart]:
    best: dict[tuple[int, int], KeepApart] = {}
    for item in items:
        key = (item.person_id, item.other_person_id)
        if key not in best or _LEVEL_ORDER[item.restriction_level] > _LEVEL_ORDER[best[key].restriction_level]:
            best[key] = item
    return sorted(best.values(), key=lambda k: (k.person_id, k.other_person_id))


def keep_aparts_for(person_ids: Iterable[int]) -> list[KeepApart]:
    """Everyone each of ``person_ids`` must be kept apart from, one row per (person, other) with the
    strongest level across pairs and groups."""
    ids = sorted(set(person_ids))
    if not ids:
        return []
    found: list[KeepApart] = []
    pairs = NonAssociation.objects.filter(closed_at__isnull=True).filter(
        Q(person_a_id__in=ids) | Q(person_b_id__in=ids)
    )
    for pair in pairs.values("id", "person_a_id", "person_b_id", "restriction_level", "reason"):
        for me, other in ((pair["person_a_id"], pair["person_b_id"]), (pair["person_b_id"], pair["person_a_id"])):
            if me in ids:
                found.append(
                    KeepApart(me, other, pair["restriction_level"], "non_association", pair["id"], pair["reason"])
                )
    memberships = KeepApartMember.objects.filter(
        removed_at__isnull=True, group__closed_at__isnull=True, person_id__in=ids
    ).values("group_id", "person_id", "group__restriction_level", "group__kind")
    group_ids = {m["group_id"] for m in memberships}
    others = KeepApartMember.objects.filter(removed_at__isnull=True, group_id__in=group_ids).values(
        "group_id", "person_id"
    )
    members_by_group: dict[int, list[int]] = {}
    for row in others:
        members_by_group.setdefault(row["group_id"], []).append(row["person_id"])
    for m in memberships:
        for other in members_by_group.get(m["group_id"], []):
            if other != m["person_id"]:
                found.append(
                    KeepApart(
                        m["person_id"], other, m["group__restriction_level"], "group", m["group_id"], m["group__kind"]
                    )
                )
    return _strongest(found)


def keep_aparts_among(person_ids: Iterable[int]) -> list[KeepApart]:
    """Keep-aparts where both people are in ``person_ids`` (one escort, one court holding cell)."""
    ids = set(person_ids)
    return [k for k in keep_aparts_for(ids) if k.other_person_id in ids and k.person_id < k.other_person_id]
