from oms.supervision.models.breach import Breach, BreachStep, ComplianceWarning
from oms.supervision.models.cases import Appointment, CaseEntry, Level, Requirement, SupervisionCase

__all__ = [
    "Appointment",
    "Breach",
    "BreachStep",
    "CaseEntry",
    "ComplianceWarning",
    "Level",
    "Requirement",
    "SupervisionCase",
]
