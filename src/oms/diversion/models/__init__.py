from oms.diversion.models.partners import Disclosure, PartnerConsent, PartnerReferral
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
    "Disclosure",
    "HoursEntry",
    "LedgerEntry",
    "NoticeSent",
    "PartnerConsent",
    "PartnerReferral",
    "Participation",
    "PortalCheckIn",
    "Programme",
    "Referral",
    "Requirement",
]
