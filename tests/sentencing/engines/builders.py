"""Plain builders for release-date requests: the engine tests arrange facts, never database rows."""

from datetime import date

from oms.sentencing.rules import configurable, us_federal, working_days
from oms.sentencing.rules.profiles import BUILT_IN, Profile
from oms.sentencing.rules.types import (
    AdjustmentInput,
    AdjustmentKind,
    CalculationRequest,
    CalculationResult,
    Duration,
    SentenceInput,
    SentenceKind,
)

US_FEDERAL = next(p for p in BUILT_IN if p.code == "us-federal")
START = date(2020, 1, 1)


def sentence(
    ref: str = "A",
    *,
    years: int = 0,
    months: int = 0,
    days: int = 0,
    on: date = START,
    after: str | None = None,
    kind: SentenceKind = SentenceKind.DETERMINATE,
) -> SentenceInput:
    return SentenceInput(
        ref=ref,
        kind=kind,
        sentenced_on=on,
        offence_committed_on=date(2019, 6, 1),
        duration=Duration(years=years, months=months, days=days),
        consecutive_to=after,
    )


def remand(days: int, **fields) -> AdjustmentInput:
    return AdjustmentInput(AdjustmentKind.REMAND, days, **fields)


def adjustment(kind: AdjustmentKind, days: int) -> AdjustmentInput:
    return AdjustmentInput(kind, days)


def request(*sentences: SentenceInput, adjustments=(), **facts) -> CalculationRequest:
    return CalculationRequest(sentences=tuple(sentences), adjustments=tuple(adjustments), facts=facts)


def run(req: CalculationRequest, profile: Profile = US_FEDERAL) -> CalculationResult:
    """The engine then the working-day rule: what ``profiles.calculate`` does for these engines."""
    engine = us_federal if profile.engine == "us_federal" else configurable
    return working_days.apply(engine.calculate(req, profile), profile)


def percentage_profile(**parameters) -> Profile:
    """A data-defined profile with the given parameters (release at 100% unless told), no date moves."""
    data = {
        "code": "test-percentage",
        "version": "1",
        "title": "Test profile",
        "effective_from": "2000-01-01",
        "source": "tests",
        "parameters": {"release_percent": 100, **parameters},
    }
    return configurable.parse_profile(data, "test.yaml")
