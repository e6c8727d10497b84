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
    "HoursEntry",
    "LedgerEntry",
    "NoticeSent",
    "Participation",
    "Programme",
    "Referral",
    "Requirement",
]
