"""Small builders for England and Wales engine tests."""

from datetime import date

from oms.sentencing.rules import england_wales
from oms.sentencing.rules.profiles import BUILT_IN
from oms.sentencing.rules.types import (
    AdjustmentInput,
    AdjustmentKind,
    CalculationRequest,
    CalculationResult,
    DateType,
    Duration,
    SentenceInput,
    SentenceKind,
)

PROFILE = next(p for p in BUILT_IN if p.code == "england-wales")
ADULT = date(1980, 1, 1)


def sentence(
    ref: str = "s1",
    on: str = "2024-03-05",
    offence: str | None = None,
    years: int = 0,
    months: int = 0,
    weeks: int = 0,
    days: int = 0,
    after: str | None = None,
    kind: SentenceKind = SentenceKind.DETERMINATE,
) -> SentenceInput:
    return SentenceInput(
        ref=ref,
        kind=kind,
        sentenced_on=date.fromisoformat(on),
        offence_committed_on=date.fromisoformat(offence or on),
        duration=Duration(years, months, weeks, days),
        consecutive_to=after,
    )


def adjustment(kind: AdjustmentKind, days: int, applies: str | None = None) -> AdjustmentInput:
    return AdjustmentInput(
        kind=kind, days=days, applies_to_sentences_from=date.fromisoformat(applies) if applies else None
    )


def run(*sentences: SentenceInput, adjustments=(), dob: date | None = ADULT, **facts) -> CalculationResult:
    request = CalculationRequest(
        sentences=tuple(sentences), adjustments=tuple(adjustments), date_of_birth=dob, facts=facts
    )
    return england_wales.calculate(request, PROFILE)


def dates(result: CalculationResult) -> dict[str, str]:
    return {t.value: c.date.isoformat() for t, c in result.dates.items()}


def rules(result: CalculationResult, date_type: DateType) -> list[str]:
    return [s.rule for s in result.dates[date_type].steps]
