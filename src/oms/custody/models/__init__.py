"""Custody models, one module per area; import from ``oms.custody.models``."""

from oms.custody.models.counts import (
    Count,
    CountDiscrepancy,
    CountEntry,
    CountSession,
    CountTime,
    ObservationCheck,
    ObservationPlan,
)
from oms.custody.models.episodes import CashEntry, CustodyEpisode, IntakeScreening, LawfulAuthority, PropertyItem
from oms.custody.models.housing import (
    BedAssignment,
    KeepApartGroup,
    KeepApartMember,
    NonAssociation,
    RestrictionLevel,
)
from oms.custody.models.movements import Movement
from oms.custody.models.recalls import Recall

__all__ = [
    "BedAssignment",
    "CashEntry",
    "Count",
    "CountDiscrepancy",
    "CountEntry",
    "CountSession",
    "CountTime",
    "CustodyEpisode",
    "IntakeScreening",
    "KeepApartGroup",
    "KeepApartMember",
    "LawfulAuthority",
    "Movement",
    "NonAssociation",
    "ObservationCheck",
    "ObservationPlan",
    "PropertyItem",
    "Recall",
    "RestrictionLevel",
]
