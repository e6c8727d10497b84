"""Request and result shapes shared by every jurisdiction profile.

A request carries only facts (sentences, adjustments, date of birth, profile-specific facts); a
result carries dates, each with the steps that produced it, so every date can be explained.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class CalculationError(ValueError):
    """The request cannot be calculated (bad length, a consecutive link to a missing or later sentence,
    a cycle, ...). ``field`` names the offending part of the request, as a dotted path."""

    def __init__(self, detail: str, field: str = "", code: str = "invalid_request") -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.code = code


class SentenceKind(StrEnum):
    DETERMINATE = "determinate"  # custodial, fixed length
    INDETERMINATE = "indeterminate"  # life or imprisonment for public protection: no release date
    SUSPENDED = "suspended"  # custodial term suspended: no release date unless activated
    COMMUNITY_ORDER = "community_order"
    PROBATION = "probation"
    FINE = "fine"

    @property
    def is_custodial(self) -> bool:
        return self is SentenceKind.DETERMINATE


class AdjustmentKind(StrEnum):
    REMAND = "remand"  # jail credit: days held on remand before sentence
    TAGGED_BAIL = "tagged_bail"  # days on bail with an electronically monitored curfew (credited)
    UNLAWFULLY_AT_LARGE = "unlawfully_at_large"  # adds days
    ADDITIONAL_DAYS = "additional_days"  # additional days awarded for misconduct: add
    RESTORED_DAYS = "restored_days"  # restoration of additional days: subtract
    GOOD_CONDUCT_CREDIT = "good_conduct_credit"  # US: good-time already vested (informational)
    GOOD_CONDUCT_FORFEITED = "good_conduct_forfeited"  # US: good conduct time disallowed by discipline
    EARNED_TIME_CREDIT = "earned_time_credit"  # US First Step Act / earned-time credits awarded


class DateType(StrEnum):
    CRD = "CRD"  # conditional release date
    ARD = "ARD"  # automatic release date
    SED = "SED"  # sentence expiry date
    SLED = "SLED"  # sentence and licence expiry date
    LED = "LED"  # licence expiry date
    PED = "PED"  # parole eligibility date
    HDCED = "HDCED"  # home detention curfew eligibility date
    TUSED = "TUSED"  # top-up supervision expiry date
    ESED = "ESED"  # effective sentence end date
    ERSED = "ERSED"  # early removal scheme eligibility date
    # US federal
    PRD = "PRD"  # projected release date (after good conduct time and credits)
    FTD = "FTD"  # full-term date
    HCED = "HCED"  # home confinement eligibility date
    # Data-defined profiles
    RD = "RD"  # release date


@dataclass(frozen=True)
class Duration:
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    def describe(self) -> str:
        parts = [(self.years, "year"), (self.months, "month"), (self.weeks, "week"), (self.days, "day")]
        text = ", ".join(f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n)
        return text or "0 days"


@dataclass(frozen=True)
class SentenceInput:
    ref: str  # the caller's identifier for this sentence; consecutive links name it
    kind: SentenceKind
    sentenced_on: date
    offence_committed_on: date
    duration: Duration
    consecutive_to: str | None = None  # ref of the sentence this one follows; None = concurrent
    # What a records clerk calls the sentence in explanations ("T20260001 line 2"); the ref if empty.
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.ref


@dataclass(frozen=True)
class AdjustmentInput:
    kind: AdjustmentKind
    days: int
    from_date: date | None = None
    to_date: date | None = None
    # Sentences imposed on or after this date receive the adjustment (remand and tagged bail count
    # towards the sentences of the case they were served for); None = all.
    applies_to_sentences_from: date | None = None
    source: str = ""


@dataclass(frozen=True)
class CalculationRequest:
    sentences: tuple[SentenceInput, ...]
    adjustments: tuple[AdjustmentInput, ...] = ()
    date_of_birth: date | None = None
    # Profile-specific facts, documented by each profile (e.g. US federal: programming days and the
    # risk levels of the last two assessments).
    facts: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    rule: str  # a stable rule name, e.g. "sds.custodial_period"
    text: str  # what a records clerk reads: "custodial period = half of 1,096 days = 548 days"


@dataclass(frozen=True)
class CalculatedDate:
    type: DateType
    date: date
    steps: tuple[Step, ...]
    # Set when the working-day rule moved the date: the date the sentence arithmetic produced.
    # Conformance with published cases compares this (they are calculated before the move).
    before_working_day_rule: date | None = None

    @property
    def arithmetic_date(self) -> date:
        return self.before_working_day_rule or self.date


@dataclass(frozen=True)
class CalculationResult:
    profile: str
    profile_version: str
    dates: Mapping[DateType, CalculatedDate]
    # The date the person is due to leave custody under this result (e.g. CRD or ARD), or None when
    # there is none (indeterminate sentence, no custodial sentence).
    release_date_type: DateType | None
    effective_sentence_length: str = ""  # ISO-8601 period, e.g. "P5Y"
    steps: tuple[Step, ...] = ()  # steps that apply to the whole calculation (aggregation, ...)
    warnings: tuple[str, ...] = ()

    @property
    def release_date(self) -> date | None:
        if self.release_date_type is None or self.release_date_type not in self.dates:
            return None
        return self.dates[self.release_date_type].date

    def as_dict(self) -> dict:
        """JSON-ready form, used by storage, the API and the CLI."""
        return {
            "profile": self.profile,
            "profile_version": self.profile_version,
            "release_date_type": self.release_date_type.value if self.release_date_type else None,
            "release_date": self.release_date.isoformat() if self.release_date else None,
            "effective_sentence_length": self.effective_sentence_length,
            "dates": {
                t.value: {
                    "date": d.date.isoformat(),
                    "before_working_day_rule": (
                        d.before_working_day_rule.isoformat() if d.before_working_day_rule else None
                    ),
                    "steps": [{"rule": s.rule, "text": s.text} for s in d.steps],
                }
                for t, d in self.dates.items()
            },
            "steps": [{"rule": s.rule, "text": s.text} for s in self.steps],
            "warnings": list(self.warnings),
        }
