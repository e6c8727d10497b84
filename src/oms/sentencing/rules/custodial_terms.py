"""Calendar arithmetic shared by the term-based engines (US federal and data-defined profiles).

A term of N years/months/weeks/days that begins on day S ends the day before the same point N later
("begins on the first day, runs through the last"). When the corresponding day does not exist (a
one-month term from 31 January), the next term would begin on the first day of the following month,
so this term ends on the last day of the short month.

Several sentences are treated as one aggregate term from the earliest start to the latest end: a
consecutive sentence begins the day after the one it follows ends (or on its own sentencing date if
that is later); concurrent sentences run side by side. This is the rule of 18 U.S.C. 3584(c) for
federal sentences and the usual administrative practice elsewhere.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from oms.sentencing.rules.calendar import ONE_DAY, days_in_month, fmt
from oms.sentencing.rules.types import (
    AdjustmentInput,
    AdjustmentKind,
    CalculationError,
    CalculationRequest,
    Duration,
    SentenceInput,
    SentenceKind,
    Step,
)
from oms.sentencing.rules.validation import validate


def add_calendar(start: date, years: int = 0, months: int = 0) -> date:
    """The day ``years`` and ``months`` after ``start``; a missing day rolls to the next month's 1st."""
    month_index = start.month - 1 + months
    year = start.year + years + month_index // 12
    month = month_index % 12 + 1
    last = days_in_month(year, month)
    if start.day <= last:
        return date(year, month, start.day)
    return date(year, month, last) + ONE_DAY


def term_end(start: date, duration: Duration) -> date:
    """The last day of a term of ``duration`` beginning on ``start``."""
    after = add_calendar(start, duration.years, duration.months)
    return after + timedelta(days=duration.weeks * 7 + duration.days) - ONE_DAY


def split_term(start: date, end: date) -> tuple[int, int, int]:
    """Whole years, then whole months, then days of the term running from ``start`` through ``end``."""
    after_end = end + ONE_DAY
    years = after_end.year - start.year
    if add_calendar(start, years) > after_end:
        years -= 1
    anniversary = add_calendar(start, years)
    months = (after_end.year - anniversary.year) * 12 + after_end.month - anniversary.month
    if add_calendar(anniversary, 0, months) > after_end:
        months -= 1
    days = (after_end - add_calendar(anniversary, 0, months)).days
    return years, months, days


def iso_period(years: int, months: int, days: int) -> str:
    text = "".join(f"{n}{unit}" for n, unit in ((years, "Y"), (months, "M"), (days, "D")) if n)
    return f"P{text or '0D'}"


def describe_parts(years: int, months: int, days: int) -> str:
    return Duration(years=years, months=months, days=days).describe()


@dataclass(frozen=True)
class PlacedSentence:
    sentence: SentenceInput
    start: date
    end: date


@dataclass(frozen=True)
class AggregateTerm:
    start: date
    end: date
    placed: tuple[PlacedSentence, ...]
    steps: tuple[Step, ...]
    warnings: tuple[str, ...]
    parts: tuple[int, int, int]  # whole years, months and days of the term (split_term)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _place_all(custodial: list[tuple[int, SentenceInput]]) -> dict[str, PlacedSentence]:
    by_ref = {s.ref: (i, s) for i, s in custodial}
    placed: dict[str, PlacedSentence] = {}
    visiting: set[str] = set()

    def place(ref: str) -> PlacedSentence:
        if ref in placed:
            return placed[ref]
        _, sentence = by_ref[ref]
        visiting.add(ref)
        start = sentence.sentenced_on
        if sentence.consecutive_to is not None:
            # validate() has checked the link exists, is earlier, custodial and not circular.
            before = place(sentence.consecutive_to)
            start = max(start, before.end + ONE_DAY)
        visiting.discard(ref)
        placed[ref] = PlacedSentence(sentence, start, term_end(start, sentence.duration))
        return placed[ref]

    for _, sentence in custodial:
        place(sentence.ref)
    return placed


def aggregate(request: CalculationRequest, rule: str, authority: str) -> AggregateTerm | None:
    """Place every custodial sentence and join them into one term; None when there is none.

    Raises CalculationError for an indeterminate sentence (no release date can be calculated here),
    duplicate references, bad lengths, and consecutive links that are missing, later or circular.
    """
    validate(request)
    custodial: list[tuple[int, SentenceInput]] = []
    warnings: list[str] = []
    for index, sentence in enumerate(request.sentences):
        if sentence.kind is SentenceKind.INDETERMINATE:
            raise CalculationError(
                "An indeterminate (life) sentence has no release date under this profile.",
                f"sentences[{index}].kind",
                "indeterminate",
            )
        if not sentence.kind.is_custodial:
            warnings.append(f"Sentence {sentence.name} ({sentence.kind.value}) is not custodial and was left out.")
            continue
        custodial.append((index, sentence))
    if not custodial:
        return None
    placed = _place_all(custodial)
    ordered = sorted(placed.values(), key=lambda p: (p.start, p.sentence.ref))
    steps = []
    for p in ordered:
        follows = p.sentence.consecutive_to
        how = f"consecutive to {placed[follows].sentence.name}" if follows else "from sentence"
        steps.append(
            Step(
                f"{rule}.sentence",
                f"sentence {p.sentence.name}: {p.sentence.duration.describe()} {how}, "
                f"runs {fmt(p.start)} to {fmt(p.end)}",
            )
        )
    latest_end = ordered[0].end
    for p in ordered[1:]:
        if p.start > latest_end + ONE_DAY:
            warnings.append(
                f"Sentence {p.sentence.name} begins after the earlier sentences have ended; the gap is "
                "counted inside the aggregate term: check whether these belong to one calculation."
            )
        latest_end = max(latest_end, p.end)
    start = ordered[0].start
    years, months, days = split_term(start, latest_end)
    steps.append(
        Step(
            f"{rule}.aggregate",
            f"term ({authority}) = {fmt(start)} to {fmt(latest_end)} = "
            f"{describe_parts(years, months, days)} ({(latest_end - start).days + 1:,} days)",
        )
    )
    return AggregateTerm(start, latest_end, tuple(ordered), tuple(steps), tuple(warnings), (years, months, days))


def credited_days(
    adjustments: Iterable[AdjustmentInput], kind: AdjustmentKind, term: AggregateTerm
) -> tuple[int, list[AdjustmentInput]]:
    """Total days of ``kind`` that reach this term (an adjustment limited to sentences imposed from a
    date counts when any sentence in the term was imposed on or after it), and those left out."""
    total = 0
    left_out = []
    latest_sentencing = max(p.sentence.sentenced_on for p in term.placed)
    for adjustment in adjustments:
        if adjustment.kind is not kind:
            continue
        if adjustment.days < 0:
            raise CalculationError("Adjustment days cannot be negative.", "adjustments", "bad_adjustment")
        if adjustment.applies_to_sentences_from and adjustment.applies_to_sentences_from > latest_sentencing:
            left_out.append(adjustment)
            continue
        total += adjustment.days
    return total, left_out
