from oms.incidents.models.adjudications import (
    Appeal,
    DisciplinaryCharge,
    Hearing,
    OffenceParagraph,
    Punishment,
    Restoration,
)
from oms.incidents.models.emergencies import Emergency, EmergencyAction, EmergencyRoll, MovementException, RollEntry
from oms.incidents.models.incidents import (
    Addendum,
    Attachment,
    CorrectionRequest,
    Incident,
    IncidentType,
    Involvement,
    UseOfForce,
)

__all__ = [
    "Addendum",
    "Appeal",
    "Attachment",
    "CorrectionRequest",
    "DisciplinaryCharge",
    "Emergency",
    "EmergencyAction",
    "EmergencyRoll",
    "Hearing",
    "Incident",
    "IncidentType",
    "Involvement",
    "MovementException",
    "OffenceParagraph",
    "Punishment",
    "Restoration",
    "RollEntry",
    "UseOfForce",
]
