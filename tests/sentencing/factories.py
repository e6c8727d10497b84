"""Arranging legal records for the sentencing tests by writing rows directly (the behaviour under test
is always called through its service)."""

from __future__ import annotations

import datetime as dt
import itertools

from oms.people.models import Person
from oms.sentencing.models import Adjustment, CourtCase, Offence, Sentence

_case_number = itertools.count(1)


def make_offence(code: str = "TH68001", title: str = "Theft from a shop", **fields) -> Offence:
    offence, _ = Offence.objects.get_or_create(
        code=code, defaults={"title": title, "category": fields.pop("category", "Theft"), **fields}
    )
    return offence


def make_court_case(person: Person, *, court: str = "Sheffield Crown Court", **fields) -> CourtCase:
    return CourtCase.objects.create(
        person=person,
        case_number=fields.pop("case_number", f"T2026{next(_case_number):04d}"),
        court_name=court,
        **fields,
    )


def make_sentence(
    person: Person,
    *,
    court_case: CourtCase | None = None,
    sentenced_on: dt.date = dt.date(2026, 1, 12),
    offence_committed_on: dt.date = dt.date(2025, 10, 1),
    years: int = 0,
    months: int = 0,
    weeks: int = 0,
    days: int = 0,
    kind: str = "determinate",
    consecutive_to: Sentence | None = None,
    **fields,
) -> Sentence:
    return Sentence.objects.create(
        person=person,
        court_case=court_case or make_court_case(person),
        kind=kind,
        sentenced_on=sentenced_on,
        offence_committed_on=offence_committed_on,
        years=years,
        months=months,
        weeks=weeks,
        days=days,
        consecutive_to=consecutive_to,
        **fields,
    )


def make_adjustment(person: Person, kind: str, days: int, *, sentence: Sentence | None = None, **fields) -> Adjustment:
    return Adjustment.objects.create(person=person, kind=kind, days=days, sentence=sentence, **fields)
