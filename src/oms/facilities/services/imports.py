"""Bulk import of a location tree from CSV (the format is ``rules.CSV_COLUMNS``, described in
docs/custody-estate.md). Valid rows are created, bad rows are reported and skipped, and the children
of a skipped row are skipped with a reason that says so."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import CharField, F, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.facilities import queries, rules
from oms.facilities.models import Location, Site

MANAGE = "facilities.manage_locations"
BATCH = 1000
Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class RejectedRow:
    """A row not created: its number in the file (the header is row 1), the column at fault and why."""

    row: int
    column: str
    reason: str
    key: str = ""


@dataclass
class ImportReport:
    rows_read: int = 0
    created: int = 0  # with dry_run: how many would be created
    rejected: list[RejectedRow] = field(default_factory=list)
    dry_run: bool = False


@dataclass
class _Accepted:
    row: int
    key: str
    parent_key: str
    depth: int
    parsed: rules.ParsedRow


def _read_rows(csv_text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The normalised header and the non-blank data rows with their row numbers; RuleViolation on
    anything that stops the file being read at all (nothing is created then)."""
    if len(csv_text) > rules.MAX_IMPORT_BYTES:
        raise RuleViolation(
            f"The file is too large: the limit is {rules.MAX_IMPORT_BYTES // 1_000_000} MB",
            code="facilities.import_too_large",
            field="csv",
        )
    if "\x00" in csv_text:
        raise RuleViolation(
            "The file contains NUL characters: it is not a CSV text file",
            code="facilities.import_unreadable",
            field="csv",
        )
    reader = csv.reader(io.StringIO(csv_text.lstrip("\ufeff")))
    rows: list[tuple[int, list[str]]] = []
    try:
        header = next(reader, None)
        problem = rules.header_problem(header)
        if problem:
            raise RuleViolation(problem, code="facilities.import_bad_header", field="csv")
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue  # blank lines (a trailing one, a spreadsheet's empty rows) are not rows
            if len(rows) >= rules.MAX_IMPORT_ROWS:
                raise RuleViolation(
                    f"The file has more than {rules.MAX_IMPORT_ROWS:,} rows: split it into smaller files "
                    "(parents in an earlier file are found in the site)",
                    code="facilities.import_too_large",
                    field="csv",
                )
            rows.append((number, values))
    except csv.Error as error:
        raise RuleViolation(
            f"The file could not be read as CSV near line {reader.line_num}: {error}",
            code="facilities.import_unreadable",
            field="csv",
        ) from None
    return [h.strip().lower() for h in header], rows


def import_locations(
    actor: Actor, *, site_id, csv_text: str, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Create the locations described by ``csv_text`` in the site. Permission:
    facilities.manage_locations at the site. Parents may be existing locations of the site or rows
    earlier in the file. ``dry_run`` checks everything and writes nothing (not even an audit event).
    A file that cannot be read (encoding, header, size) raises RuleViolation and creates nothing.
    Audited once as ``facilities.locations_imported`` with the counts."""
    site = queries.get_site(actor, site_id, permission=MANAGE)
    header, rows = _read_rows(csv_text)
    report = ImportReport(rows_read=len(rows), dry_run=dry_run)
    existing = {
        key: (pk, kind, depth, path)
        for key, pk, kind, depth, path in Location.objects.filter(site=site).values_list(
            "key", "pk", "kind", "depth", "path"
        )
    }
    keys_by_row = {}
    for number, values in rows:
        record = dict(zip(header, values, strict=False))
        keys_by_row[number] = rules.key_for(
            rules.normalise_key(record.get("parent_key") or ""), rules.normalise_code(record.get("code") or "")
        )
    first_row_of_key: dict[str, int] = {}
    for number, key in keys_by_row.items():
        first_row_of_key.setdefault(key, number)

    accepted: dict[str, _Accepted] = {}
    rejected_rows_by_key: dict[str, int] = {}

    def reject(number: int, column: str, reason: str, key: str = "") -> None:
        report.rejected.append(RejectedRow(row=number, column=column, reason=reason, key=key))
        if key:
            rejected_rows_by_key.setdefault(key, number)

    for done, (number, values) in enumerate(rows, start=1):
        if progress and done % BATCH == 0:
            progress("checked", done, len(rows))
        key = keys_by_row[number]
        if any(v.strip() for v in values[len(header) :]):
            # Trailing empty cells (a spreadsheet's stray commas) are harmless; values are not.
            reject(number, "", f"The row has {len(values)} values but the header names {len(header)} columns", key)
            continue
        parsed, problem = rules.parse_csv_row(dict(zip(header, values, strict=False)))
        if problem:
            reject(number, problem.field, problem.message, key)
            continue
        parent_kind, parent_depth, problem = _parent_of(
            parsed.parent_key, number, accepted, existing, rejected_rows_by_key, first_row_of_key
        )
        if problem:
            reject(number, "parent_key", problem, key)
            continue
        kind = parsed.attributes.kind
        if not rules.may_sit_under(kind, parent_kind):
            allowed = ", ".join(rules.allowed_kinds_under(parent_kind)) or "nothing"
            reject(
                number,
                "kind",
                f"{rules.kind_label(kind).capitalize()} cannot go under {rules.kind_label(parent_kind)} "
                f"(allowed there: {allowed})",
                key,
            )
            continue
        if len(key) > rules.KEY_MAX_LENGTH:
            reject(number, "code", f"The full key {key} is longer than {rules.KEY_MAX_LENGTH} characters", key)
            continue
        if key in existing:
            reject(number, "code", f"A location {key} already exists in this site", key)
            continue
        if key in accepted or first_row_of_key[key] != number:
            reject(number, "code", f"The key {key} is also on row {first_row_of_key[key]}")
            continue
        accepted[key] = _Accepted(number, key, parsed.parent_key, parent_depth + 1, parsed)

    _reject_cells_worked_above_their_beds(accepted, reject)
    # Children follow their parents in the file, so one pass in row order carries a rejection down.
    for item in sorted(accepted.values(), key=lambda a: a.row):
        if item.parent_key in rejected_rows_by_key and item.key in accepted:
            reject(
                item.row,
                "parent_key",
                f"Its parent {item.parent_key} (row {rejected_rows_by_key[item.parent_key]}) was rejected",
                item.key,
            )
            del accepted[item.key]
    report.rejected.sort(key=lambda r: r.row)
    report.created = len(accepted)
    if dry_run or not accepted:
        if not dry_run:
            _audit(actor, site, report)
        return report
    _create(site, accepted, existing, progress)
    _audit(actor, site, report)
    return report


def _parent_of(parent_key, number, accepted, existing, rejected_rows_by_key, first_row_of_key):
    """(parent kind, parent depth, problem) for a row's parent_key."""
    if not parent_key:
        return rules.ROOT, -1, None
    if parent_key in accepted:
        parent = accepted[parent_key]
        return parent.parsed.attributes.kind, parent.depth, None
    if parent_key in existing:
        _, kind, depth, _ = existing[parent_key]
        return kind, depth, None
    if parent_key in rejected_rows_by_key:
        return None, 0, f"Its parent {parent_key} (row {rejected_rows_by_key[parent_key]}) was rejected"
    later = first_row_of_key.get(parent_key)
    if later is not None and later > number:
        return None, 0, f"Its parent {parent_key} is on a later row ({later}): put parents before their children"
    return None, 0, f"There is no location {parent_key} in this site or on an earlier row"


def _reject_cells_worked_above_their_beds(accepted: dict[str, _Accepted], reject) -> None:
    beds: dict[str, list[bool]] = {}
    for item in accepted.values():
        if item.parsed.attributes.kind == "bed":
            beds.setdefault(item.parent_key, []).append(item.parsed.active)
    for item in sorted(accepted.values(), key=lambda a: a.row):
        if item.parsed.attributes.kind != "cell":
            continue
        flags = beds.get(item.key, [])
        problem = rules.cell_bed_problem(
            working_capacity=item.parsed.attributes.working_capacity,
            active_beds=sum(flags),
            total_beds=len(flags),
        )
        if problem:
            reject(item.row, problem.field, problem.message, item.key)
            del accepted[item.key]


def _create(site: Site, accepted: dict[str, _Accepted], existing: dict, progress: Progress | None) -> None:
    """Insert level by level, so every parent has its id before its children are built, and after each
    level store the new rows' paths with one UPDATE (``Location.set_path`` done set-wise: the parent's
    path plus the row's own id). A few statements per level instead of two per row."""
    today = clock.today()
    parents: dict[str, Location] = {}
    by_depth: dict[int, list[_Accepted]] = {}
    for item in accepted.values():
        by_depth.setdefault(item.depth, []).append(item)
    for item in accepted.values():
        if item.parent_key in existing and item.parent_key not in parents:
            # What place_under needs of a parent already in the site, without reading it again.
            pk, _, depth, path = existing[item.parent_key]
            parents[item.parent_key] = Location(pk=pk, site=site, key=item.parent_key, depth=depth, path=path)
    total, done = len(accepted), 0
    try:
        with transaction.atomic():
            for depth in sorted(by_depth):
                level = []
                for item in sorted(by_depth[depth], key=lambda a: a.row):
                    parsed = item.parsed
                    attrs = parsed.attributes
                    location = Location(
                        site=site,
                        kind=attrs.kind,
                        code=parsed.code,
                        residential=attrs.kind in rules.RESIDENTIAL_KINDS,
                        active=parsed.active,
                        deactivated_reason=parsed.deactivated_reason,
                        deactivated_on=None if parsed.active else today,
                        expected_return_on=rules.parse_iso_date(parsed.expected_return_on)
                        if parsed.expected_return_on
                        else None,
                        **{f: getattr(attrs, f) for f in _ATTRIBUTE_FIELDS},
                    )
                    location.place_under(parents[item.parent_key] if item.parent_key else None)
                    level.append(location)
                Location.objects.bulk_create(level, batch_size=BATCH)
                _store_paths(site, depth)
                for location in level:
                    parents[location.key] = location
                done += len(level)
                if progress:
                    progress("created", done, total)
    except IntegrityError:
        # Someone added one of these keys while the file was being checked.
        raise Conflict(
            "The site changed while the file was imported: nothing was created. Import it again.",
            code="facilities.import_conflict",
            field="csv",
        ) from None


def _store_paths(site: Site, depth: int) -> None:
    """Fill in the empty paths of the rows just inserted at ``depth`` from their parents' paths."""
    own_id = Cast(F("pk"), output_field=CharField())
    new_rows = Location.objects.filter(site=site, depth=depth, path="")
    if depth == 0:
        new_rows.update(path=Concat(Value("/"), own_id, Value("/"), output_field=CharField()))
        return
    parent_path = Location.objects.filter(pk=OuterRef("parent_id")).values("path")[:1]
    new_rows.update(path=Concat(Subquery(parent_path), own_id, Value("/"), output_field=CharField()))


_ATTRIBUTE_FIELDS = (
    "name",
    "security_level",
    "sex",
    "accessible",
    "specialist_type",
    "in_count",
    "certified_capacity",
    "working_capacity",
    "maximum_capacity",
)


def _audit(actor: Actor, site: Site, report: ImportReport) -> None:
    record_event(
        actor,
        "facilities.locations_imported",
        object_type="site",
        object_id=site.public_id,
        site_id=site.pk,
        details={"rows_read": report.rows_read, "created": report.created, "rejected": len(report.rejected)},
    )
