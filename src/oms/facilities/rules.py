"""Pure rules for the location tree: which kind may sit under which, codes, capacities and the CSV
format of a bulk import. Plain values in, plain values out: no ORM, no I/O (tested table-driven).

The kind and choice names repeat the ``Location`` model's choices because rules may not import models
(ADR 0001); a test keeps the two in step.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from oms.core import csv_upload

# --- kinds and where they may sit ------------------------------------------------------------------

RESIDENTIAL_KINDS = ("unit", "wing", "landing", "cell", "bed")
NON_RESIDENTIAL_KINDS = (
    "classroom",
    "workshop",
    "visits_hall",
    "healthcare",
    "segregation",
    "reception",
    "court_cells",
    "other",
)
KINDS = RESIDENTIAL_KINDS + NON_RESIDENTIAL_KINDS
SECURITY_LEVELS = ("open", "low", "medium", "high", "maximum")
SEXES = ("male", "female", "any")
SPECIALIST_TYPES = ("safe_cell", "segregation", "medical", "constant_watch", "mother_and_baby", "accessible")
ROOT = None  # the parent "kind" of a top-level location

# unit > wing > landing > cell > bed. A site without landings hangs cells straight off a wing, and a
# small site without wings straight off a unit. Non-residential places (a wing's classroom, a unit's
# servery-turned-workshop, the site's visits hall) sit at the top or inside a unit or wing, and hold
# nothing themselves: people are not housed in them, so they need no subtree.
ALLOWED_CHILDREN: dict[str | None, tuple[str, ...]] = {
    ROOT: ("unit", *NON_RESIDENTIAL_KINDS),
    "unit": ("wing", "cell", *NON_RESIDENTIAL_KINDS),
    "wing": ("landing", "cell", *NON_RESIDENTIAL_KINDS),
    "landing": ("cell",),
    "cell": ("bed",),
    "bed": (),
    **{kind: () for kind in NON_RESIDENTIAL_KINDS},
}

KIND_LABELS = {
    "unit": "a unit",
    "wing": "a wing",
    "landing": "a landing",
    "cell": "a cell",
    "bed": "a bed",
    ROOT: "the top of the site",
}


def kind_label(kind: str | None) -> str:
    return KIND_LABELS.get(kind, f"a {(kind or '').replace('_', ' ')} location")


def allowed_kinds_under(parent_kind: str | None) -> tuple[str, ...]:
    return ALLOWED_CHILDREN.get(parent_kind, ())


def may_sit_under(kind: str, parent_kind: str | None) -> bool:
    return kind in allowed_kinds_under(parent_kind)


# --- codes -----------------------------------------------------------------------------------------

CODE_PATTERN = re.compile(r"^[A-Z0-9]{1,10}$")
KEY_MAX_LENGTH = 120  # Location.key
NAME_MAX_LENGTH = 200
CAPACITY_LIMIT = 10_000  # far above any real cell or room: a typo guard that also keeps values in range


def normalise_code(code: str) -> str:
    """Codes are stored upper case without surrounding spaces ("a" and "A" are the same cell)."""
    return (code or "").strip().upper()


def code_problem(code: str) -> str | None:
    """Why ``code`` (already normalised) cannot be a location code, or None. Hyphens are refused
    because they join codes into keys ("A-1-01"); a code containing one would make keys ambiguous."""
    if not code:
        return "Enter a code"
    if not CODE_PATTERN.match(code):
        return "Code must be 1 to 10 letters or digits, without spaces or hyphens"
    return None


def key_for(parent_key: str | None, code: str) -> str:
    return f"{parent_key}-{code}" if parent_key else code


# --- attributes and capacities ---------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One reason a value is refused: the field (or CSV column) it belongs to, a stable code and a
    plain sentence."""

    field: str
    code: str
    message: str


@dataclass(frozen=True)
class LocationAttributes:
    kind: str
    name: str = ""
    security_level: str = ""  # "" = inherited from the nearest ancestor that sets one
    sex: str = "any"
    accessible: bool = False
    specialist_type: str = ""
    in_count: bool = True
    certified_capacity: int = 0
    working_capacity: int = 0
    maximum_capacity: int = 0


CAPACITY_FIELDS = ("certified_capacity", "working_capacity", "maximum_capacity")


def carries_capacity(kind: str) -> bool:
    """Cells hold the residential capacities; non-residential places may record how many people they
    take. Units, wings and landings add up their cells (the tree shows the totals) and a bed is one
    place, so storing figures on them would only create a second, disagreeing number."""
    return kind == "cell" or kind in NON_RESIDENTIAL_KINDS


def attribute_problems(attrs: LocationAttributes) -> list[Problem]:
    """Every problem with a location's attributes, in field order (empty: valid)."""
    problems: list[Problem] = []
    if attrs.kind not in KINDS:
        return [Problem("kind", "facilities.invalid_kind", "Select a valid kind of location")]
    if len(attrs.name) > NAME_MAX_LENGTH:
        problems.append(Problem("name", "facilities.too_long", f"Name must be {NAME_MAX_LENGTH} characters or less"))
    if attrs.security_level not in ("", *SECURITY_LEVELS):
        problems.append(Problem("security_level", "facilities.invalid_choice", "Select a valid security level"))
    if attrs.sex not in SEXES:
        problems.append(Problem("sex", "facilities.invalid_choice", "Select male, female or any"))
    if attrs.specialist_type not in ("", *SPECIALIST_TYPES):
        problems.append(Problem("specialist_type", "facilities.invalid_choice", "Select a valid specialist type"))
    elif attrs.specialist_type and attrs.kind not in ("unit", "wing", "landing", "cell"):
        problems.append(
            Problem(
                "specialist_type",
                "facilities.specialist_type_not_allowed",
                "Only units, wings, landings and cells can have a specialist type",
            )
        )
    if not attrs.in_count and attrs.kind != "unit":
        # Formal counts are run per unit: a wing or cell cannot leave the count on its own.
        problems.append(
            Problem("in_count", "facilities.in_count_units_only", "Only a unit can be left out of the count")
        )
    problems.extend(capacity_problems(attrs))
    return problems


def capacity_problems(attrs: LocationAttributes) -> list[Problem]:
    """Capacity rules: none below zero or above the typo guard; kinds that carry no capacity keep all
    three at zero; working and certified (CNA) both fit within maximum, the safe ceiling."""
    problems = []
    values = {f: getattr(attrs, f) for f in CAPACITY_FIELDS}
    for field, value in values.items():
        label = field.replace("_", " ").capitalize()
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(Problem(field, "facilities.invalid_capacity", f"{label} must be a whole number"))
        elif value < 0:
            problems.append(Problem(field, "facilities.invalid_capacity", f"{label} must be 0 or more"))
        elif value > CAPACITY_LIMIT:
            problems.append(
                Problem(field, "facilities.invalid_capacity", f"{label} must be {CAPACITY_LIMIT:,} or less")
            )
    if problems:
        return problems
    if not carries_capacity(attrs.kind):
        for field, value in values.items():
            if value:
                problems.append(
                    Problem(
                        field,
                        "facilities.capacity_not_allowed",
                        f"{kind_label(attrs.kind).capitalize()} has no capacities of its own: set them on its cells",
                    )
                )
        return problems
    if attrs.working_capacity > attrs.maximum_capacity:
        problems.append(
            Problem(
                "working_capacity",
                "facilities.working_above_maximum",
                "Working capacity must be the same as or less than maximum capacity",
            )
        )
    if attrs.certified_capacity > attrs.maximum_capacity:
        problems.append(
            Problem(
                "certified_capacity",
                "facilities.certified_above_maximum",
                "Certified capacity must be the same as or less than maximum capacity",
            )
        )
    return problems


def cell_bed_problem(*, working_capacity: int, active_beds: int, total_beds: int) -> Problem | None:
    """A cell cannot be worked above the beds that can be slept in. A cell with no beds yet is being
    laid out (an import creates the cell before its beds), so it is not held to its beds."""
    if total_beds and working_capacity > active_beds:
        beds = f"{active_beds} active bed" + ("" if active_beds == 1 else "s")
        return Problem(
            "working_capacity",
            "facilities.working_above_beds",
            f"Working capacity must be the same as or less than the cell's {beds}",
        )
    return None


def deactivation_problems(*, reason: str, expected_return_on, today) -> list[Problem]:
    problems = []
    if not reason.strip():
        problems.append(Problem("reason", "facilities.reason_required", "Enter a reason for the deactivation"))
    elif len(reason.strip()) > 200:
        problems.append(Problem("reason", "facilities.too_long", "Reason must be 200 characters or less"))
    if expected_return_on is not None and expected_return_on < today:
        problems.append(
            Problem(
                "expected_return_on",
                "facilities.return_in_past",
                "Expected return date must be today or in the future",
            )
        )
    return problems


def is_usable(*, active: bool, ancestors_active: bool) -> bool:
    """Deactivation is inherited: a cell on a closed wing is unusable though its own flag is set."""
    return active and ancestors_active


# --- the CSV format --------------------------------------------------------------------------------

CSV_COLUMNS = (
    "parent_key",
    "code",
    "kind",
    "name",
    "security_level",
    "sex",
    "accessible",
    "specialist_type",
    "in_count",
    "certified_capacity",
    "working_capacity",
    "maximum_capacity",
    "active",
    "deactivated_reason",
    "expected_return_on",
)
REQUIRED_COLUMNS = ("parent_key", "code", "kind")
MAX_IMPORT_ROWS = 20_000
MAX_IMPORT_BYTES = 5_000_000
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}


def header_problem(header: list[str] | None) -> str | None:
    """Why a header row cannot be read, or None. Every required column must be there; unknown columns
    are refused rather than ignored, so a misspelt "working_capcity" is not silently dropped."""
    if not header:
        return "The file is empty: the first row must name the columns"
    names = [h.strip().lower() for h in header]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        return f"Column {duplicates[0]} appears more than once"
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        return f"The header must include the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
    unknown = [n for n in names if n not in CSV_COLUMNS]
    if unknown:
        return f"Unknown column {unknown[0]!r}: the columns are {', '.join(CSV_COLUMNS)}"
    return None


def decode_csv_bytes(data: bytes) -> str:
    """An uploaded file's text, within this import's size limit (oms.core.csv_upload)."""
    return csv_upload.decode_csv_bytes(data, MAX_IMPORT_BYTES)


def _flag(value: str, column: str, default: bool) -> tuple[bool, Problem | None]:
    lowered = value.strip().lower()
    if not lowered:
        return default, None
    if lowered in _TRUE:
        return True, None
    if lowered in _FALSE:
        return False, None
    return default, Problem(column, "facilities.invalid_flag", f"{column} must be yes or no, not {value.strip()!r}")


def _whole_number(value: str, column: str) -> tuple[int, Problem | None]:
    text = value.strip()
    if not text:
        return 0, None
    if not text.isdigit() or not text.isascii():
        return 0, Problem(
            column, "facilities.invalid_capacity", f"{column} must be a whole number of 0 or more, not {text!r}"
        )
    if len(text) > 6:
        return 0, Problem(column, "facilities.invalid_capacity", f"{column} must be {CAPACITY_LIMIT:,} or less")
    return int(text), None


@dataclass(frozen=True)
class ParsedRow:
    parent_key: str
    code: str
    attributes: LocationAttributes
    active: bool
    deactivated_reason: str
    expected_return_on: str  # ISO date text, checked by ``parse_iso_date``


def parse_csv_row(row: Mapping[str, str | None]) -> tuple[ParsedRow | None, Problem | None]:
    """One data row (column -> text) to values, or the first problem found (column and reason)."""
    value = {c: (row.get(c) or "").strip() for c in CSV_COLUMNS}
    code = normalise_code(value["code"])
    problem = code_problem(code)
    if problem:
        return None, Problem("code", "facilities.invalid_code", problem)
    kind = value["kind"].lower()
    if kind not in KINDS:
        return None, Problem(
            "kind", "facilities.invalid_kind", f"Kind must be one of {', '.join(KINDS)}, not {value['kind']!r}"
        )
    accessible, problem = _flag(value["accessible"], "accessible", False)
    if problem:
        return None, problem
    in_count, problem = _flag(value["in_count"], "in_count", True)
    if problem:
        return None, problem
    active, problem = _flag(value["active"], "active", True)
    if problem:
        return None, problem
    capacities = {}
    for column in CAPACITY_FIELDS:
        capacities[column], problem = _whole_number(value[column], column)
        if problem:
            return None, problem
    attributes = LocationAttributes(
        kind=kind,
        name=value["name"],
        security_level=value["security_level"].lower(),
        sex=value["sex"].lower() or "any",
        accessible=accessible,
        specialist_type=value["specialist_type"].lower(),
        in_count=in_count,
        **capacities,
    )
    problems = attribute_problems(attributes)
    if problems:
        return None, problems[0]
    if not active and not value["deactivated_reason"]:
        return None, Problem(
            "deactivated_reason", "facilities.reason_required", "An inactive location needs a deactivated_reason"
        )
    if len(value["deactivated_reason"]) > 200:
        return None, Problem(
            "deactivated_reason", "facilities.too_long", "deactivated_reason must be 200 characters or less"
        )
    if value["expected_return_on"] and parse_iso_date(value["expected_return_on"]) is None:
        return None, Problem(
            "expected_return_on",
            "facilities.invalid_date",
            f"expected_return_on must be a date written as YYYY-MM-DD, not {value['expected_return_on']!r}",
        )
    if active and (value["deactivated_reason"] or value["expected_return_on"]):
        return None, Problem(
            "active", "facilities.inconsistent_active", "Only an inactive location (active = no) has a deactivation"
        )
    return (
        ParsedRow(
            parent_key=normalise_key(value["parent_key"]),
            code=code,
            attributes=attributes,
            active=active,
            deactivated_reason=value["deactivated_reason"],
            expected_return_on=value["expected_return_on"],
        ),
        None,
    )


def normalise_key(key: str) -> str:
    return "-".join(normalise_code(part) for part in key.strip().split("-")) if key.strip() else ""


def parse_iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()) else None
    except ValueError:
        return None


def format_flag(value: bool) -> str:
    return "yes" if value else "no"
