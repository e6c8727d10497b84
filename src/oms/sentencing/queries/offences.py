"""Reading the offence catalogue: search, one entry, and the catalogue as CSV in the import format.

The catalogue is reference data with no personal content: readable with sentencing.view (those who
record charges) or sentencing.manage_offences (those who maintain it), and not audited as a read.
"""

from __future__ import annotations

import csv
import io

from django.db.models import Q, QuerySet

from oms.core.actor import Actor
from oms.core.errors import NotFound, PermissionDenied
from oms.sentencing.models import Offence
from oms.sentencing.rules import records as rules

SEARCH_LIMIT = 200


def require_catalogue_reader(actor: Actor) -> None:
    if not (actor.has("sentencing.view") or actor.has("sentencing.manage_offences")):
        raise PermissionDenied("You need the 'sentencing.view' permission.", code="auth.permission_denied")


def search_offences(
    actor: Actor, *, text: str = "", include_inactive: bool = False, flag: str = "", limit: int = 50, offset: int = 0
) -> tuple[list[Offence], int]:
    """Entries whose code starts with, or whose title or category contains, ``text``; ordered by code.
    Returns one page and the total count."""
    require_catalogue_reader(actor)
    found: QuerySet[Offence] = Offence.objects.all()
    text = text.strip()
    if text:
        found = found.filter(Q(code__istartswith=text) | Q(title__icontains=text) | Q(category__icontains=text))
    if not include_inactive:
        found = found.filter(active=True)
    limit = max(1, min(limit, SEARCH_LIMIT))
    offset = max(0, offset)
    if flag:
        # JSON containment is not portable to SQLite, so the flag filter runs over the text matches.
        matches = [o for o in found.order_by("code") if flag in (o.flags or [])]
        return matches[offset : offset + limit], len(matches)
    return list(found.order_by("code")[offset : offset + limit]), found.count()


def get_offence(actor: Actor, code: str) -> Offence:
    require_catalogue_reader(actor)
    offence = Offence.objects.filter(code=rules.normalise_offence_code(code)).first()
    if offence is None:
        raise NotFound("There is no such offence code", code="sentencing.offence_not_found")
    return offence


def active_offence_choices() -> list[tuple[str, str]]:
    """(code, "code title") of every active entry, for the charge form's list."""
    return [
        (code, f"{code} {title}")
        for code, title in Offence.objects.filter(active=True).order_by("code").values_list("code", "title")
    ]


def offences_csv(actor: Actor) -> str:
    """The whole catalogue (inactive entries too) in the import format, so exporting and importing
    again changes nothing."""
    require_catalogue_reader(actor)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rules.OFFENCE_COLUMNS)
    for offence in Offence.objects.order_by("code").iterator(chunk_size=2000):
        writer.writerow(
            [
                offence.code,
                offence.title,
                offence.category,
                offence.severity,
                ";".join(sorted(offence.flags or [])),
                "yes" if offence.active else "no",
            ]
        )
    return out.getvalue()
