"""Importing historical completed assessments (from a previous system) in bulk.

Each row names the person, the instrument and version, the completion date, the answers and the
assessor. The engine scores every row from its answers: a score or band in the file is never stored;
when the file gives one it is only compared, and a row whose figure disagrees with the engine is
rejected (a sign of a mis-mapped answer). Rows are stored by ``record_imported_assessment`` (audited as
``assessment.assessment_imported``).

All or nothing by default: when any row is rejected nothing is imported and every rejected row is
reported with its number, column and reason; ``partial=True`` imports the good rows anyway. Re-running
a file is harmless: each row has a key (the ``key`` column, or a digest of the person, instrument,
version, completion date and answers) stored with the assessment, and a row whose key is already
stored is counted as already imported and skipped.

File format (docs/assessment-imports.md): CSV with a header row, or JSON lines (one object per line).
Columns: ``person_id`` (OMS public id) or ``system_number`` or ``identifier_type`` + ``identifier_value``;
``instrument``; ``version`` (blank = latest); ``completed_on`` (YYYY-MM-DD); ``assessor`` (username);
``answers`` (a JSON object) or one ``answer.<item>`` column per item; optional ``key``, ``score``,
``band``.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from oms.assessment.models import Assessment
from oms.assessment.rules import ogrs3
from oms.assessment.services import instruments
from oms.assessment.services.assessments import MAX_ANSWERS
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import NotFound, RuleViolation
from oms.people.models import Identifier, Person
from oms.people.queries.records import find_person
from oms.people.rules import normalise_identifier, normalise_system_number

MAX_IMPORT_BYTES = 50_000_000
MAX_IMPORT_ROWS = 200_000
KEY_MAX_LENGTH = 100
ANSWER_PREFIX = "answer."
KNOWN_COLUMNS = {
    "key",
    "person_id",
    "system_number",
    "identifier_type",
    "identifier_value",
    "instrument",
    "version",
    "completed_on",
    "assessor",
    "answers",
    "score",
    "band",
}
PROGRESS_EVERY = 1_000
Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class RejectedRow:
    """A row not imported: its number in the file (a CSV header is row 1; a JSON line's number), the
    column at fault and why."""

    row: int
    column: str
    reason: str
    key: str = ""


@dataclass
class ImportReport:
    rows_read: int = 0
    imported: int = 0  # with dry_run, or when rejected rows stopped the import: how many would be
    already_imported: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False  # whether anything was stored


@dataclass(frozen=True)
class _Row:
    number: int
    key: str
    person: Person
    instrument: str
    version: int
    completed_on: dt.date
    answers: dict
    assessor_id: int
    outcome: instruments.Outcome


class _Reject(Exception):
    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column = column
        self.reason = reason


# ---- reading the file --------------------------------------------------------------------------------


def _unreadable(detail: str) -> RuleViolation:
    return RuleViolation(detail, code="assessment.import_unreadable", field="file")


def read_rows(text: str, fmt: str = "csv") -> list[tuple[int, dict]]:
    """The file's rows as (row number, column -> value); RuleViolation when the file cannot be read at
    all (nothing is imported then)."""
    if len(text) > MAX_IMPORT_BYTES:
        raise _unreadable(f"The file is too large: the limit is {MAX_IMPORT_BYTES // 1_000_000} MB")
    if "\x00" in text:
        raise _unreadable("The file contains NUL characters: it is not a text file")
    text = text.lstrip("\ufeff")
    rows: list[tuple[int, dict]] = []
    if fmt == "jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                record = {"__error__": f"is not valid JSON: {error.msg}"}
            if not isinstance(record, dict):
                record = {"__error__": "is not a JSON object"}
            rows.append((number, record))
            _check_row_count(rows)
        return rows
    if fmt != "csv":
        raise RuleViolation(f"Unknown format {fmt!r}: csv or jsonl.", code="assessment.import_format", field="format")
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = [h.strip() for h in next(reader, None) or []]
        if not header:
            raise _unreadable("The file is empty: the first row must name the columns")
        unknown = [h for h in header if h not in KNOWN_COLUMNS and not h.startswith(ANSWER_PREFIX)]
        if unknown:
            raise _unreadable(f"Unknown column {unknown[0]!r} in the header")
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            record = dict(zip(header, values, strict=False))
            if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
                record["__error__"] = f"has {len(values)} values but the header names {len(header)} columns"
            rows.append((number, record))
            _check_row_count(rows)
    except csv.Error as error:
        raise _unreadable(f"The file could not be read as CSV near line {reader.line_num}: {error}") from None
    return rows


def _check_row_count(rows: list) -> None:
    if len(rows) > MAX_IMPORT_ROWS:
        raise _unreadable(f"The file has more than {MAX_IMPORT_ROWS:,} rows: split it into smaller files")


# ---- checking one row -----------------------------------------------------------------------------------


def _text(record: dict, column: str) -> str:
    value = record.get(column)
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise _Reject(column, "must be text, not a JSON object or list")
    return str(value).strip()


def _person(actor: Actor, record: dict) -> Person:
    person_id = _text(record, "person_id")
    try:
        if person_id:
            return find_person(actor, person_id)
        system_number = _text(record, "system_number")
        if system_number:
            found = Person.objects.filter(system_number=normalise_system_number(system_number)).first()
            if found is None:
                raise _Reject("system_number", f"no person has the system number {system_number}")
            return find_person(actor, found.public_id)
        kind, value = _text(record, "identifier_type"), _text(record, "identifier_value")
        if not (kind and value):
            raise _Reject("person_id", "give person_id, system_number, or identifier_type and identifier_value")
        if kind not in Identifier.Kind.values:
            raise _Reject(
                "identifier_type", f"{kind!r} is not an identifier type ({', '.join(Identifier.Kind.values)})"
            )
        owners = set(
            Identifier.objects.filter(kind=kind, value_norm=normalise_identifier(value)).values_list(
                "person__public_id", flat=True
            )
        )
        if len(owners) != 1:
            problem = "no person has" if not owners else f"{len(owners)} people have"
            raise _Reject("identifier_value", f"{problem} the {kind} identifier {value}")
        return find_person(actor, owners.pop())
    except NotFound as error:
        column = (
            "person_id" if person_id else ("system_number" if _text(record, "system_number") else "identifier_value")
        )
        detail = error.detail if error.code == "people.merged" else "no such person in your scope"
        raise _Reject(column, detail) from None


def _version(record: dict, instrument: str) -> int:
    given = _text(record, "version")
    if not given:
        return instruments.latest_version(instrument)
    try:
        version = int(given)
    except ValueError:
        raise _Reject("version", f"must be a whole number, got {given!r}") from None
    try:
        instruments.check_version(instrument, version)
    except RuleViolation as error:
        raise _Reject("version", error.detail) from None
    return version


def _completed_on(record: dict) -> dt.date:
    given = _text(record, "completed_on")
    try:
        day = dt.date.fromisoformat(given)
    except ValueError:
        raise _Reject("completed_on", f"must be a date (YYYY-MM-DD), got {given!r}") from None
    if day > clock.today():
        raise _Reject("completed_on", f"{day.isoformat()} is in the future")
    return day


def _number(text: str):
    number = float(text)
    if math.isnan(number) or math.isinf(number):
        raise ValueError(text)
    return int(number) if number.is_integer() else number


def _answers(record: dict, instrument: str, version: int) -> tuple[dict, bool]:
    """The answers and whether they came from ``answer.<item>`` columns."""
    columns = {k[len(ANSWER_PREFIX) :]: v for k, v in record.items() if k.startswith(ANSWER_PREFIX)}
    raw = record.get("answers")
    given_json = raw not in (None, "")
    if given_json and any(str(v).strip() for v in columns.values()):
        raise _Reject("answers", "give the answers either in the answers column or in answer.<item> columns, not both")
    if given_json:
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except json.JSONDecodeError as error:
                raise _Reject("answers", f"is not valid JSON: {error.msg}") from None
        if not isinstance(raw, dict):
            raise _Reject("answers", "must be a JSON object (item -> answer)")
        return raw, False
    if instrument in (ogrs3.CODE, instruments.TIERING_CODE):
        raise _Reject("answers", f"{instrument} answers go in the answers column as a JSON object")
    definition = instruments.catalogue().get(instrument, version)
    answers: dict = {}
    for code, value in columns.items():
        value = "" if value is None else str(value).strip()
        if not value:
            continue
        item = definition.item(code)
        if item is not None and item.kind == "number":
            try:
                answers[code] = _number(value)
            except ValueError:
                raise _Reject(f"{ANSWER_PREFIX}{code}", f"must be a number, got {value!r}") from None
        else:
            answers[code] = value
    return answers, True


def _check_supplied(record: dict, outcome: instruments.Outcome) -> None:
    """A score or band in the file is compared, never stored."""
    score = _text(record, "score")
    if score:
        try:
            supplied = float(score)
        except ValueError:
            raise _Reject("score", f"must be a number, got {score!r}") from None
        if outcome.score is None or not math.isclose(supplied, outcome.score, abs_tol=1e-6):
            computed = "no score" if outcome.score is None else f"a score of {outcome.score:g}"
            raise _Reject("score", f"the file says {score}; the answers give {computed}")
    band = _text(record, "band")
    if band and band != outcome.band:
        raise _Reject("band", f"the file says {band!r}; the answers give {outcome.band!r}")


def row_key(person: Person, instrument: str, version: int, completed_on: dt.date, answers: dict) -> str:
    """The key of a row without a ``key`` column: the same assessment always gives the same key."""
    canonical = json.dumps(
        [str(person.public_id), instrument, version, completed_on.isoformat(), answers], sort_keys=True, default=str
    )
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()[:40]


def check_row(actor: Actor, record: dict, assessors: dict) -> _Row:
    """One row checked and scored; _Reject names the column at fault."""
    if "__error__" in record:
        raise _Reject("", f"The row {record['__error__']}")
    person = _person(actor, record)
    instrument = _text(record, "instrument")
    if instrument not in instruments.codes():
        raise _Reject("instrument", f"there is no instrument {instrument!r}" if instrument else "is required")
    version = _version(record, instrument)
    completed_on = _completed_on(record)
    username = _text(record, "assessor")
    if not username:
        raise _Reject("assessor", "is required (the assessor's username)")
    if username not in assessors:
        assessors[username] = get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
    if assessors[username] is None:
        raise _Reject("assessor", f"there is no user {username!r}")
    answers, from_columns = _answers(record, instrument, version)
    try:
        if len(answers) > MAX_ANSWERS:
            raise _Reject("answers", f"has more than {MAX_ANSWERS} answers")
        instruments.check_partial(instrument, version, answers)
        outcome = instruments.evaluate(instrument, version, answers, completed_on)
    except RuleViolation as error:
        column = error.field or "answers"
        if from_columns and column not in ("answers", "version"):
            column = f"{ANSWER_PREFIX}{column}"
        elif not from_columns:
            column = "answers" if column == "answers" else f"answers.{column}"
        raise _Reject(column, error.detail) from None
    _check_supplied(record, outcome)
    key = _text(record, "key")
    if len(key) > KEY_MAX_LENGTH:
        raise _Reject("key", f"is longer than {KEY_MAX_LENGTH} characters")
    key = key or row_key(person, instrument, version, completed_on, answers)
    return _Row(0, key, person, instrument, version, completed_on, answers, assessors[username], outcome)


def _stored_keys(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(
            Assessment.objects.filter(explanation__import_key__in=chunk).values_list(
                "explanation__import_key", flat=True
            )
        )
    return found


# ---- storing --------------------------------------------------------------------------------------------


def record_imported_assessment(
    actor: Actor,
    *,
    person: Person,
    instrument: str,
    instrument_version: int,
    completed_on: dt.date,
    answers: dict,
    assessor_id: int,
    import_key: str,
    outcome: instruments.Outcome | None = None,
) -> Assessment:
    """Store one historical completed assessment (assessment.assess), scored by the engine as of its
    completion date. It becomes the person's current assessment of the instrument only when it is
    newer than the current one (an older history row never displaces a newer assessment); its
    reassessment date follows the instrument's interval from the completion date. Historical rows need
    no countersignature and publish no completion event (they record the past; custody's security
    level and other live decisions follow assessments made in OMS). Audited as
    ``assessment.assessment_imported`` with the key."""
    actor.require("assessment.assess")
    outcome = outcome or instruments.evaluate(instrument, instrument_version, answers, completed_on)
    completed_at = dt.datetime.combine(completed_on, dt.time(), tzinfo=dt.UTC)
    with transaction.atomic():
        current = (
            Assessment.objects.select_for_update()
            .filter(person=person, instrument_code=instrument, is_current=True)
            .first()
        )
        becomes_current = current is None or (current.completed_on or dt.date.min) < completed_on
        if becomes_current and current is not None:
            current.is_current = False
            current.save(update_fields=["is_current"])
        due_on = instruments.reassessment_due(instrument, instrument_version, completed_on) if becomes_current else None
        assessment = Assessment.objects.create(
            person=person,
            instrument_code=instrument,
            instrument_version=instrument_version,
            answers=answers,
            status=Assessment.Status.COMPLETED,
            started_at=completed_at,
            assessor_id=assessor_id,
            completed_at=completed_at,
            completed_on=completed_on,
            score=outcome.score,
            computed_band=outcome.band,
            explanation={**outcome.explanation, "import_key": import_key},
            is_current=becomes_current,
            reassessment_due_on=due_on,
            reassessment_reason="interval" if due_on else "",
        )
        record_event(
            actor,
            "assessment.assessment_imported",
            object_type="assessment",
            object_id=str(assessment.public_id),
            subject_person_id=person.pk,
            details={
                "instrument": instrument,
                "version": instrument_version,
                "completed_on": completed_on.isoformat(),
                "score": outcome.score,
                "band": outcome.band,
                "import_key": import_key,
                "current": becomes_current,
            },
        )
    return assessment


def import_assessments(
    actor: Actor,
    *,
    text: str,
    fmt: str = "csv",
    dry_run: bool = False,
    partial: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check every row, then store the good ones unless ``dry_run``, or unless any row was rejected and
    ``partial`` is false (all or nothing). Rows are stored oldest completion first, so the newest of a
    person's imported assessments of an instrument ends current. ``progress(stage, done, total)`` is
    called every PROGRESS_EVERY rows while checking and while storing."""
    actor.require("assessment.assess")
    rows = read_rows(text, fmt)
    report = ImportReport(rows_read=len(rows), dry_run=dry_run)
    assessors: dict[str, int | None] = {}
    accepted: list[_Row] = []
    seen: dict[str, int] = {}
    for done, (number, record) in enumerate(rows, start=1):
        try:
            row = check_row(actor, record, assessors)
            if row.key in seen:
                raise _Reject("key", f"the same assessment (key {row.key}) is also on row {seen[row.key]}")
            seen[row.key] = number
            accepted.append(dataclasses.replace(row, number=number))
        except _Reject as problem:
            report.rejected.append(RejectedRow(number, problem.column, problem.reason, _text_or_blank(record, "key")))
        if progress and (done % PROGRESS_EVERY == 0 or done == len(rows)):
            progress("checked", done, len(rows))
    stored = _stored_keys([r.key for r in accepted])
    new = [r for r in accepted if r.key not in stored]
    report.already_imported = len(accepted) - len(new)
    report.imported = len(new)
    if dry_run or (report.rejected and not partial):
        return report
    new.sort(key=lambda r: (r.completed_on, r.number))
    for done, row in enumerate(new, start=1):
        record_imported_assessment(
            actor,
            person=row.person,
            instrument=row.instrument,
            instrument_version=row.version,
            completed_on=row.completed_on,
            answers=row.answers,
            assessor_id=row.assessor_id,
            import_key=row.key,
            outcome=row.outcome,
        )
        if progress and (done % PROGRESS_EVERY == 0 or done == len(new)):
            progress("stored", done, len(new))
    report.written = bool(new)
    return report


def _text_or_blank(record: dict, column: str) -> str:
    value = record.get(column) if isinstance(record, dict) else None
    return str(value).strip()[:KEY_MAX_LENGTH] if isinstance(value, (str, int)) else ""
