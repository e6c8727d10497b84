"""Checks on legal-record input, as pure functions over plain values: sentence lengths and dates,
consecutive links, adjustment periods, hearing and warrant changes, and the offence catalogue's CSV
format. Services call these before anything is written, so a mistake is refused with a sentence that
names the field at fault, before the release-date engine ever sees it.

Every check returns ``Problem`` values (field, message, code) rather than raising: the caller decides
which error to raise, and table-driven tests can read the answers directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from oms.core import csv_upload
from oms.sentencing.rules.types import AdjustmentKind, SentenceKind


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    code: str


# --- sentences -----------------------------------------------------------------------------------

# Kinds whose length is the custodial term the engine counts, so a zero length cannot be right.
# A suspended sentence's length is the custodial term that would be served if it were activated.
KINDS_NEEDING_LENGTH = frozenset({SentenceKind.DETERMINATE, SentenceKind.SUSPENDED})
LENGTH_LIMITS = {"years": 99, "months": 1_200, "weeks": 5_200, "days": 36_500}


def length_problems(kind: str, *, years: int, months: int, weeks: int, days: int) -> list[Problem]:
    """Negative or absurd parts of a length, and a zero length on a custodial sentence."""
    problems: list[Problem] = []
    parts = {"years": years, "months": months, "weeks": weeks, "days": days}
    for name, value in parts.items():
        if value < 0:
            problems.append(Problem(name, f"The sentence length in {name} cannot be negative", "negative_length"))
        elif value > LENGTH_LIMITS[name]:
            problems.append(
                Problem(
                    name, f"The sentence length in {name} must be {LENGTH_LIMITS[name]:,} or fewer", "length_too_long"
                )
            )
    if problems:
        return problems
    try:
        sentence_kind = SentenceKind(kind)
    except ValueError:
        return [Problem("kind", f"{kind!r} is not a kind of sentence", "unknown_kind")]
    if sentence_kind in KINDS_NEEDING_LENGTH and not any(parts.values()):
        label = sentence_kind.value.replace("_", " ")
        problems.append(Problem("years", f"A {label} sentence must have a length", "zero_length"))
    return problems


def sentence_date_problems(*, sentenced_on: dt.date, offence_committed_on: dt.date, today: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    if offence_committed_on > sentenced_on:
        problems.append(
            Problem(
                "offence_committed_on",
                "The offence date must be on or before the sentence date",
                "offence_after_sentence",
            )
        )
    if sentenced_on > today:
        problems.append(Problem("sentenced_on", "The sentence date cannot be in the future", "sentence_in_future"))
    return problems


@dataclass(frozen=True)
class LinkedSentence:
    """What the link check needs to know of another sentence: whose it is, when it was imposed, whether
    it is still active and which sentence it follows (its ref, or None when concurrent)."""

    ref: str
    person_ref: str
    sentenced_on: dt.date
    active: bool
    consecutive_to: str | None


def consecutive_problem(
    *,
    ref: str | None,
    person_ref: str,
    sentenced_on: dt.date,
    target_ref: str | None,
    sentences: Mapping[str, LinkedSentence],
) -> Problem | None:
    """Why a sentence (``ref``, None when new) may not run consecutively to ``target_ref``, or None.

    A sentence may only follow one of the same person's active sentences imposed on or before it
    (a court cannot order a term to follow one not yet passed), and the links may not go round in a
    circle. ``sentences`` holds the person's sentences by ref (plus any the caller was asked about).
    """
    if target_ref is None:
        return None
    field = "consecutive_to"
    target = sentences.get(target_ref)
    if target is None:
        return Problem(field, "The sentence it is consecutive to does not exist", "consecutive_missing")
    if target.person_ref != person_ref:
        # Said like a missing one: another person's sentence is not the caller's to name.
        return Problem(field, "The sentence it is consecutive to does not exist", "consecutive_missing")
    if ref is not None and target_ref == ref:
        return Problem(field, "A sentence cannot be consecutive to itself", "consecutive_cycle")
    if not target.active:
        return Problem(
            field, "The sentence it is consecutive to has been quashed or entered in error", "consecutive_inactive"
        )
    if target.sentenced_on > sentenced_on:
        return Problem(
            field,
            f"A sentence can only follow one imposed on or before it: that one was imposed on "
            f"{target.sentenced_on:%-d %B %Y}, after this one",
            "consecutive_to_later",
        )
    seen = {target_ref}
    step = target.consecutive_to
    while step is not None:
        if step == ref:
            return Problem(field, "Those consecutive links would go round in a circle", "consecutive_cycle")
        if step in seen:
            break  # an existing loop not involving this sentence: not this change's problem
        seen.add(step)
        following = sentences.get(step)
        step = following.consecutive_to if following else None
    return None


def followers_problem(*, sentenced_on: dt.date, followers: list[LinkedSentence]) -> Problem | None:
    """A changed sentence date may not move a sentence after one that already follows it."""
    for follower in followers:
        if follower.active and follower.sentenced_on < sentenced_on:
            return Problem(
                "sentenced_on",
                f"A sentence imposed on {follower.sentenced_on:%-d %B %Y} follows this one: it cannot be "
                "dated after that. Re-link that sentence first",
                "consecutive_to_later",
            )
    return None


# --- adjustments ---------------------------------------------------------------------------------

MAX_ADJUSTMENT_DAYS = 36_500


def adjustment_days(
    kind: str, *, days: int | None, from_date: dt.date | None, to_date: dt.date | None
) -> tuple[int, Problem | None]:
    """The adjustment's days: as given, or counted from the dates inclusive (remand from 1 to 10 March
    is 10 days). Given both ways they must agree."""
    try:
        AdjustmentKind(kind)
    except ValueError:
        return 0, Problem("kind", f"{kind!r} is not a kind of adjustment", "unknown_kind")
    if (from_date is None) != (to_date is None):
        missing = "to_date" if to_date is None else "from_date"
        return 0, Problem(missing, "Give both the first and the last day, or neither", "incomplete_period")
    counted = None
    if from_date is not None and to_date is not None:
        if to_date < from_date:
            return 0, Problem("to_date", "The last day must be on or after the first day", "period_backwards")
        counted = (to_date - from_date).days + 1
    if days is None:
        if counted is None:
            return 0, Problem("days", "Give the number of days, or the first and last day", "days_missing")
        return counted, None
    if days < 1:
        return 0, Problem("days", "The number of days must be 1 or more", "days_not_positive")
    if days > MAX_ADJUSTMENT_DAYS:
        return 0, Problem("days", f"The number of days must be {MAX_ADJUSTMENT_DAYS:,} or fewer", "days_too_many")
    if counted is not None and counted != days:
        return 0, Problem(
            "days",
            f"{days} days does not match the dates given: {from_date:%-d %B %Y} to {to_date:%-d %B %Y} "
            f"is {counted} day{'' if counted == 1 else 's'} counting both ends",
            "days_mismatch",
        )
    return days, None


# --- charges, hearings, warrants -----------------------------------------------------------------


def charge_problems(*, committed_from: dt.date, committed_to: dt.date | None, count_number: int) -> list[Problem]:
    problems: list[Problem] = []
    if committed_to is not None and committed_to < committed_from:
        problems.append(
            Problem("committed_to", "The end of the offence period must be on or after its start", "period_backwards")
        )
    if count_number < 1:
        problems.append(Problem("count_number", "The count number must be 1 or more", "bad_count"))
    return problems


def hearing_problem(*, hearing_on: dt.date, outcome: str, next_hearing_on: dt.date | None) -> Problem | None:
    if next_hearing_on is not None and next_hearing_on <= hearing_on:
        return Problem("next_hearing_on", "The next hearing must be after this hearing", "next_hearing_before")
    if outcome == "adjourned" and next_hearing_on is None:
        return Problem(
            "next_hearing_on", "An adjourned hearing needs the date of the next hearing", "next_hearing_missing"
        )
    return None


WARRANT_ENDINGS = ("executed", "withdrawn", "lifted")


def warrant_ending_problem(*, status: str, to_status: str, issued_on: dt.date, ended_on: dt.date) -> Problem | None:
    if to_status not in WARRANT_ENDINGS:
        return Problem("status", f"A warrant can only be {', '.join(WARRANT_ENDINGS)}", "bad_warrant_status")
    if status != "active":
        return Problem("status", f"This warrant is already {status}", "warrant_not_active")
    if ended_on < issued_on:
        return Problem(
            "ended_on", "The date must be on or after the date the warrant was issued", "ended_before_issued"
        )
    return None


# --- the offence catalogue's CSV format ----------------------------------------------------------

OFFENCE_COLUMNS = ("code", "title", "category", "severity", "flags", "active")
OFFENCE_REQUIRED_COLUMNS = ("code", "title")
OFFENCE_FLAGS = ("violent", "sexual", "drug", "domestic_abuse", "weapon", "terrorism", "motoring", "acquisitive")
MAX_IMPORT_ROWS = 50_000
MAX_IMPORT_BYTES = 10_000_000
CODE_MAX_LENGTH = 20
_CODE_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


@dataclass(frozen=True)
class OffenceRow:
    code: str
    title: str
    category: str
    severity: int
    flags: tuple[str, ...]
    active: bool


def normalise_offence_code(value: str) -> str:
    return value.strip().upper()


def offence_header_problem(header: list[str] | None) -> str | None:
    """Why a header row cannot be read, or None. Unknown columns are refused, so a misspelt one is not
    silently dropped."""
    if not header:
        return "The file is empty: the first row must name the columns"
    names = [h.strip().lower() for h in header]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        return f"Column {duplicates[0]} appears more than once"
    missing = [c for c in OFFENCE_REQUIRED_COLUMNS if c not in names]
    if missing:
        return f"The header must include the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
    unknown = [n for n in names if n not in OFFENCE_COLUMNS]
    if unknown:
        return f"Unknown column {unknown[0]!r}: the columns are {', '.join(OFFENCE_COLUMNS)}"
    return None


def offence_fields_problem(*, code: str, title: str, category: str, severity: int, flags) -> Problem | None:
    """The checks one catalogue entry must pass, however it arrives (CSV, page or API)."""
    if not code:
        return Problem("code", "Enter the offence code", "code_missing")
    if len(code) > CODE_MAX_LENGTH:
        return Problem("code", f"The code must be {CODE_MAX_LENGTH} characters or fewer", "code_too_long")
    if not set(code) <= _CODE_CHARACTERS:
        return Problem("code", "The code may only use letters, digits and - . _", "code_characters")
    if not title.strip():
        return Problem("title", "Enter the offence title", "title_missing")
    if len(title) > 300:
        return Problem("title", "The title must be 300 characters or fewer", "title_too_long")
    if len(category) > 100:
        return Problem("category", "The category must be 100 characters or fewer", "category_too_long")
    if not 1 <= severity <= 10:
        return Problem("severity", "The severity must be a whole number from 1 to 10", "bad_severity")
    unknown = [f for f in flags if f not in OFFENCE_FLAGS]
    if unknown:
        return Problem(
            "flags", f"Unknown flag {unknown[0]!r}: the flags are {', '.join(OFFENCE_FLAGS)}", "unknown_flag"
        )
    return None


def parse_offence_row(record: Mapping[str, str]) -> tuple[OffenceRow | None, Problem | None]:
    """One CSV row as an entry, or the first problem with it. Blank severity means 1; blank active means
    yes; flags are separated by semicolons and may come in any order or case."""
    code = normalise_offence_code(record.get("code") or "")
    title = (record.get("title") or "").strip()
    category = (record.get("category") or "").strip()
    severity_text = (record.get("severity") or "").strip()
    if severity_text and not severity_text.isdigit():
        return None, Problem("severity", "The severity must be a whole number from 1 to 10", "bad_severity")
    severity = int(severity_text) if severity_text else 1
    flags = sorted({f.strip().lower() for f in (record.get("flags") or "").split(";") if f.strip()})
    active_text = (record.get("active") or "").strip().lower()
    if active_text and active_text not in _YES | _NO:
        return None, Problem("active", "Active must be yes or no", "bad_active")
    problem = offence_fields_problem(code=code, title=title, category=category, severity=severity, flags=flags)
    if problem:
        return None, problem
    return OffenceRow(code, title, category, severity, tuple(flags), active_text not in _NO), None


def decode_csv_bytes(data: bytes) -> str:
    """An uploaded file's text, within this import's size limit (oms.core.csv_upload)."""
    return csv_upload.decode_csv_bytes(data, MAX_IMPORT_BYTES)
