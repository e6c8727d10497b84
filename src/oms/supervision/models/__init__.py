from oms.supervision.models.breach import Breach, BreachStep, ComplianceWarning
from oms.supervision.models.cases import Appointment, CaseEntry, Level, Requirement, SupervisionCase
from oms.supervision.models.sanctions import SanctionBand, Severity, Violation

__all__ = [
    "Appointment",
    "Breach",
    "BreachStep",
    "CaseEntry",
    "ComplianceWarning",
    "Level",
    "Requirement",
    "SanctionBand",
    "Severity",
    "SupervisionCase",
    "Violation",
]
