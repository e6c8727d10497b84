from oms.diversion.models.portal import CoordinatorMessage, PortalCheckIn
from oms.diversion.models.programmes import (
    ClassAttendance,
    HoursEntry,
    LedgerEntry,
    NoticeSent,
    Participation,
    Programme,
    Referral,
    Requirement,
)

__all__ = [
    "ClassAttendance",
    "CoordinatorMessage",
    "HoursEntry",
    "LedgerEntry",
    "NoticeSent",
    "Participation",
    "PortalCheckIn",
    "Programme",
    "Referral",
    "Requirement",
]
