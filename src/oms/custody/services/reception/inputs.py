"""Reception input shapes: what an officer enters for a new person, a warrant or order, a property
item and first-night screening."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oms.custody.models import IntakeScreening


@dataclass(frozen=True)
class NewPerson:
    """Details for a person with no record yet; created through the people service (duplicate check)."""

    family_name: str
    given_name: str
    date_of_birth: dt.date | None = None
    sex: str = "not_known"
    middle_names: str = ""
    nationality: str = ""


@dataclass(frozen=True)
class NewAuthority:
    kind: str
    reference: str
    issued_by: str = ""
    issued_on: dt.date | None = None
    expires_on: dt.date | None = None
    document_seen: bool = False


@dataclass(frozen=True)
class NewPropertyItem:
    description: str
    quantity: int = 1
    seal_number: str = ""
    in_possession: bool = False  # kept by the person (in cell) rather than stored


@dataclass(frozen=True)
class Screening:
    """First-night screening answers. ``None`` for a note means "leave as recorded": an officer who
    may not read the health notes can still update the risk levels without wiping them."""

    health_concerns: bool = False
    health_notes: str | None = None
    takes_medication: bool = False
    suicide_self_harm_risk: str = IntakeScreening.Risk.NONE
    suicide_self_harm_notes: str | None = None
    victimisation_risk: str = IntakeScreening.Risk.NONE
    aggression_risk: str = IntakeScreening.Risk.NONE
    cell_sharing: str = IntakeScreening.CellSharing.NOT_ASSESSED
    needs_accessible_cell: bool = False
