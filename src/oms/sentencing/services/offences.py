"""The offence catalogue: bulk import from CSV (the format is ``rules.records.OFFENCE_COLUMNS``,
described in docs/sentencing-records.md) and single-entry changes. Entries are never deleted: a charge
keeps pointing at the offence it was recorded against, so a withdrawn code is made inactive.

Permission: sentencing.manage_offences. The catalogue is national reference data (no scope).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.sentencing.models import Offence
from oms.sentencing.rules import records as rules

MANAGE = "sentencing.manage_offences"
_FIELDS = ("title", "category", "severity", "flags", "active")


@dataclass(frozen=True)
class RejectedRow:
    """A row not imported: its number in the file (the header is row 1), the column at fault and why."""

    row: int
    column: str
    reason: str
    code: str = ""

    @property
    def key(self) -> str:
        """The row's identity, as the shared rejected-rows table (web/components/csv_import.html) reads it."""
        return self.code


@dataclass
class ImportReport:
    rows_read: int = 0
    created: int = 0  # with dry_run: how many would be created (likewise updated)
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    dry_run: bool = False


def _read_rows(csv_text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The normalised header and the non-blank data rows with their numbers; RuleViolation for anything
    that stops the file being read at all (nothing is imported then)."""
    if len(csv_text) > rules.MAX_IMPORT_BYTES:
        raise RuleViolation(
            f"The file is too large: the limit is {rules.MAX_IMPORT_BYTES // 1_000_000} MB",
            code="sentencing.import_too_large",
            field="csv",
        )
    if "\x00" in csv_text:
        raise RuleViolation(
            "The file contains NUL characters: it is not a CSV text file",
            code="sentencing.import_unreadable",
            field="csv",
        )
    # strict: a quote left open is an error to report, not a row that swallows the rest of the file.
    reader = csv.reader(io.StringIO(csv_text.lstrip("\ufeff")), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        header = next(reader, None)
        problem = rules.offence_header_problem(header)
        if problem:
            raise RuleViolation(problem, code="sentencing.import_bad_header", field="csv")
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue  # blank lines are not rows
            if len(rows) >= rules.MAX_IMPORT_ROWS:
                raise RuleViolation(
                    f"The file has more than {rules.MAX_IMPORT_ROWS:,} rows: split it into smaller files",
                    code="sentencing.import_too_large",
                    field="csv",
                )
            rows.append((number, values))
    except csv.Error as error:
        raise RuleViolation(
            f"The file could not be read as CSV near line {reader.line_num}: {error}",
            code="sentencing.import_unreadable",
            field="csv",
        ) from None
    return [h.strip().lower() for h in header], rows


def _values_of(offence: Offence) -> dict:
    return {
        "title": offence.title,
        "category": offence.category,
        "severity": offence.severity,
        "flags": sorted(offence.flags or []),
        "active": offence.active,
    }


def import_offences(actor: Actor, *, csv_text: str, dry_run: bool = False) -> ImportReport:
    """Create new codes and update existing ones from ``csv_text``; rows with a problem are reported and
    skipped. A column left out of the header leaves that attribute of an existing entry as it is.
    ``dry_run`` checks everything and writes nothing (not even an audit event). Audited once as
    ``sentencing.offences_imported`` with the counts and the codes created and updated."""
    actor.require(MANAGE)
    header, rows = _read_rows(csv_text)
    report = ImportReport(rows_read=len(rows), dry_run=dry_run)
    seen: dict[str, int] = {}
    accepted: list[rules.OffenceRow] = []
    for number, values in rows:
        if any(v.strip() for v in values[len(header) :]):
            report.rejected.append(
                RejectedRow(number, "", f"The row has {len(values)} values but the header names {len(header)} columns")
            )
            continue
        record = dict(zip(header, values, strict=False))
        parsed, problem = rules.parse_offence_row(record)
        code = rules.normalise_offence_code(record.get("code") or "")
        if problem:
            report.rejected.append(RejectedRow(number, problem.field, problem.message, code))
            continue
        if parsed.code in seen:
            report.rejected.append(
                RejectedRow(number, "code", f"The code {parsed.code} is also on row {seen[parsed.code]}", parsed.code)
            )
            continue
        seen[parsed.code] = number
        accepted.append(parsed)

    existing = {o.code: o for o in Offence.objects.filter(code__in=[row.code for row in accepted])}
    to_create: list[Offence] = []
    to_update: list[Offence] = []
    now = clock.now()
    for row in accepted:
        given = {
            "title": row.title,
            "category": row.category,
            "severity": row.severity,
            "flags": list(row.flags),
            "active": row.active,
        }
        # An omitted column keeps the stored value rather than blanking it.
        given = {name: value for name, value in given.items() if name in header or name == "title"}
        current = existing.get(row.code)
        if current is None:
            to_create.append(Offence(code=row.code, **given))
        elif any(_values_of(current)[name] != value for name, value in given.items()):
            for name, value in given.items():
                setattr(current, name, value)
            current.updated_at = now  # update() does not fill auto_now fields
            to_update.append(current)
        else:
            report.unchanged += 1
    report.created, report.updated = len(to_create), len(to_update)
    if dry_run:
        return report
    Offence.objects.bulk_create(to_create, batch_size=1000)
    # One UPDATE per changed row: bulk_update's CASE per field grows slow on thousands of rows.
    for offence in to_update:
        Offence.objects.filter(pk=offence.pk).update(
            **{name: getattr(offence, name) for name in (*_FIELDS, "updated_at")}
        )
    record_event(
        actor,
        "sentencing.offences_imported",
        object_type="offence_catalogue",
        details={
            "rows_read": report.rows_read,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "rejected": len(report.rejected),
            "codes_created": [o.code for o in to_create][:200],
            "codes_updated": [o.code for o in to_update][:200],
        },
    )
    return report


def _check(code: str, title: str, category: str, severity: int, flags) -> None:
    problem = rules.offence_fields_problem(code=code, title=title, category=category, severity=severity, flags=flags)
    if problem:
        raise RuleViolation(problem.message, code=f"sentencing.{problem.code}", field=problem.field)


def create_offence(
    actor: Actor, *, code: str, title: str, category: str = "", severity: int = 1, flags=(), active: bool = True
) -> Offence:
    """Add one code to the catalogue; audited as ``sentencing.offence_created``."""
    actor.require(MANAGE)
    code = rules.normalise_offence_code(code)
    flags = sorted(set(flags))
    _check(code, title, category, severity, flags)
    if Offence.objects.filter(code=code).exists():
        raise Conflict(f"The code {code} is already in the catalogue", code="sentencing.offence_exists", field="code")
    offence = Offence.objects.create(
        code=code, title=title.strip(), category=category.strip(), severity=severity, flags=flags, active=active
    )
    record_event(
        actor, "sentencing.offence_created", object_type="offence", object_id=code, details=_values_of(offence)
    )
    return offence


def update_offence(actor: Actor, *, code: str, changes: dict) -> Offence:
    """Change some of title, category, severity, flags and active; audited as
    ``sentencing.offence_updated`` with the changed fields. Making a code inactive keeps it on every
    charge already recorded against it; new charges cannot use it."""
    actor.require(MANAGE)
    offence = Offence.objects.select_for_update().filter(code=rules.normalise_offence_code(code)).first()
    if offence is None:
        raise NotFound("There is no such offence code", code="sentencing.offence_not_found")
    unknown = set(changes) - set(_FIELDS)
    if unknown:
        raise RuleViolation(
            f"{sorted(unknown)[0]} cannot be changed", code="sentencing.bad_field", field=sorted(unknown)[0]
        )
    before = _values_of(offence)
    after = {**before, **changes}
    after["flags"] = sorted(set(after["flags"]))
    _check(offence.code, after["title"], after["category"], after["severity"], after["flags"])
    changed = [name for name in _FIELDS if before[name] != after[name]]
    if not changed:
        return offence
    for name in changed:
        setattr(offence, name, after[name])
    offence.save(update_fields=[*changed, "updated_at"])
    record_event(
        actor,
        "sentencing.offence_updated",
        object_type="offence",
        object_id=offence.code,
        changed_fields=changed,
        details={name: after[name] for name in changed},
    )
    return offence
