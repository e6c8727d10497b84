"""The ``moj-crd`` conformance suite: England and Wales release dates checked against the national
calculation service's published cases (one JSON file per case: ``{"name", "input", "expected"}``;
format described in the oracle folder's README).

No django needed: ``run(path)`` reads the cases, calculates each with the built-in england-wales
profile, and compares every date type in ``expected.dates`` plus ``effectiveSentenceLength``. The
published dates are computed before any working-day move, so the arithmetic date is compared.
"""

import json
from datetime import date
from pathlib import Path

from oms.core.conformance import Mismatch, SuiteReport, register
from oms.sentencing.rules import england_wales
from oms.sentencing.rules.profiles import BUILT_IN, Profile
from oms.sentencing.rules.types import (
    AdjustmentInput,
    AdjustmentKind,
    CalculationError,
    CalculationRequest,
    Duration,
    SentenceInput,
    SentenceKind,
)

SUITE_NAME = "moj-crd"

_ADJUSTMENT_KINDS = {
    "REMAND": AdjustmentKind.REMAND,
    "TAGGED_BAIL": AdjustmentKind.TAGGED_BAIL,
    "UNLAWFULLY_AT_LARGE": AdjustmentKind.UNLAWFULLY_AT_LARGE,
    "ADDITIONAL_DAYS_AWARDED": AdjustmentKind.ADDITIONAL_DAYS,
    "RESTORATION_OF_ADDITIONAL_DAYS_AWARDED": AdjustmentKind.RESTORED_DAYS,
}


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def request_from_case(case_input: dict) -> CalculationRequest:
    """The published booking as a CalculationRequest (sentence refs: identifier, else position)."""
    booking = case_input["booking"]
    sentences = []
    for index, raw in enumerate(booking["sentences"]):
        elements = raw.get("duration", {}).get("durationElements", {})
        links = raw.get("consecutiveSentenceUUIDs") or []
        sentences.append(
            SentenceInput(
                ref=raw.get("identifier") or f"#{index + 1}",
                kind=SentenceKind.DETERMINATE,
                sentenced_on=date.fromisoformat(raw["sentencedAt"]),
                # A missing offence date is taken as the sentence date (the later regime applies).
                offence_committed_on=date.fromisoformat(
                    (raw.get("offence") or {}).get("committedAt") or raw["sentencedAt"]
                ),
                duration=Duration(
                    years=elements.get("YEARS", 0),
                    months=elements.get("MONTHS", 0),
                    weeks=elements.get("WEEKS", 0),
                    days=elements.get("DAYS", 0),
                ),
                consecutive_to=links[0] if links else None,
            )
        )
    adjustments = []
    for kind_name, entries in (booking.get("adjustments") or {}).items():
        kind = _ADJUSTMENT_KINDS.get(kind_name)
        if kind is None:
            continue
        for entry in entries:
            adjustments.append(
                AdjustmentInput(
                    kind=kind,
                    days=entry.get("numberOfDays") or 0,
                    from_date=_day(entry.get("fromDate")),
                    to_date=_day(entry.get("toDate")),
                    applies_to_sentences_from=_day(entry.get("appliesToSentencesFrom")),
                    source=kind_name,
                )
            )
    user_inputs = case_input.get("userInputs") or {}
    return CalculationRequest(
        sentences=tuple(sentences),
        adjustments=tuple(adjustments),
        date_of_birth=_day(booking.get("offender", {}).get("dateOfBirth")),
        facts={"calculate_ersed": bool(user_inputs.get("calculateErsed", False))},
    )


def _profile() -> Profile:
    return next(p for p in BUILT_IN if p.code == "england-wales")


def compare_case(case: dict, profile: Profile | None = None) -> list[Mismatch]:
    """Every difference between the engine and one published case (empty = the case matches)."""
    name = case.get("name", "?")
    expected = case["expected"]
    try:
        result = england_wales.calculate(request_from_case(case["input"]), profile or _profile())
    except CalculationError as exc:
        return [Mismatch(name, "error", "dates", f"{exc.field}: {exc.detail}")]
    mismatches = []
    got_dates = {t.value: c.arithmetic_date.isoformat() for t, c in result.dates.items()}
    for date_type, want in sorted(expected.get("dates", {}).items()):
        got = got_dates.get(date_type, "-")
        if got != want:
            mismatches.append(Mismatch(name, date_type, want, got))
    for date_type in sorted(set(got_dates) - set(expected.get("dates", {}))):
        mismatches.append(Mismatch(name, date_type, "-", got_dates[date_type]))
    want_length = expected.get("effectiveSentenceLength")
    if want_length is not None and want_length != result.effective_sentence_length:
        mismatches.append(Mismatch(name, "effectiveSentenceLength", want_length, result.effective_sentence_length))
    return mismatches


def run(path: Path) -> SuiteReport:
    """Check every ``*.json`` case under ``path`` (a folder, or a folder holding ``cases/``)."""
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(f"{path} is not a folder of cases")
    if (path / "cases").is_dir():
        path = path / "cases"
    files = sorted(path.glob("*.json"))
    profile = _profile()
    matched = 0
    mismatches: list[Mismatch] = []
    for file in files:
        case = json.loads(file.read_text())
        case.setdefault("name", file.stem)
        found = compare_case(case, profile)
        if found:
            mismatches.extend(found)
        else:
            matched += 1
    return SuiteReport(matched, len(files), tuple(mismatches))


def register_suites() -> None:
    """Register this app's suites; call from SentencingConfig.ready()."""
    register(SUITE_NAME, run)
