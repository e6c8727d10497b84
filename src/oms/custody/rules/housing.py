"""Housing checks: may this person sleep in this bed, and which beds suit them best.

Pure functions over plain dataclasses (no ORM, no I/O): ``queries.housing`` loads the facts, the
services and the suggestion list call ``bed_conflicts`` and ``rank_key``. Every conflict carries a
stable code, the name of the check, a plain-English explanation and whether an authorised override
(``custody.override_housing`` plus a reason) may waive it. Hard conflicts are never waived.

Decisions where the issue is silent (docs/custody-housing.md says why):
- Security: a person may sleep at their classification or higher. Below it is a hard conflict (the
  classification must change first). An unclassified person is treated as ``medium``: medium or above
  is fine, low or open needs an authorised override.
- Sex: the location's sex is the nearest one set (not "any") on the bed or its ancestors. A
  mismatch, or a person whose sex is not recorded as male or female placed in a single-sex location,
  is overridable (a case-board decision, for example for a transgender person), never silent.
- Cell sharing (from intake screening): single cell only is hard both ways (they may not share, and
  no-one may join them). Share with care and not yet assessed are overridable both ways.
- Keep-aparts: sharing a cell with someone to be kept apart is hard at every level; the same landing
  (landing or wing level) or the same wing (wing level) is overridable.
- Capacity: above working capacity up to maximum is overridable; above maximum never. A maximum of 0
  means "not set" and the working capacity is the ceiling.
- Specialist cells (safe, segregation, medical, constant watch, mother and baby) are not for general
  housing: overridable, and ranked last in suggestions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

SECURITY_ORDER = ("open", "low", "medium", "high", "maximum")
UNCLASSIFIED_TREATED_AS = "medium"
LEVEL_ORDER = {"cell": 1, "landing": 2, "wing": 3}
SPECIALIST_FOR_GENERAL_USE = ("", "accessible")  # accessible cells may house anyone (ranked after others)
SINGLE_SEX = ("male", "female")

SINGLE_CELL = "single_cell"
SHARE_WITH_CARE = "share_with_care"
NOT_ASSESSED = "not_assessed"


@dataclass(frozen=True)
class Conflict:
    code: str  # "housing.<what>"
    check: str  # the check's name as staff know it: "Capacity", "Sex", "Keep-apart", ...
    explanation: str
    overridable: bool
    other_person_id: int | None = None  # keep-apart conflicts: the pages show the name only if readable

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "check": self.check,
            "explanation": self.explanation,
            "overridable": self.overridable,
        }


@dataclass(frozen=True)
class PersonFacts:
    person_id: int
    site_id: int
    sex: str  # people Sex: male, female, intersex, not_known
    security_level: str  # "" = unclassified
    cell_sharing: str = NOT_ASSESSED  # IntakeScreening.CellSharing, not_assessed without a screening
    needs_accessible_cell: bool = False
    episode_active: bool = True
    current_bed_id: int | None = None


@dataclass(frozen=True)
class LocationFacts:
    id: int
    kind: str
    key: str
    site_id: int
    parent_id: int | None = None
    active: bool = True
    deactivated_reason: str = ""
    sex: str = "any"
    security_level: str = ""
    accessible: bool = False
    specialist_type: str = ""
    working_capacity: int = 0
    maximum_capacity: int = 0


@dataclass(frozen=True)
class Occupant:
    person_id: int
    bed_id: int
    cell_sharing: str = NOT_ASSESSED


@dataclass(frozen=True)
class BedFacts:
    """A bed and its ancestors (nearest first: cell, landing, wing, unit) with who is in its cell."""

    bed: LocationFacts
    ancestors: tuple[LocationFacts, ...] = ()
    cell_occupants: tuple[Occupant, ...] = ()  # open assignments in the bed's cell (the bed's own included)

    def nearest(self, kind: str) -> LocationFacts | None:
        for location in (self.bed, *self.ancestors):
            if location.kind == kind:
                return location
        return None

    @property
    def cell(self) -> LocationFacts | None:
        return self.nearest("cell")

    @property
    def chain(self) -> tuple[LocationFacts, ...]:
        return (self.bed, *self.ancestors)

    def effective_security_level(self) -> str:
        return next((loc.security_level for loc in self.chain if loc.security_level), "")

    def effective_sex(self) -> str:
        return next((loc.sex for loc in self.chain if loc.sex and loc.sex != "any"), "any")

    def is_accessible(self) -> bool:
        return any(loc.accessible or loc.specialist_type == "accessible" for loc in self.chain[:2])

    def specialist_type(self) -> str:
        return next((loc.specialist_type for loc in self.chain if loc.specialist_type), "")


@dataclass(frozen=True)
class KeptApartFrom:
    """Someone the person must be kept apart from, and where that person sleeps (None: not housed)."""

    other_person_id: int
    restriction_level: str  # cell / landing / wing
    source: str = "non_association"  # or "group"
    cell_id: int | None = None
    landing_id: int | None = None
    wing_id: int | None = None


@dataclass(frozen=True)
class Checked:
    """A bed with its conflicts, for the suggestions list."""

    bed: BedFacts
    conflicts: tuple[Conflict, ...] = field(default=())

    @property
    def valid(self) -> bool:
        return not self.conflicts

    @property
    def overridable(self) -> bool:
        return bool(self.conflicts) and all(c.overridable for c in self.conflicts)


def security_rank(level: str) -> int:
    return SECURITY_ORDER.index(level) if level in SECURITY_ORDER else -1


def _hard(code: str, check: str, explanation: str, other: int | None = None) -> Conflict:
    return Conflict(code, check, explanation, overridable=False, other_person_id=other)


def _soft(code: str, check: str, explanation: str, other: int | None = None) -> Conflict:
    return Conflict(code, check, explanation, overridable=True, other_person_id=other)


def _label(location: LocationFacts) -> str:
    return f"{location.kind.capitalize()} {location.key}"


def bed_conflicts(
    person: PersonFacts, bed: BedFacts | None, keep_aparts: Iterable[KeptApartFrom] = ()
) -> list[Conflict]:
    """Every reason ``person`` should not sleep in ``bed``: empty when the bed is fine."""
    if bed is None:
        return [_hard("housing.bed_not_found", "Bed", "There is no such bed.")]
    conflicts: list[Conflict] = []
    if not person.episode_active:
        conflicts.append(_hard("housing.episode_not_active", "Custody", "The person is no longer in custody."))
    location = bed.bed
    if location.kind != "bed":
        return [
            *conflicts,
            _hard("housing.not_a_bed", "Bed", f"{_label(location)} is not a bed: choose a bed in a cell."),
        ]
    if location.site_id != person.site_id:
        conflicts.append(_hard("housing.other_site", "Site", f"Bed {location.key} is not at the person's site."))
    for place in bed.chain:
        if not place.active:
            why = f": {place.deactivated_reason}" if place.deactivated_reason else ""
            conflicts.append(
                _hard("housing.location_inactive", "Location in use", f"{_label(place)} is out of use{why}.")
            )
            break
    others = [o for o in bed.cell_occupants if o.person_id != person.person_id]
    if person.current_bed_id == location.id:
        conflicts.append(_hard("housing.already_in_bed", "Bed", f"The person is already in bed {location.key}."))
    elif any(o.bed_id == location.id for o in others):
        conflicts.append(_hard("housing.bed_occupied", "Bed", f"Bed {location.key} is already occupied."))
    conflicts.extend(_capacity(bed, others))
    conflicts.extend(_sex(person, bed))
    conflicts.extend(_security(person, bed))
    conflicts.extend(_cell_sharing(person, bed, others))
    conflicts.extend(_accessibility_and_specialist(person, bed))
    conflicts.extend(_keep_aparts(bed, keep_aparts))
    return conflicts


def _capacity(bed: BedFacts, others: Sequence[Occupant]) -> list[Conflict]:
    cell = bed.cell
    if cell is None:
        return [_hard("housing.not_a_bed", "Bed", f"Bed {bed.bed.key} is not in a cell.")]
    after = len(others) + 1
    maximum = cell.maximum_capacity or cell.working_capacity
    if after > maximum:
        return [
            _hard(
                "housing.over_maximum_capacity",
                "Capacity",
                f"Cell {cell.key} would hold {after}, above its maximum capacity of {maximum}.",
            )
        ]
    if after > cell.working_capacity:
        return [
            _soft(
                "housing.over_working_capacity",
                "Capacity",
                f"Cell {cell.key} would hold {after}, above its working capacity of {cell.working_capacity} "
                f"(maximum {maximum}).",
            )
        ]
    return []


def _sex(person: PersonFacts, bed: BedFacts) -> list[Conflict]:
    location_sex = bed.effective_sex()
    if location_sex not in SINGLE_SEX:
        return []
    if person.sex not in SINGLE_SEX:
        return [
            _soft(
                "housing.sex_not_recorded",
                "Sex",
                f"The location holds {location_sex} people only and the person's sex is not recorded as male "
                "or female.",
            )
        ]
    if person.sex != location_sex:
        return [
            _soft(
                "housing.sex_mismatch",
                "Sex",
                f"The location holds {location_sex} people only; the person is recorded as {person.sex}.",
            )
        ]
    return []


def _security(person: PersonFacts, bed: BedFacts) -> list[Conflict]:
    level = bed.effective_security_level()
    if not level:
        return []
    if not person.security_level:
        if security_rank(level) < security_rank(UNCLASSIFIED_TREATED_AS):
            return [
                _soft(
                    "housing.unclassified_low_security",
                    "Security level",
                    f"The person is not yet classified and the location is {level} security: unclassified "
                    f"people are held at {UNCLASSIFIED_TREATED_AS} or above.",
                )
            ]
        return []
    if security_rank(level) < security_rank(person.security_level):
        return [
            _hard(
                "housing.security_too_low",
                "Security level",
                f"The person is classified {person.security_level} and the location is only {level} security.",
            )
        ]
    return []


def _cell_sharing(person: PersonFacts, bed: BedFacts, others: Sequence[Occupant]) -> list[Conflict]:
    if not others:
        return []
    conflicts: list[Conflict] = []
    if person.cell_sharing == SINGLE_CELL:
        conflicts.append(
            _hard(
                "housing.single_cell_only",
                "Cell sharing",
                "The person is assessed as single cell only and the cell is occupied.",
            )
        )
    elif person.cell_sharing == SHARE_WITH_CARE:
        conflicts.append(
            _soft(
                "housing.share_with_care",
                "Cell sharing",
                "The person may share a cell only with care and the cell is occupied.",
            )
        )
    elif person.cell_sharing == NOT_ASSESSED:
        conflicts.append(
            _soft(
                "housing.cell_sharing_not_assessed",
                "Cell sharing",
                "The person's cell-sharing risk has not been assessed and the cell is occupied.",
            )
        )
    flags = {o.cell_sharing for o in others}
    if SINGLE_CELL in flags:
        conflicts.append(
            _hard(
                "housing.occupant_single_cell", "Cell sharing", "Someone in the cell is assessed as single cell only."
            )
        )
    if SHARE_WITH_CARE in flags:
        conflicts.append(
            _soft("housing.occupant_share_with_care", "Cell sharing", "Someone in the cell may share only with care.")
        )
    if NOT_ASSESSED in flags:
        conflicts.append(
            _soft(
                "housing.occupant_not_assessed",
                "Cell sharing",
                "Someone in the cell has not had their cell-sharing risk assessed.",
            )
        )
    return conflicts


def _accessibility_and_specialist(person: PersonFacts, bed: BedFacts) -> list[Conflict]:
    conflicts: list[Conflict] = []
    if person.needs_accessible_cell and not bed.is_accessible():
        conflicts.append(
            _soft(
                "housing.not_accessible", "Accessibility", "The person needs an accessible cell and this cell is not."
            )
        )
    specialist = bed.specialist_type()
    if specialist not in SPECIALIST_FOR_GENERAL_USE:
        name = specialist.replace("_", " ")
        conflicts.append(
            _soft(
                "housing.specialist_cell",
                "Specialist cell",
                f"This is a {name} cell, kept for people who need it; placing someone there needs authorisation.",
            )
        )
    return conflicts


def _keep_aparts(bed: BedFacts, keep_aparts: Iterable[KeptApartFrom]) -> list[Conflict]:
    cell, landing, wing = bed.nearest("cell"), bed.nearest("landing"), bed.nearest("wing")
    conflicts: list[Conflict] = []
    for other in keep_aparts:
        level = LEVEL_ORDER.get(other.restriction_level, 3)
        kind = "a non-association" if other.source == "non_association" else "a keep-apart group"
        if cell is not None and other.cell_id == cell.id:
            conflicts.append(
                _hard(
                    "housing.keep_apart_cell",
                    "Keep-apart",
                    f"Cell {cell.key} holds someone this person must be kept apart from ({kind}, "
                    f"{other.restriction_level} level).",
                    other.other_person_id,
                )
            )
        elif level >= LEVEL_ORDER["landing"] and landing is not None and other.landing_id == landing.id:
            conflicts.append(
                _soft(
                    "housing.keep_apart_landing",
                    "Keep-apart",
                    f"Landing {landing.key} holds someone this person must be kept apart from ({kind}, "
                    f"{other.restriction_level} level).",
                    other.other_person_id,
                )
            )
        elif level >= LEVEL_ORDER["wing"] and wing is not None and other.wing_id == wing.id:
            conflicts.append(
                _soft(
                    "housing.keep_apart_wing",
                    "Keep-apart",
                    f"Wing {wing.key} holds someone this person must be kept apart from ({kind}, wing level).",
                    other.other_person_id,
                )
            )
    return conflicts


def decide_override(conflicts: Sequence[Conflict], *, override_reason: str) -> tuple[bool, list[str]]:
    """Whether the assignment may go ahead, and the codes it overrides.

    Any hard conflict blocks. Overridable ones block unless an override reason is given (the caller
    checks the override permission)."""
    if any(not c.overridable for c in conflicts):
        return False, []
    if conflicts and not override_reason.strip():
        return False, []
    return True, sorted({c.code for c in conflicts})


def rank_key(person: PersonFacts, checked: Checked) -> tuple:
    """Best first: no conflicts, then only overridable ones (fewest first); the exact security level
    before higher ones; ordinary cells before accessible cells (kept for those who need them) and
    specialist cells; emptier cells first; then location order so the list is stable."""
    bed = checked.bed
    level = bed.effective_security_level()
    wanted = person.security_level or UNCLASSIFIED_TREATED_AS
    distance = abs(security_rank(level) - security_rank(wanted)) if level else len(SECURITY_ORDER)
    specialist = bed.specialist_type()
    keeps_specialist = 0
    if specialist not in SPECIALIST_FOR_GENERAL_USE:
        keeps_specialist = 2
    elif bed.is_accessible() and not person.needs_accessible_cell:
        keeps_specialist = 1
    others = sum(1 for o in bed.cell_occupants if o.person_id != person.person_id)
    return (
        0 if checked.valid else 1 if checked.overridable else 2,
        len(checked.conflicts),
        distance,
        keeps_specialist,
        others,
        bed.bed.key,
    )


def rank(person: PersonFacts, checked: Iterable[Checked]) -> list[Checked]:
    return sorted(checked, key=lambda c: rank_key(person, c))
